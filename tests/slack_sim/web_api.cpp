#include "slack_sim/web_api.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "slack_sim/http_args.hpp"

namespace warroom::slack_sim {
namespace {

using nlohmann::json;

json ok(json fields = json::object()) {
    fields["ok"] = true;
    return fields;
}

json error(const std::string& code) {
    return {{"ok", false}, {"error", code}};
}

// --- Arguments: JSON bodies carry typed values, forms carry strings. ---

std::string text_arg(const json& args, const char* key) {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return "";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
    if (it->is_number()) return it->dump();
    return "";
}

bool has_arg(const json& args, const char* key) {
    auto it = args.find(key);
    return it != args.end() && !it->is_null();
}

bool bool_arg(const json& args, const char* key) {
    auto it = args.find(key);
    if (it == args.end()) return false;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_number_integer()) return it->get<long long>() != 0;
    std::string text = text_arg(args, key);
    return text == "true" || text == "1";
}

long long int_arg(const json& args, const char* key, long long fallback) {
    auto it = args.find(key);
    if (it == args.end()) return fallback;
    if (it->is_number_integer()) return it->get<long long>();
    try {
        std::size_t used = 0;
        std::string text = text_arg(args, key);
        long long value = std::stoll(text, &used);
        return used == text.size() ? value : fallback;
    } catch (const std::exception&) {
        return fallback;
    }
}

// blocks and metadata: JSON values in a JSON body, JSON-encoded strings in a form (both accepted, as Slack does).
struct JsonArg {
    bool present = false;
    bool malformed = false;
    json value;
};

JsonArg json_arg(const json& args, const char* key) {
    auto it = args.find(key);
    if (it == args.end() || it->is_null()) return {};
    if (!it->is_string()) return {true, false, *it};
    if (it->get<std::string>().empty()) return {};
    json parsed = json::parse(it->get<std::string>(), nullptr, false);
    if (parsed.is_discarded()) return {true, true, json()};
    return {true, false, std::move(parsed)};
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) items.push_back(item);
    }
    return items;
}

std::size_t code_points(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string truncate_code_points(const std::string& text, std::size_t limit) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == limit) return text.substr(0, i);
    }
    return text;
}

// "" when blocks are acceptable, else Slack's error code.
std::string blocks_error(const JsonArg& blocks) {
    if (!blocks.present) return "";
    if (blocks.malformed || !blocks.value.is_array()) return "invalid_blocks";
    if (blocks.value.size() > 50) return "msg_blocks_too_long";
    for (const auto& block : blocks.value)
        if (!block.is_object() || !block.contains("type") || !block["type"].is_string()) return "invalid_blocks";
    return "";
}

std::string metadata_error(const JsonArg& metadata) {
    if (!metadata.present) return "";
    const json& m = metadata.value;
    bool well_formed = !metadata.malformed && m.is_object() && m.contains("event_type") &&
                       m["event_type"].is_string() && m.contains("event_payload") && m["event_payload"].is_object();
    return well_formed ? "" : "invalid_metadata_format";
}

// --- The methods. ---

class Methods {
public:
    explicit Methods(SimState& state) : state_(state), ws_(state.workspace) {}

    json auth_test(const json&) {
        return ok({{"url", "https://" + ws_.team_domain + ".slack.com/"},
                   {"team", ws_.team_domain},
                   {"user", ws_.bot_name},
                   {"team_id", ws_.team_id},
                   {"user_id", ws_.bot_user_id},
                   {"bot_id", ws_.bot_id},
                   {"is_enterprise_install", false}});
    }

    json apps_connections_open(const json&) {
        std::string ticket = state_.uuid_like();
        state_.tickets[ticket] = false;
        return ok({{"url", "wss://" + state_.authority + "/link/?ticket=" + ticket + "&app_id=" + ws_.app_id}});
    }

    json conversations_create(const json& args) {
        std::string name = text_arg(args, "name");
        if (auto problem = channel_name_error(name); !problem.empty()) return error(problem);
        if (ws_.channel_by_name(name)) return error("name_taken");
        std::string id = ws_.add_channel(name, bool_arg(args, "is_private"), {ws_.bot_user_id}, ws_.bot_user_id);
        return ok({{"channel", ws_.channel_json(*ws_.channel(id))}});
    }

