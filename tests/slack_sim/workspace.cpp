#include "slack_sim/workspace.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string_view>
#include <stdexcept>

namespace warroom::slack_sim {

using nlohmann::json;

std::string channel_name_error(const std::string& name) {
    if (name.empty()) return "invalid_name_required";
    if (name.size() > 80) return "invalid_name_maxlength";
    bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    return allowed ? "" : "invalid_name_specials";
}

std::optional<std::int64_t> ts_to_micros(const std::string& ts) {
    if (ts.empty()) return std::nullopt;
    std::int64_t seconds = 0;
    std::int64_t micros = 0;
    std::size_t i = 0;
    for (; i < ts.size() && ts[i] != '.'; ++i) {
        if (ts[i] < '0' || ts[i] > '9' || i > 15) return std::nullopt;
        seconds = seconds * 10 + (ts[i] - '0');
    }
    int fraction_digits = 0;
    if (i < ts.size()) {
        for (++i; i < ts.size(); ++i) {
            if (ts[i] < '0' || ts[i] > '9') return std::nullopt;
            if (fraction_digits < 6) {
                micros = micros * 10 + (ts[i] - '0');
                ++fraction_digits;
            }
        }
    }
    for (; fraction_digits < 6; ++fraction_digits) micros *= 10;
    return seconds * 1000000 + micros;
}

Workspace::Workspace() {
    bot_user_id = add_user(bot_name, true);
    user(bot_user_id)->bot_id = bot_id;
    user(bot_user_id)->app_id = app_id;
}

std::string Workspace::next_id(char prefix) {
    // Slack ids: a type letter, then uppercase letters and digits.
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%c0%07llX", prefix, static_cast<unsigned long long>(++id_counter_));
    return buffer;
}

std::string Workspace::next_ts() {
    ts_micros_ += 100;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%lld.%06lld", static_cast<long long>(ts_micros_ / 1000000),
                  static_cast<long long>(ts_micros_ % 1000000));
    return buffer;
}

std::int64_t Workspace::now_seconds() const {
    return ts_micros_ / 1000000;
}

std::string Workspace::add_user(const std::string& name, bool is_bot) {
    if (name.empty()) throw std::invalid_argument("slack simulator: add_user needs a name");
    if (user_by_name(name)) throw std::invalid_argument("slack simulator: a user named '" + name + "' exists already");
    SimUser user;
    user.id = next_id('U');
    user.name = name;
    user.is_bot = is_bot;
    users_.push_back(user);
    return user.id;
}

std::string Workspace::add_app(const std::string& name) {
    const std::string id = add_user(name, true);
    SimUser& bot = *user(id);
    bot.bot_id = next_id('B');
    bot.app_id = next_id('A');
    return id;
}

void Workspace::describe_user(const std::string& id, bool is_restricted, bool is_ultra_restricted,
                              const std::string& team) {
    for (SimUser& user : users_) {
        if (user.id != id) continue;
        user.is_restricted = is_restricted;
        user.is_ultra_restricted = is_ultra_restricted;
        user.team_id = team;
        return;
    }
    throw std::invalid_argument("slack simulator: no user " + id);
}

std::string Workspace::add_channel(const std::string& name, bool is_private, const std::vector<std::string>& members,
                                   const std::string& creator) {
    if (auto error = channel_name_error(name); !error.empty())
        throw std::invalid_argument("slack simulator: channel name '" + name + "': " + error);
    if (channel_by_name(name)) throw std::invalid_argument("slack simulator: channel '" + name + "' exists already");
    StoredChannel stored;
    stored.channel.id = next_id(is_private ? 'G' : 'C');
    stored.channel.name = name;
    stored.channel.is_private = is_private;
    stored.channel.creator = creator;
    for (const auto& member : members) {
        if (!user(member)) throw std::invalid_argument("slack simulator: no user " + member + " to put in #" + name);
        stored.channel.members.insert(member);
    }
    stored.created = now_seconds();
    channels_.push_back(stored);
    return stored.channel.id;
}

void Workspace::rename_channel(const std::string& id, const std::string& name) {
    StoredChannel* renamed = channel(id);
    if (!renamed || renamed->channel.is_im) throw std::invalid_argument("slack simulator: no channel " + id + " to rename");
    if (auto error = channel_name_error(name); !error.empty())
        throw std::invalid_argument("slack simulator: channel name '" + name + "': " + error);
    if (channel_by_name(name)) throw std::invalid_argument("slack simulator: channel '" + name + "' exists already");
    renamed->previous_names.push_back(renamed->channel.name);
    renamed->channel.name = name;
}

