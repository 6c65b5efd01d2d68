#include "adapters/slack/slack_events.hpp"

#include "adapters/slack/mrkdwn.hpp"
#include "bot/draft.hpp"
#include "bot/json_fields.hpp"
#include "bot/text.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

constexpr std::string_view kEventPrefix = "slack:";


std::optional<ChannelName> known_channel(const std::string& id, const ChannelResolver& resolve) {
    return resolve && !id.empty() ? resolve(SlackChannelId{id}) : std::nullopt;
}

ChannelName channel_for(const std::string& channel_id, const ChannelResolver& resolve) {
    if (auto name = known_channel(channel_id, resolve)) return *name;
    // Slack's direct-message ids start with D; the core names a DM "".
    if (channel_id.empty() || channel_id.front() == 'D') return ChannelName{""};
    return ChannelName{channel_id};
}

// Slack escapes only these three in message text.
std::string decode_entities(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '&') {
            bool decoded = false;
            for (auto [entity, plain] : {std::pair{"&amp;", '&'}, std::pair{"&lt;", '<'}, std::pair{"&gt;", '>'}}) {
                const std::string_view e(entity);
                if (text.substr(i, e.size()) == e) {
                    out += plain;
                    i += e.size();
                    decoded = true;
                    break;
                }
            }
            if (decoded) continue;
        }
        out += text[i++];
    }
    return out;
}

// One <...> token of Slack's escaped text.
std::string convert_token(std::string_view token, const ChannelResolver& resolve) {
    std::string_view target = token;
    std::string label;
    if (auto bar = token.find('|'); bar != std::string_view::npos) {
        target = token.substr(0, bar);
        label = decode_entities(token.substr(bar + 1));
    }
    if (target.empty()) return label;
    const char sigil = target.front();
    const std::string id(target.substr(1));
    switch (sigil) {
        case '@':
            // The id, not the label: users are known by id, and display names change.
            return id.empty() ? label : "@" + id;
        case '#':
            if (auto name = known_channel(id, resolve)) return to_string(*name);
            return "#" + (label.empty() ? id : label);
        case '!': {
            if (id == "here" || id == "channel" || id == "everyone") return "@" + id;
            // <!subteam^S0123|@security>, <!date^...|fallback>: the label is what people read.
            if (!label.empty()) return label;
            return "@" + id;
        }
        default: {
            const std::string url = decode_entities(target);
            if (label.empty() || label == url) return url;
            if (url == "mailto:" + label) return label;
            return label + " (" + url + ")";
        }
    }
}

// Slack truncates a message's text beyond this; cutting it ourselves keeps
// the cut at a character and outside an entity.
constexpr std::size_t kMaxAnswerBytes = 40000;

struct ButtonMeaning {
    std::string_view action_id;
    std::variant<CardDecision, bool> meaning;   // a draft decision, or allow/deny of an escalation
};

constexpr std::string_view kActionPrefix = "warroom.";

const ButtonMeaning kButtons[] = {
    {"warroom.approve", CardDecision::approve},
    {"warroom.changes", CardDecision::request_changes},
    {"warroom.reject", CardDecision::reject},
    {"warroom.allow", true},
    {"warroom.deny", false},
};

}  // namespace

std::string command_text_from_slack(std::string_view text, const ChannelResolver& resolve) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '<') {
            const std::size_t close = text.find('>', i + 1);
            if (close == std::string_view::npos) {
                out += decode_entities(text.substr(i));
                break;
            }
            out += convert_token(text.substr(i + 1, close - i - 1), resolve);
            i = close + 1;
            continue;
        }
        const std::size_t next = std::min(text.find('<', i), text.size());
        out += decode_entities(text.substr(i, next - i));
        i = next;
    }
    return out;
}

Inbound event_from_slash_command(const json& payload, const ChannelResolver& resolve) {
    if (!payload.is_object()) return Ignored{"the slash command envelope has no payload"};
    const auto command = string_field(payload, "command");
    if (command != "/incident" && command != "/inc")
        return Ignored{"the slash command " + truncate_utf8(command.value_or("(none)"), 60) + " is not warroom's"};
    const auto user = string_field(payload, "user_id");
    const auto trigger = string_field(payload, "trigger_id");
    const auto channel = string_field(payload, "channel_id");
    if (!user) return Ignored{"the slash command has no user_id"};
    if (!trigger) return Ignored{"the slash command has no trigger_id"};
    if (!channel) return Ignored{"the slash command has no channel_id"};

    // Whichever alias was typed, the core reads the canonical command.
    std::string text = "/incident";
    if (auto typed = string_field(payload, "text")) text += " " + command_text_from_slack(*typed, resolve);

    SlackEvent out;
    out.event = Event{EventId{std::string(kEventPrefix) + "command:" + *trigger}, UserId{*user},
                      channel_for(*channel, resolve), CommandText{std::move(text)},
                      truncate_utf8(string_field(payload, "user_name").value_or(""), 80)};
    out.channel_id = SlackChannelId{*channel};
    out.response_url = string_field(payload, "response_url").value_or("");
    return out;
}