    json conversations_invite(const json& args) {
        StoredChannel* channel = visible_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        if (channel->channel.is_im) return error("method_not_supported_for_channel_type");
        if (!ws_.is_member(ws_.bot_user_id, *channel)) return error("not_in_channel");
        if (has_arg(args, "users") && !args["users"].is_string()) return error("invalid_arguments");
        std::vector<std::string> users = split_list(text_arg(args, "users"));
        if (users.empty()) return error("no_user");
        std::vector<std::string> joining;
        for (const auto& user : users) {
            if (user == ws_.bot_user_id) return error("cant_invite_self");
            if (!ws_.user(user)) return error("user_not_found");
            if (ws_.user(user)->deactivated) return error("cant_invite");
            if (!channel->channel.members.count(user)) joining.push_back(user);
        }
        if (joining.empty()) return error("already_in_channel");
        channel->channel.members.insert(joining.begin(), joining.end());
        return ok({{"channel", ws_.channel_json(*channel)}});
    }

    json conversations_set_topic(const json& args) { return set_channel_text(args, "topic"); }
    json conversations_set_purpose(const json& args) { return set_channel_text(args, "purpose"); }

    json conversations_list(const json& args) {
        std::set<std::string> types;
        for (const auto& type : split_list(has_arg(args, "types") ? text_arg(args, "types") : "public_channel")) {
            if (type != "public_channel" && type != "private_channel" && type != "im" && type != "mpim")
                return error("invalid_types");
            types.insert(type);
        }
        long long limit = std::clamp(int_arg(args, "limit", 100), 1LL, 1000LL);

        std::vector<const StoredChannel*> listed;
        for (const auto& stored : ws_.channels()) {
            const SimChannel& c = stored.channel;
            bool wanted = c.is_im ? types.count("im") > 0
                          : c.is_private ? types.count("private_channel") > 0 && ws_.is_member(ws_.bot_user_id, stored)
                                         : types.count("public_channel") > 0;
            if (wanted) listed.push_back(&stored);
        }
        std::size_t start = 0;
        if (std::string cursor = text_arg(args, "cursor"); !cursor.empty()) {
            std::string decoded = base64_decode(cursor);
            auto it = std::find_if(listed.begin(), listed.end(),
                                   [&](const StoredChannel* c) { return "channel:" + c->channel.id == decoded; });
            if (it == listed.end()) return error("invalid_cursor");
            start = static_cast<std::size_t>(it - listed.begin());
        }
        json page = json::array();
        std::size_t end = std::min(listed.size(), start + static_cast<std::size_t>(limit));
        for (std::size_t i = start; i < end; ++i) page.push_back(ws_.channel_json(*listed[i]));
        std::string next = end < listed.size() ? base64_encode("channel:" + listed[end]->channel.id) : "";
        return ok({{"channels", page}, {"response_metadata", {{"next_cursor", next}}}});
    }

    json conversations_info(const json& args) {
        StoredChannel* channel = visible_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        return ok({{"channel", ws_.channel_json(*channel)}});
    }