std::string Workspace::open_direct_message(const std::string& user_id) {
    if (auto it = direct_messages_.find(user_id); it != direct_messages_.end()) return it->second;
    StoredChannel stored;
    stored.channel.id = next_id('D');
    stored.channel.is_im = true;
    stored.channel.creator = bot_user_id;
    stored.channel.members = {bot_user_id, user_id};
    stored.created = now_seconds();
    channels_.push_back(stored);
    direct_messages_[user_id] = stored.channel.id;
    return stored.channel.id;
}

const SimUser* Workspace::user(const std::string& id) const {
    auto it = std::find_if(users_.begin(), users_.end(), [&](const SimUser& u) { return u.id == id; });
    return it == users_.end() ? nullptr : &*it;
}

SimUser* Workspace::user(const std::string& id) {
    return const_cast<SimUser*>(static_cast<const Workspace*>(this)->user(id));
}

const SimUser* Workspace::user_by_name(const std::string& name) const {
    auto it = std::find_if(users_.begin(), users_.end(), [&](const SimUser& u) { return u.name == name; });
    return it == users_.end() ? nullptr : &*it;
}

StoredChannel* Workspace::channel(const std::string& id) {
    auto it =
        std::find_if(channels_.begin(), channels_.end(), [&](const StoredChannel& c) { return c.channel.id == id; });
    return it == channels_.end() ? nullptr : &*it;
}

const StoredChannel* Workspace::channel(const std::string& id) const {
    return const_cast<Workspace*>(this)->channel(id);
}

const StoredChannel* Workspace::channel_by_name(const std::string& name) const {
    auto it = std::find_if(channels_.begin(), channels_.end(),
                           [&](const StoredChannel& c) { return !c.channel.is_im && c.channel.name == name; });
    return it == channels_.end() ? nullptr : &*it;
}

bool Workspace::is_member(const std::string& user_id, const StoredChannel& channel) const {
    return channel.channel.members.count(user_id) > 0;
}

bool Workspace::can_see(const std::string& user_id, const StoredChannel& channel) const {
    if (!channel.channel.is_private && !channel.channel.is_im) return true;
    return is_member(user_id, channel);
}

StoredMessage& Workspace::add_message(SimMessage message, const std::string& thread_ts) {
    messages_.push_back(StoredMessage{std::move(message), thread_ts, ""});
    return messages_.back();
}

StoredMessage* Workspace::message(const std::string& channel_id, const std::string& ts) {
    auto it = std::find_if(messages_.begin(), messages_.end(), [&](const StoredMessage& m) {
        return m.message.channel == channel_id && m.message.ts == ts;
    });
    return it == messages_.end() ? nullptr : &*it;
}

json Workspace::channel_json(const StoredChannel& stored) const {
    const SimChannel& c = stored.channel;
    if (c.is_im) {
        std::string other;
        for (const auto& member : c.members)
            if (member != bot_user_id) other = member;
        return {{"id", c.id},          {"created", stored.created}, {"is_im", true}, {"is_org_shared", false},
                {"user", other},       {"is_user_deleted", false},  {"priority", 0}, {"is_open", true}};
    }
    // Private channels keep the legacy G... ids, with which Slack reports is_group rather than is_channel.
    return {{"id", c.id},
            {"name", c.name},
            {"name_normalized", c.name},
            {"is_channel", !c.is_private},
            {"is_group", c.is_private},
            {"is_im", false},
            {"is_mpim", false},
            {"is_private", c.is_private},
            {"created", stored.created},
            {"creator", c.creator},
            {"is_archived", false},
            {"is_general", false},
            {"unlinked", 0},
            {"is_shared", false},
            {"is_ext_shared", false},
            {"is_org_shared", false},
            {"is_pending_ext_shared", false},
            {"context_team_id", team_id},
            {"is_member", is_member(bot_user_id, stored)},
            {"topic", {{"value", c.topic}, {"creator", stored.topic_set_by}, {"last_set", stored.topic_last_set}}},
            {"purpose",
             {{"value", c.purpose}, {"creator", stored.purpose_set_by}, {"last_set", stored.purpose_last_set}}},
            {"previous_names", stored.previous_names},
            {"num_members", c.members.size()}};
}