Inbound event_from_block_actions(const json& payload, const ChannelResolver& resolve) {
    if (!payload.is_object()) return Ignored{"the interactive envelope has no payload"};
    const auto type = string_field(payload, "type");
    if (type != "block_actions")
        return Ignored{"interactive payloads of type " + truncate_utf8(type.value_or("(none)"), 60) + " are not handled"};
    const auto user = string_field(object_field(payload, "user"), "id");
    if (!user) return Ignored{"the click has no user.id"};
    auto actions = payload.find("actions");
    if (actions == payload.end() || !actions->is_array() || actions->empty() || !actions->front().is_object())
        return Ignored{"the click has no actions"};
    // A button click carries exactly one action.
    const json& action = actions->front();
    // Values from the payload are quoted in reasons that end up in logs: cut them short.
    const std::string action_id = truncate_utf8(string_field(action, "action_id").value_or(""), 60);
    if (action_id.substr(0, kActionPrefix.size()) != kActionPrefix)
        return Ignored{"the action \"" + action_id + "\" is not one of warroom's buttons"};
    const ButtonMeaning* button = nullptr;
    for (const ButtonMeaning& candidate : kButtons)
        if (candidate.action_id == action_id) button = &candidate;
    if (!button) return Ignored{"the action \"" + action_id + "\" is not a button this warroom knows"};
    const auto action_ts = string_field(action, "action_ts");
    if (!action_ts) return Ignored{"the click on " + action_id + " has no action_ts"};
    const std::string value = string_field(action, "value").value_or("");
    const std::string shown_value = truncate_utf8(value, 60);

    decltype(Event::what) what;
    if (const auto* decision = std::get_if<CardDecision>(&button->meaning)) {
        // "D-3@2": the draft and the revision the card showed; cards of earlier versions carry "D-3".
        const auto card = parse_draft_revision(value);
        if (!card)
            return Ignored{"the " + action_id + " button carries \"" + shown_value + "\", not a draft like D-3@2"};
        what = CardAction{card->draft, *decision, "", card->revision};
    } else {
        const auto escalation = parse_escalation_id(value);
        if (!escalation)
            return Ignored{"the " + action_id + " button carries \"" + shown_value + "\", not an escalation id like E-2"};
        what = EscalationAnswer{*escalation, std::get<bool>(button->meaning), ""};
    }

    std::string channel_id = string_field(object_field(payload, "container"), "channel_id")
                                 .value_or(string_field(object_field(payload, "channel"), "id").value_or(""));
    SlackEvent out;
    out.event = Event{EventId{std::string(kEventPrefix) + "click:" + *user + ":" + *action_ts}, UserId{*user},
                      channel_for(channel_id, resolve), std::move(what),
                      truncate_utf8(string_field(object_field(payload, "user"), "username")
                                        .value_or(string_field(object_field(payload, "user"), "name").value_or("")),
                                    80)};
    out.channel_id = SlackChannelId{channel_id};
    out.response_url = string_field(payload, "response_url").value_or("");
    return out;
}

Inbound event_from_events_api(const json& payload, const ChannelResolver& resolve) {
    if (!payload.is_object()) return Ignored{"the Events API envelope has no payload"};
    const json& event = object_field(payload, "event");
    const auto type = string_field(event, "type");
    if (type != "member_left_channel")
        return Ignored{"Events API events of type " + truncate_utf8(type.value_or("(none)"), 60) + " are not handled"};
    const auto event_id = string_field(payload, "event_id");
    const auto user = string_field(event, "user");
    const auto channel = string_field(event, "channel");
    if (!event_id) return Ignored{"the member_left_channel event has no event_id"};
    if (!user) return Ignored{"the member_left_channel event has no user"};
    if (!channel) return Ignored{"the member_left_channel event has no channel"};
    SlackEvent out;
    // Slack does not say whether the member left or was removed, nor by whom.
    out.event = Event{EventId{std::string(kEventPrefix) + "event:" + *event_id}, UserId{*user},
                      channel_for(*channel, resolve), MembershipLeft{}, ""};
    out.channel_id = SlackChannelId{*channel};
    return out;
}

Inbound event_from_envelope(const Envelope& envelope, const ChannelResolver& resolve) {
    if (envelope.type == "slash_commands") return event_from_slash_command(envelope.payload, resolve);
    if (envelope.type == "interactive") return event_from_block_actions(envelope.payload, resolve);
    if (envelope.type == "events_api") return event_from_events_api(envelope.payload, resolve);
    return Ignored{"envelopes of type \"" + truncate_utf8(envelope.type, 60) + "\" are not handled"};
}

std::optional<json> slash_command_payload(const Reply& reply, const ChannelIdLookup& channels) {
    if (reply.text.empty()) return std::nullopt;
    std::string text = escape_mrkdwn_with_links(reply.text, channels);
    if (text.size() > kMaxAnswerBytes) text = escape_mrkdwn_truncated(reply.text, kMaxAnswerBytes);
    return json{{"response_type", "ephemeral"}, {"text", std::move(text)}};
}

std::string slash_command_answer(std::string_view envelope_id, const Reply& reply) {
    return ack_frame(envelope_id, slash_command_payload(reply));
}

}  // namespace warroom::slack