    json conversations_history(const json& args) {
        StoredChannel* channel = visible_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        if (!ws_.is_member(ws_.bot_user_id, *channel)) return error("not_in_channel");
        long long limit = std::clamp(int_arg(args, "limit", 100), 1LL, 999LL);
        bool inclusive = bool_arg(args, "inclusive");
        auto oldest = ts_to_micros(text_arg(args, "oldest"));
        auto latest = ts_to_micros(text_arg(args, "latest"));
        std::optional<std::int64_t> resume_at;
        if (std::string cursor = text_arg(args, "cursor"); !cursor.empty()) {
            std::string decoded = base64_decode(cursor);
            if (decoded.rfind("next_ts:", 0) != 0 || !(resume_at = ts_to_micros(decoded.substr(8))))
                return error("invalid_cursor");
        }
        bool with_metadata = bool_arg(args, "include_all_metadata");

        // Newest first; thread replies and ephemeral messages are not part of a channel's history.
        std::vector<const StoredMessage*> selected;
        const auto& all = ws_.messages();
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            const SimMessage& m = it->message;
            if (m.channel != channel->channel.id || m.ephemeral_to) continue;
            if (!it->thread_ts.empty() && it->thread_ts != m.ts) continue;
            std::int64_t ts = *ts_to_micros(m.ts);
            if (oldest && (inclusive ? ts < *oldest : ts <= *oldest)) continue;
            if (latest && (inclusive ? ts > *latest : ts >= *latest)) continue;
            if (resume_at && ts > *resume_at) continue;
            selected.push_back(&*it);
        }
        json page = json::array();
        std::size_t count = std::min(selected.size(), static_cast<std::size_t>(limit));
        for (std::size_t i = 0; i < count; ++i) page.push_back(ws_.message_json(*selected[i], with_metadata));
        bool has_more = count < selected.size();
        std::string next = has_more ? base64_encode("next_ts:" + selected[count]->message.ts) : "";
        return ok({{"messages", page},
                   {"has_more", has_more},
                   {"pin_count", channel->channel.pinned.size()},
                   {"channel_actions_ts", nullptr},
                   {"channel_actions_count", 0},
                   {"response_metadata", {{"next_cursor", next}}}});
    }

    json conversations_open(const json& args) {
        std::vector<std::string> users = split_list(text_arg(args, "users"));
        if (users.empty()) return error("users_list_not_supplied");
        // Group DMs (mpim) are not part of what warroom does; say so rather than fake them.
        if (users.size() > 1) return error("mpim_not_supported_by_simulator");
        if (users[0] == ws_.bot_user_id) return error("cannot_dm_bot");
        if (!ws_.user(users[0])) return error("user_not_found");
        std::size_t channels_before = ws_.channels().size();
        std::string id = ws_.open_direct_message(users[0]);
        json answer = ok();
        if (ws_.channels().size() == channels_before) {
            answer["no_op"] = true;
            answer["already_open"] = true;
        }
        answer["channel"] = bool_arg(args, "return_im") ? ws_.channel_json(*ws_.channel(id)) : json{{"id", id}};
        return answer;
    }

    json chat_post_message(const json& args) {
        StoredChannel* channel = postable_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        if (!ws_.is_member(ws_.bot_user_id, *channel)) return error("not_in_channel");
        JsonArg blocks = json_arg(args, "blocks");
        if (auto problem = blocks_error(blocks); !problem.empty()) return error(problem);
        std::string text = text_arg(args, "text");
        if (text.empty() && (!blocks.present || blocks.value.empty())) return error("no_text");
        JsonArg metadata = json_arg(args, "metadata");
        if (auto problem = metadata_error(metadata); !problem.empty()) return error(problem);

        SimMessage message;
        message.channel = channel->channel.id;
        message.ts = ws_.next_ts();
        message.user = ws_.bot_user_id;
        message.text = truncate_code_points(text, 40000);   // Slack truncates, it does not refuse
        if (blocks.present && !blocks.value.empty()) message.blocks = blocks.value;
        if (metadata.present) message.metadata = metadata.value;
        StoredMessage& stored = ws_.add_message(std::move(message), text_arg(args, "thread_ts"));
        return ok({{"channel", stored.message.channel},
                   {"ts", stored.message.ts},
                   {"message", ws_.message_json(stored, true)}});
    }

    json chat_update(const json& args) {
        StoredChannel* channel = visible_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        StoredMessage* stored = ws_.message(channel->channel.id, text_arg(args, "ts"));
        if (!stored || stored->message.ephemeral_to) return error("message_not_found");
        if (stored->message.user != ws_.bot_user_id) return error("cant_update_message");
        JsonArg blocks = json_arg(args, "blocks");
        if (auto problem = blocks_error(blocks); !problem.empty()) return error(problem);
        if (!has_arg(args, "text") && !blocks.present) return error("no_text");
        JsonArg metadata = json_arg(args, "metadata");
        if (auto problem = metadata_error(metadata); !problem.empty()) return error(problem);

        SimMessage& message = stored->message;
        if (has_arg(args, "text")) message.text = truncate_code_points(text_arg(args, "text"), 40000);
        // Blocks omitted keep the old ones; an empty array removes them (Slack's documented behaviour).
        if (blocks.present) message.blocks = blocks.value.empty() ? json() : blocks.value;
        if (metadata.present) message.metadata = metadata.value;
        ++message.edits;
        stored->last_edit_ts = ws_.next_ts();
        json shown = ws_.message_json(*stored, false);
        shown.erase("ts");
        return ok({{"channel", message.channel}, {"ts", message.ts}, {"text", message.text}, {"message", shown}});
    }

    json chat_post_ephemeral(const json& args) {
        StoredChannel* channel = postable_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        if (!ws_.is_member(ws_.bot_user_id, *channel)) return error("not_in_channel");
        std::string user = text_arg(args, "user");
        if (!ws_.user(user)) return error("user_not_found");
        if (!ws_.is_member(user, *channel)) return error("user_not_in_channel");
        JsonArg blocks = json_arg(args, "blocks");
        if (auto problem = blocks_error(blocks); !problem.empty()) return error(problem);
        std::string text = text_arg(args, "text");
        if (text.empty() && (!blocks.present || blocks.value.empty())) return error("no_text");

        SimMessage message;
        message.channel = channel->channel.id;
        message.ts = ws_.next_ts();
        message.user = ws_.bot_user_id;
        message.text = truncate_code_points(text, 40000);
        if (blocks.present && !blocks.value.empty()) message.blocks = blocks.value;
        message.ephemeral_to = user;
        StoredMessage& stored = ws_.add_message(std::move(message), text_arg(args, "thread_ts"));
        return ok({{"message_ts", stored.message.ts}});
    }

    json pins_add(const json& args) {
        StoredChannel* channel = visible_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        if (!ws_.is_member(ws_.bot_user_id, *channel)) return error("not_in_channel");
        std::string ts = text_arg(args, "timestamp");
        if (ts.empty()) return error("no_item_specified");
        StoredMessage* stored = ws_.message(channel->channel.id, ts);
        if (!stored || stored->message.ephemeral_to) return error("message_not_found");
        auto& pinned = channel->channel.pinned;
        if (std::find(pinned.begin(), pinned.end(), ts) != pinned.end()) return error("already_pinned");
        pinned.push_back(ts);
        return ok();
    }

    json users_info(const json& args) {
        const SimUser* user = ws_.user(text_arg(args, "user"));
        if (!user) return error("user_not_found");
        return ok({{"user", ws_.user_json(*user)}});
    }