json Workspace::message_json(const StoredMessage& stored, bool include_metadata) const {
    const SimMessage& m = stored.message;
    json out = {{"type", "message"}, {"user", m.user}, {"text", m.text}, {"ts", m.ts}, {"team", team_id}};
    // A bot user's message names its app, warroom's or another's.
    if (const SimUser* author = user(m.user); author && author->is_bot) {
        out["bot_id"] = author->bot_id;
        out["app_id"] = author->app_id;
        out["bot_profile"] = {
            {"id", author->bot_id}, {"app_id", author->app_id}, {"name", author->name}, {"team_id", team_id}};
    }
    if (!m.blocks.is_null()) out["blocks"] = m.blocks;
    if (!stored.thread_ts.empty()) out["thread_ts"] = stored.thread_ts;
    if (m.edits > 0) out["edited"] = {{"user", m.user}, {"ts", stored.last_edit_ts}};
    if (include_metadata && !m.metadata.is_null()) out["metadata"] = m.metadata;
    return out;
}

namespace {

bool starts_word(const std::string& text, std::size_t at) {
    if (at == 0) return true;
    const char before = text[at - 1];
    return before == ' ' || before == '\n' || before == '\t' || before == '(' || before == '*' || before == '_' ||
           before == '~';
}

bool is_channel_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

// Where a bare URL Slack would link ends: at a space or markup; trailing punctuation stays text.
std::size_t url_end(const std::string& text, std::size_t from) {
    std::size_t end = from;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t' && text[end] != '<' &&
           text[end] != '>' && text[end] != '|')
        ++end;
    while (end > from && std::string_view(".,;:!?)*_~").find(text[end - 1]) != std::string_view::npos) --end;
    return end;
}

}  // namespace

std::vector<std::string> Workspace::links_shown(const StoredMessage& stored) const {
    std::vector<std::string> links;
    // Without verbatim, Slack links a bare URL and the #name of an existing channel on its own.
    const auto bare_link_end = [&](const std::string& text, std::size_t at) -> std::size_t {
        for (std::string_view scheme : {"https://", "http://", "www."})
            if (text.compare(at, scheme.size(), scheme) == 0) {
                const std::size_t end = url_end(text, at);
                return end > at + scheme.size() ? end : at;
            }
        if (text[at] != '#') return at;
        std::size_t end = at + 1;
        while (end < text.size() && is_channel_name_char(text[end])) ++end;
        return end > at + 1 && channel_by_name(text.substr(at + 1, end - at - 1)) ? end : at;
    };
    const std::function<void(const json&)> walk = [&](const json& node) {
        if (node.is_array()) {
            for (const json& item : node) walk(item);
            return;
        }
        if (!node.is_object()) return;
        for (const auto& [key, value] : node.items()) walk(value);
        if (node.value("type", "") != "mrkdwn" || !node.contains("text") || !node["text"].is_string()) return;
        const std::string text = node["text"];
        const bool verbatim = node.value("verbatim", false);
        for (std::size_t i = 0; i < text.size();) {
            if (text[i] == '<') {
                const std::size_t close = text.find('>', i);
                if (close == std::string::npos) break;
                links.push_back(text.substr(i, close + 1 - i));
                i = close + 1;
                continue;
            }
            if (!verbatim && starts_word(text, i)) {
                if (const std::size_t end = bare_link_end(text, i); end > i) {
                    links.push_back(text.substr(i, end - i));
                    i = end;
                    continue;
                }
            }
            ++i;
        }
    };
    walk(stored.message.blocks);
    return links;
}

json Workspace::user_json(const SimUser& u) const {
    const std::string& team = u.team_id.empty() ? team_id : u.team_id;
    return {{"id", u.id},
            {"team_id", team},
            {"is_restricted", u.is_restricted},
            {"is_ultra_restricted", u.is_ultra_restricted},
            {"name", u.name},
            {"deleted", false},
            {"real_name", u.name},
            {"tz", "Etc/UTC"},
            {"is_admin", false},
            {"is_owner", false},
            {"is_bot", u.is_bot},
            {"is_app_user", false},
            {"profile", {{"real_name", u.name}, {"display_name", u.name}, {"team", team}}}};
}

}  // namespace warroom::slack_sim
