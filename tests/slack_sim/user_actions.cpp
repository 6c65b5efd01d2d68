#include "slack_sim/user_actions.hpp"

#include <stdexcept>

namespace warroom::slack_sim {
namespace {

using nlohmann::json;

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

std::string escape_entities(const std::string& typed) {
    std::string out;
    for (char c : typed) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string response_url(SimState& state) {
    std::string id = state.unique_hex(24);
    state.response_urls[id] = ResponseUrl{};
    return "https://" + state.authority + "/response/" + id;
}

std::string trigger_id(SimState& state) {
    return std::to_string(state.workspace.now_seconds()) + "." + state.unique_hex(10) + "." +
           state.unique_hex(32);
}

const StoredChannel& known_channel(const Workspace& workspace, const std::string& channel_id) {
    const StoredChannel* channel = workspace.channel(channel_id);
    if (!channel) throw std::runtime_error("slack simulator: no channel " + channel_id);
    return *channel;
}

const SimUser& known_user(const Workspace& workspace, const std::string& user_id) {
    const SimUser* user = workspace.user(user_id);
    if (!user) throw std::runtime_error("slack simulator: no user " + user_id);
    return *user;
}

std::string channel_name_in_payload(const SimChannel& channel) {
    if (channel.is_im) return "directmessage";
    return channel.is_private ? "privategroup" : channel.name;
}

// The button `action_id` in the message's actions blocks (or as a section's accessory), with its block's id.
std::optional<std::pair<json, std::string>> find_button(const json& blocks, const std::string& action_id) {
    if (!blocks.is_array()) return std::nullopt;
    for (std::size_t index = 0; index < blocks.size(); ++index) {
        const json& block = blocks[index];
        if (!block.is_object()) continue;
        // Slack gives every block an id when it is posted without one; ours is derived from its position.
        std::string block_id = block.value("block_id", "sim-block-" + std::to_string(index));
        std::vector<json> candidates;
        if (block.value("type", "") == "actions" && block.contains("elements") && block["elements"].is_array())
            candidates.assign(block["elements"].begin(), block["elements"].end());
        if (block.value("type", "") == "section" && block.contains("accessory"))
            candidates.push_back(block["accessory"]);
        for (const auto& element : candidates)
            if (element.is_object() && element.value("type", "") == "button" &&
                element.value("action_id", "") == action_id)
                return std::make_pair(element, block_id);
    }
    return std::nullopt;
}

}  // namespace

std::string escape_command_text(const Workspace& workspace, const std::string& typed) {
    std::string text = escape_entities(typed);
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        char sigil = text[i];
        bool at_word_start = i == 0 || !is_name_char(text[i - 1]);
        if ((sigil != '@' && sigil != '#') || !at_word_start) {
            out += text[i++];
            continue;
        }
        std::size_t end = i + 1;
        while (end < text.size() && is_name_char(text[end])) ++end;
        // The longest prefix naming someone wins, so "@alice." at a sentence's end still mentions alice.
        bool replaced = false;
        for (std::size_t length = end - i - 1; length > 0 && !replaced; --length) {
            std::string name = text.substr(i + 1, length);
            if (sigil == '@') {
                if (const SimUser* user = workspace.user_by_name(name)) {
                    out += "<@" + user->id + "|" + name + ">";
                    replaced = true;
                } else if (name == "here" || name == "channel" || name == "everyone") {
                    out += "<!" + name + ">";
                    replaced = true;
                }
            } else if (const StoredChannel* channel = workspace.channel_by_name(name)) {
                out += "<#" + channel->channel.id + "|" + name + ">";
                replaced = true;
            }
            if (replaced) i += 1 + length;
        }
        if (!replaced) out += text[i++];
    }
    return out;
}

json slash_command_envelope(SimState& state, const std::string& user_id, const std::string& channel_id,
                            const std::string& text, const std::string& command) {
    const Workspace& ws = state.workspace;
    const SimUser& user = known_user(ws, user_id);
    const StoredChannel& channel = known_channel(ws, channel_id);
    if (!ws.can_see(user_id, channel))
        throw std::runtime_error("slack simulator: " + user.name + " cannot type in " + channel_id +
                                 ", a channel they are not in");
    // Slash command payloads are form fields: every value is a string.
    json payload = {{"token", "sim-verification-token"},
                    {"team_id", ws.team_id},
                    {"team_domain", ws.team_domain},
                    {"channel_id", channel_id},
                    {"channel_name", channel_name_in_payload(channel.channel)},
                    {"user_id", user_id},
                    {"user_name", user.name},
                    {"command", command},
                    {"text", escape_command_text(ws, text)},
                    {"api_app_id", ws.app_id},
                    {"is_enterprise_install", "false"},
                    {"response_url", response_url(state)},
                    {"trigger_id", trigger_id(state)}};
    return {{"envelope_id", state.uuid_like()},
            {"type", "slash_commands"},
            {"payload", payload},
            {"accepts_response_payload", true},
            {"retry_attempt", 0},
            {"retry_reason", ""}};
}

json button_click_envelope(SimState& state, const std::string& user_id, const std::string& channel_id,
                           const std::string& message_ts, const std::string& action_id, const json* shown_blocks) {
    Workspace& ws = state.workspace;
    const SimUser& user = known_user(ws, user_id);
    const StoredChannel& channel = known_channel(ws, channel_id);
    if (!ws.is_member(user_id, channel))
        throw std::runtime_error("slack simulator: " + user.name + " is not in " + channel_id +
                                 " and cannot click there");
    StoredMessage* stored = ws.message(channel_id, message_ts);
    if (!stored || (stored->message.ephemeral_to && *stored->message.ephemeral_to != user_id))
        throw std::runtime_error("slack simulator: " + user.name + " sees no message " + message_ts + " in " +
                                 channel_id);
    auto button = find_button(shown_blocks ? *shown_blocks : stored->message.blocks, action_id);
    if (!button)
        throw std::runtime_error("slack simulator: message " + message_ts + " in " + channel_id +
                                 " has no button with action_id " + action_id);

    auto& [element, block_id] = *button;
    json action = {{"action_id", action_id}, {"block_id", block_id}, {"type", "button"}, {"action_ts", ws.next_ts()}};
    if (element.contains("text")) action["text"] = element["text"];
    if (element.contains("value")) action["value"] = element["value"];
    if (element.contains("style")) action["style"] = element["style"];

    json message = ws.message_json(*stored, false);
    bool ephemeral = stored->message.ephemeral_to.has_value();
    json payload = {
        {"type", "block_actions"},
        {"user", {{"id", user_id}, {"username", user.name}, {"name", user.name},
                  {"team_id", user.team_id.empty() ? ws.team_id : user.team_id}}},
        {"api_app_id", ws.app_id},
        {"token", "sim-verification-token"},
        {"container",
         {{"type", "message"}, {"message_ts", message_ts}, {"channel_id", channel_id}, {"is_ephemeral", ephemeral}}},
        {"trigger_id", trigger_id(state)},
        {"team", {{"id", ws.team_id}, {"domain", ws.team_domain}}},
        {"enterprise", nullptr},
        {"is_enterprise_install", false},
        {"channel", {{"id", channel_id}, {"name", channel_name_in_payload(channel.channel)}}},
        {"message", message},
        {"state", {{"values", json::object()}}},
        {"response_url", response_url(state)},
        {"actions", json::array({action})}};
    return {{"envelope_id", state.uuid_like()},
            {"type", "interactive"},
            {"payload", payload},
            {"accepts_response_payload", false},
            {"retry_attempt", 0},
            {"retry_reason", ""}};
}

json member_left_envelope(SimState& state, const std::string& user_id, const std::string& channel_id) {
    Workspace& ws = state.workspace;
    const StoredChannel& channel = known_channel(ws, channel_id);
    const std::string event_ts = ws.next_ts();
    json event = {{"type", "member_left_channel"},
                  {"user", user_id},
                  {"channel", channel_id},
                  // One letter: G for private channels made before March 2021, C for all since (and public ones).
                  {"channel_type", channel.channel.id.substr(0, 1)},
                  {"team", ws.team_id},
                  {"event_ts", event_ts}};
    json payload = {{"token", "sim-verification-token"},
                    {"team_id", ws.team_id},
                    {"api_app_id", ws.app_id},
                    {"event", event},
                    {"type", "event_callback"},
                    {"event_id", "Ev" + state.unique_hex(10)},
                    {"event_time", ws.now_seconds()},
                    {"authorizations",
                     json::array({{{"enterprise_id", nullptr},
                                   {"team_id", ws.team_id},
                                   {"user_id", ws.bot_user_id},
                                   {"is_bot", true},
                                   {"is_enterprise_install", false}}})}};
    return {{"envelope_id", state.uuid_like()},
            {"type", "events_api"},
            {"payload", payload},
            {"accepts_response_payload", false},
            {"retry_attempt", 0},
            {"retry_reason", ""}};
}

}  // namespace warroom::slack_sim