private:
    // A channel id the bot can see; private channels it is not in do not exist for it (channel_not_found).
    StoredChannel* visible_channel(const std::string& id) {
        StoredChannel* channel = ws_.channel(id);
        return channel && ws_.can_see(ws_.bot_user_id, *channel) ? channel : nullptr;
    }

    // chat.postMessage and chat.postEphemeral also take "#name", a bare name, or a user id (their DM with the bot).
    StoredChannel* postable_channel(const std::string& target) {
        if (StoredChannel* channel = visible_channel(target)) return channel;
        if (!target.empty() && target[0] == 'U' && ws_.user(target) && target != ws_.bot_user_id)
            return ws_.channel(ws_.open_direct_message(target));
        std::string name = !target.empty() && target[0] == '#' ? target.substr(1) : target;
        const StoredChannel* named = ws_.channel_by_name(name);
        return named ? visible_channel(named->channel.id) : nullptr;
    }

    json set_channel_text(const json& args, const char* field) {
        StoredChannel* channel = visible_channel(text_arg(args, "channel"));
        if (!channel) return error("channel_not_found");
        if (!ws_.is_member(ws_.bot_user_id, *channel)) return error("not_in_channel");
        std::string value = text_arg(args, field);
        if (code_points(value) > 250) return error("too_long");
        if (std::string(field) == "topic") {
            channel->channel.topic = value;
            channel->topic_set_by = ws_.bot_user_id;
            channel->topic_last_set = ws_.now_seconds();
        } else {
            channel->channel.purpose = value;
            channel->purpose_set_by = ws_.bot_user_id;
            channel->purpose_last_set = ws_.now_seconds();
        }
        return ok({{"channel", ws_.channel_json(*channel)}});
    }

    SimState& state_;
    Workspace& ws_;
};

enum class TokenKind { app, bot };

struct MethodSpec {
    json (Methods::*run)(const json&);
    TokenKind token;
    bool form_only;                    // read methods: arguments from the query or a form body, never JSON
};

const std::map<std::string, MethodSpec>& method_table() {
    static const std::map<std::string, MethodSpec> table = {
        {"auth.test", {&Methods::auth_test, TokenKind::bot, false}},
        {"apps.connections.open", {&Methods::apps_connections_open, TokenKind::app, false}},
        {"conversations.create", {&Methods::conversations_create, TokenKind::bot, false}},
        {"conversations.invite", {&Methods::conversations_invite, TokenKind::bot, false}},
        {"conversations.setTopic", {&Methods::conversations_set_topic, TokenKind::bot, false}},
        {"conversations.setPurpose", {&Methods::conversations_set_purpose, TokenKind::bot, false}},
        {"conversations.list", {&Methods::conversations_list, TokenKind::bot, true}},
        {"conversations.info", {&Methods::conversations_info, TokenKind::bot, true}},
        {"conversations.history", {&Methods::conversations_history, TokenKind::bot, true}},
        {"conversations.open", {&Methods::conversations_open, TokenKind::bot, false}},
        {"chat.postMessage", {&Methods::chat_post_message, TokenKind::bot, false}},
        {"chat.update", {&Methods::chat_update, TokenKind::bot, false}},
        {"chat.postEphemeral", {&Methods::chat_post_ephemeral, TokenKind::bot, false}},
        {"pins.add", {&Methods::pins_add, TokenKind::bot, false}},
        {"users.info", {&Methods::users_info, TokenKind::bot, true}},
    };
    return table;
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

ApiHttpResponse json_response(const json& body, unsigned status = 200) {
    ApiHttpResponse response;
    response.status = status;
    response.body = body.dump();
    return response;
}

}  // namespace

ApiHttpResponse handle_api_request(SimState& state, const ApiHttpRequest& request) {
    SimApiCall call;
    call.method = request.method;

    std::string bearer;
    if (request.authorization) {
        const std::string& header = *request.authorization;
        if (lowercase(header.substr(0, 7)) == "bearer ") bearer = header.substr(7);
    }
    call.token = bearer;

    // Arguments: the query always counts; a form body adds fields; a JSON body adds them only for write methods.
    auto spec = method_table().find(request.method);
    std::string content_type = lowercase(request.content_type);
    bool json_body = content_type.rfind("application/json", 0) == 0;
    bool form_body = content_type.rfind("application/x-www-form-urlencoded", 0) == 0;
    bool has_charset = content_type.find("charset=") != std::string::npos;
    std::optional<std::string> warning;
    json args = parse_form(request.query);
    bool invalid_json = false;
    if (form_body) {
        json form = parse_form(request.body);
        for (auto& [key, value] : form.items()) args[key] = value;
        if (has_charset) warning = "superfluous_charset";
    } else if (json_body) {
        if (!has_charset) warning = "missing_charset";
        json parsed = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
        if (!parsed.is_object()) {
            invalid_json = true;
        } else if (spec == method_table().end() || !spec->second.form_only) {
            for (auto& [key, value] : parsed.items()) args[key] = std::move(value);
        }
    }
    call.args = args;

    auto finish = [&](json body, unsigned status = 200) {
        call.http_status = status;
        call.error = body.value("ok", false) ? "" : body.value("error", "");
        if (warning) {
            body["warning"] = *warning;
            body["response_metadata"]["warnings"] = json::array({*warning});
        }
        state.api_calls.push_back(call);
        return json_response(body, status);
    };

    if (spec == method_table().end()) {
        json body = error("unknown_method");
        body["req_method"] = request.method;
        return finish(body);
    }

    // Fault switches act before anything else, as a proxy or Slack's edge would: the call is not executed.
    if (auto limit = state.rate_limits.find(request.method);
        limit != state.rate_limits.end() && limit->second.calls_left > 0) {
        --limit->second.calls_left;
        call.http_status = 429;
        call.error = "ratelimited";
        state.api_calls.push_back(call);
        ApiHttpResponse response = json_response(error("ratelimited"), 429);
        response.retry_after_seconds = limit->second.retry_after_seconds;
        return response;
    }
    if (auto failure = state.failures.find(request.method);
        failure != state.failures.end() && failure->second.calls_left > 0) {
        --failure->second.calls_left;
        call.http_status = failure->second.status;
        state.api_calls.push_back(call);
        ApiHttpResponse response;
        response.status = failure->second.status;
        response.content_type = "text/plain";
        response.body = "simulated failure: HTTP " + std::to_string(failure->second.status) + "\n";
        return response;
    }

    if (bearer.empty()) return finish(error("not_authed"));
    bool app_token = bearer == state.app_token;
    bool bot_token = bearer == state.bot_token;
    if (!app_token && !bot_token) return finish(error("invalid_auth"));
    if ((spec->second.token == TokenKind::app) != app_token) return finish(error("not_allowed_token_type"));
    if (invalid_json) return finish(error("invalid_json"));

    Methods methods(state);
    return finish((methods.*(spec->second.run))(args));
}

ApiHttpResponse handle_response_url(SimState& state, const std::string& id, const std::string& body) {
    SimApiCall call;
    call.method = "response_url";
    json parsed = json::parse(body, nullptr, false);
    call.args = parsed.is_discarded() ? json{{"raw_body", body}} : parsed;
    auto it = state.response_urls.find(id);
    json answer;
    if (it == state.response_urls.end()) {
        call.http_status = 404;
        call.error = "expired_url";
        answer = error("expired_url");
    } else if (++it->second.uses > 5) {
        // Slack honours at most five POSTs to one response_url.
        call.http_status = 404;
        call.error = "used_url";
        answer = error("used_url");
    } else if (parsed.is_discarded() || !parsed.is_object()) {
        call.http_status = 400;
        call.error = "invalid_payload";
        answer = error("invalid_payload");
    } else {
        answer = ok();
    }
    state.api_calls.push_back(call);
    return json_response(answer, call.http_status);
}

}  // namespace warroom::slack_sim
