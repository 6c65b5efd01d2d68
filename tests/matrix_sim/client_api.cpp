#include "matrix_sim/client_api.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <map>
#include <vector>

#include "matrix_sim/history.hpp"
#include "matrix_sim/matrix_error.hpp"
#include "matrix_sim/percent_encoding.hpp"
#include "matrix_sim/stream_token.hpp"
#include "matrix_sim/sync.hpp"
#include "sim_common/request_target.hpp"

namespace warroom::matrix_sim {

using nlohmann::json;

namespace {

const std::string kClientPrefix = "/_matrix/client/v3/";
const std::string kVersionsPath = "/_matrix/client/versions";

enum class Body { none, optional, required };

struct Context {
    Homeserver& server;
    std::vector<std::string> args;     // the path's variable segments, decoded
    std::map<std::string, std::string> query;
    std::string token;
    const Session* session = nullptr;  // set for endpoints that need auth
    json body;                         // an object for endpoints with a body
    ApiAttempt attempt;
    std::optional<std::chrono::milliseconds> hold;

    const std::string& user() const { return session->user_id; }
    std::int64_t now() { return server.now_ms(); }
};

using Handler = json (*)(Context&);

struct Route {
    const char* method;
    std::vector<std::string> pattern;  // "*" matches one segment
    const char* endpoint;
    bool needs_auth;
    Body body;
    Handler handler;
};

// --- parameters ---

std::optional<std::string> query_value(const Context& context, const char* key) {
    auto found = context.query.find(key);
    if (found == context.query.end()) return std::nullopt;
    return found->second;
}

long long integer_parameter(const Context& context, const char* key, long long fallback) {
    auto text = query_value(context, key);
    if (!text) return fallback;
    long long value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size())
        throw invalid_param(std::string("Query parameter \"") + key + "\" must be an integer");
    return value;
}

std::optional<std::int64_t> token_parameter(const Context& context, const char* key) {
    auto text = query_value(context, key);
    if (!text || text->empty()) return std::nullopt;
    auto position = parse_stream_token(*text);
    if (!position) throw invalid_param(std::string("Invalid ") + key + " token \"" + *text + "\"");
    return position;
}

std::string string_field(const json& body, const char* key) {
    auto found = body.find(key);
    if (found == body.end()) throw MatrixError(400, "M_MISSING_PARAM", std::string("Missing '") + key + "'");
    if (!found->is_string()) throw bad_json(std::string("'") + key + "' must be a string");
    return found->get<std::string>();
}

void check_content_size(const json& content) {
    if (content.dump().size() > kMaxEventContentBytes)
        throw MatrixError(413, "M_TOO_LARGE", "Event content is larger than " + std::to_string(kMaxEventContentBytes) +
                                                  " bytes");
}

// --- endpoints ---

json login_flows(Context&) {
    return {{"flows", json::array({{{"type", "m.login.password"}}})}};
}

json login(Context& context) {
    return context.server.login(context.body);
}

json whoami(Context& context) {
    return {{"user_id", context.user()}, {"device_id", context.session->device_id}, {"is_guest", false}};
}

json versions(Context&) {
    return {{"versions", json::array({"r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7"})},
            {"unstable_features", json::object()}};
}

json create_filter(Context& context) {
    if (context.args[0] != context.user()) throw forbidden("Cannot create filters for other users");
    parse_sync_filter(context.body);   // refused here if malformed, as Synapse checks it on upload
    return {{"filter_id", context.server.create_filter(context.user(), context.body)}};
}

json get_filter(Context& context) {
    if (context.args[0] != context.user()) throw forbidden("Cannot get filters for other users");
    auto filter = context.server.filter(context.user(), context.args[1]);
    if (!filter) throw not_found("No such filter");
    return *filter;
}

SyncFilter sync_filter(const Context& context) {
    auto text = query_value(context, "filter");
    if (!text || text->empty()) return {};
    if (text->front() == '{') {
        json inline_filter = json::parse(*text, nullptr, false);
        if (inline_filter.is_discarded()) throw MatrixError(400, "M_NOT_JSON", "The filter parameter is not JSON");
        return parse_sync_filter(inline_filter);
    }
    auto stored = context.server.filter(context.user(), *text);
    if (!stored) throw invalid_param("No such filter: " + *text);
    return parse_sync_filter(*stored);
}

json sync(Context& context) {
    SyncRequest request;
    request.since = token_parameter(context, "since");
    request.filter = sync_filter(context);
    request.full_state = query_value(context, "full_state") == "true";
    long long timeout = integer_parameter(context, "timeout", 0);
    if (timeout < 0) throw invalid_param("timeout must not be negative");
    json response = build_sync(context.server, *context.session, context.token, request, context.now());
    if (request.since && !request.full_state && timeout > 0 && !context.attempt.final && sync_is_empty(response)) {
        context.hold = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(timeout), kMaxSyncTimeout);
        return nullptr;
    }
    return response;
}

json create_room(Context& context) {
    return {{"room_id", context.server.create_room(context.user(), context.body)}};
}

json invite(Context& context) {
    context.server.invite(context.args[0], context.user(), string_field(context.body, "user_id"));
    return json::object();
}

json join(Context& context) {
    return {{"room_id", context.server.join(context.args[0], context.user())}};
}

json join_room_id(Context& context) {
    if (context.args[0].empty() || context.args[0].front() != '!')
        throw invalid_param(context.args[0] + " is not a room id");
    return join(context);
}

json leave(Context& context) {
    context.server.leave(context.args[0], context.user());
    return json::object();
}

// The optional "reason" of a kick or ban.
std::string reason_of(const json& body) { return body.contains("reason") ? string_field(body, "reason") : ""; }

json kick(Context& context) {
    context.server.remove(context.args[0], context.user(), string_field(context.body, "user_id"), "leave",
                          reason_of(context.body));
    return json::object();
}

json ban(Context& context) {
    context.server.remove(context.args[0], context.user(), string_field(context.body, "user_id"), "ban",
                          reason_of(context.body));
    return json::object();
}

json put_state(Context& context) {
    check_content_size(context.body);
    const std::string& state_key = context.args.size() > 2 ? context.args[2] : "";
    return {{"event_id",
             context.server.put_state(context.args[0], context.user(), context.args[1], state_key, context.body)}};
}

json get_state(Context& context) {
    const RoomRecord& room = context.server.joined_room(context.args[0], context.user());
    const std::string& state_key = context.args.size() > 2 ? context.args[2] : "";
    const StoredEvent* stored = context.server.state_event(room, context.args[1], state_key);
    if (!stored) throw not_found("Event not found.");
    return stored->event.content;
}

json get_all_state(Context& context) {
    const RoomRecord& room = context.server.joined_room(context.args[0], context.user());
    json events = json::array();
    for (const auto& [key, position] : room.state) {
        const SimEvent& event = context.server.at(position).event;
        events.push_back({{"event_id", event.event_id},
                          {"sender", event.sender},
                          {"type", event.type},
                          {"state_key", *event.state_key},
                          {"content", event.content},
                          {"origin_server_ts", event.origin_server_ts},
                          {"room_id", event.room_id}});
    }
    return events;
}

json send(Context& context) {
    const std::string& room_id = context.args[0];
    const std::string& type = context.args[1];
    const std::string& transaction_id = context.args[2];
    TransactionKey key{context.user(), context.session->device_id, room_id, type, transaction_id};
    if (auto seen = context.server.transactions.find(key); seen != context.server.transactions.end())
        return {{"event_id", seen->second}};
    check_content_size(context.body);
    std::string event_id =
        context.server.send_event(room_id, context.user(), type, context.body, context.token, transaction_id);
    context.server.transactions[key] = event_id;
    return {{"event_id", event_id}};
}

json messages(Context& context) {
    const RoomRecord& room = context.server.joined_room(context.args[0], context.user());
    MessagesRequest request;
    std::string dir = query_value(context, "dir").value_or("");
    if (dir != "b" && dir != "f") throw invalid_param("dir must be \"b\" or \"f\"");
    request.backwards = dir == "b";
    request.from = token_parameter(context, "from");
    request.to = token_parameter(context, "to");
    request.limit = static_cast<std::size_t>(std::clamp(integer_parameter(context, "limit", 10), 1LL, 1000LL));
    if (auto filter = query_value(context, "filter"); filter && !filter->empty()) {
        json parsed = json::parse(*filter, nullptr, false);
        if (parsed.is_discarded()) throw MatrixError(400, "M_NOT_JSON", "The filter parameter is not JSON");
        request.filter = parse_event_filter(parsed, "filter");
    }
    return room_messages(context.server, room, context.token, request, context.now());
}

json relations(Context& context) {
    const RoomRecord& room = context.server.joined_room(context.args[0], context.user());
    const std::string& event_id = context.args[1];
    const StoredEvent* parent = context.server.find_event(event_id);
    if (!parent || parent->event.room_id != room.room.room_id) throw not_found("Event not found");
    std::string rel_type = context.args.size() > 2 ? context.args[2] : "";
    std::string type = context.args.size() > 3 ? context.args[3] : "";
    auto limit = static_cast<std::size_t>(std::clamp(integer_parameter(context, "limit", 50), 1LL, 1000LL));
    return room_relations(context.server, room, context.token, event_id, rel_type, type, limit, context.now());
}

json directory(Context& context) {
    auto room_id = context.server.room_for_alias(context.args[0]);
    if (!room_id) throw not_found("Room alias " + context.args[0] + " not found");
    return {{"room_id", *room_id}, {"servers", json::array({context.server.server_name})}};
}

json joined_rooms(Context& context) {
    json ids = json::array();
    for (const auto& room_id : context.server.room_order)
        if (context.server.membership(context.server.rooms.at(room_id), context.user()) == "join") ids.push_back(room_id);
    return {{"joined_rooms", std::move(ids)}};
}

json joined_members(Context& context) {
    const RoomRecord& room = context.server.joined_room(context.args[0], context.user());
    json joined = json::object();
    for (const auto& user : room.room.joined) {
        const json& content = context.server.state_event(room, "m.room.member", user)->event.content;
        json display_name = content.contains("displayname") ? content["displayname"] : json(nullptr);
        joined[user] = {{"display_name", display_name}, {"avatar_url", nullptr}};
    }
    return {{"joined", std::move(joined)}};
}

const std::vector<Route>& routes() {
    static const std::vector<Route> table = {
        {"GET", {"login"}, "login", false, Body::none, login_flows},
        {"POST", {"login"}, "login", false, Body::required, login},
        {"GET", {"account", "whoami"}, "whoami", true, Body::none, whoami},
        {"POST", {"user", "*", "filter"}, "filter", true, Body::required, create_filter},
        {"GET", {"user", "*", "filter", "*"}, "filter", true, Body::none, get_filter},
        {"GET", {"sync"}, "sync", true, Body::none, sync},
        {"POST", {"createRoom"}, "createRoom", true, Body::optional, create_room},
        {"POST", {"rooms", "*", "invite"}, "invite", true, Body::required, invite},
        {"POST", {"join", "*"}, "join", true, Body::optional, join},
        {"POST", {"rooms", "*", "join"}, "join", true, Body::optional, join_room_id},
        {"POST", {"rooms", "*", "leave"}, "leave", true, Body::optional, leave},
        {"POST", {"rooms", "*", "kick"}, "kick", true, Body::required, kick},
        {"POST", {"rooms", "*", "ban"}, "ban", true, Body::required, ban},
        {"PUT", {"rooms", "*", "state", "*"}, "state_put", true, Body::required, put_state},
        {"PUT", {"rooms", "*", "state", "*", "*"}, "state_put", true, Body::required, put_state},
        {"GET", {"rooms", "*", "state"}, "state_get", true, Body::none, get_all_state},
        {"GET", {"rooms", "*", "state", "*"}, "state_get", true, Body::none, get_state},
        {"GET", {"rooms", "*", "state", "*", "*"}, "state_get", true, Body::none, get_state},
        {"PUT", {"rooms", "*", "send", "*", "*"}, "send", true, Body::required, send},
        {"GET", {"rooms", "*", "messages"}, "messages", true, Body::none, messages},
        {"GET", {"rooms", "*", "relations", "*"}, "relations", true, Body::none, relations},
        {"GET", {"rooms", "*", "relations", "*", "*"}, "relations", true, Body::none, relations},
        {"GET", {"rooms", "*", "relations", "*", "*", "*"}, "relations", true, Body::none, relations},
        {"GET", {"directory", "room", "*"}, "directory", false, Body::none, directory},
        {"GET", {"joined_rooms"}, "joined_rooms", true, Body::none, joined_rooms},
        {"GET", {"rooms", "*", "joined_members"}, "joined_members", true, Body::none, joined_members},
    };
    return table;
}

const Route kVersionsRoute{"GET", {}, "versions", false, Body::none, versions};

std::optional<std::vector<std::string>> match(const Route& route, const std::vector<std::string>& segments) {
    if (route.pattern.size() != segments.size()) return std::nullopt;
    std::vector<std::string> args;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (route.pattern[i] == "*")
            args.push_back(segments[i]);
        else if (route.pattern[i] != segments[i])
            return std::nullopt;
    }
    return args;
}

std::string access_token(const ApiCall& call, const std::map<std::string, std::string>& query) {
    static const std::string bearer = "Bearer ";
    if (call.authorization.compare(0, bearer.size(), bearer) == 0) return call.authorization.substr(bearer.size());
    auto found = query.find("access_token");
    return found == query.end() ? "" : found->second;
}

json error_body(const std::string& errcode, const std::string& message) {
    json body = {{"errcode", errcode}, {"error", message}};
    if (errcode == "M_UNKNOWN_TOKEN") body["soft_logout"] = false;
    return body;
}

std::string errcode_for_status(unsigned status) {
    switch (status) {
        case 401: return "M_UNKNOWN_TOKEN";
        case 403: return "M_FORBIDDEN";
        case 404: return "M_NOT_FOUND";
        case 429: return "M_LIMIT_EXCEEDED";
        default: return "M_UNKNOWN";
    }
}

std::string html_error_page(unsigned status) {
    std::string code = std::to_string(status);
    return "<html>\r\n<head><title>" + code + " Bad Gateway</title></head>\r\n<body>\r\n<center><h1>" + code +
           " Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}

// One switch's next use, if it has calls left.
std::optional<FaultSwitch> take_fault(std::map<std::string, FaultSwitch>& switches, const std::string& endpoint) {
    auto found = switches.find(endpoint);
    if (found == switches.end() || found->second.calls_left <= 0) return std::nullopt;
    --found->second.calls_left;
    return found->second;
}

std::optional<ApiAnswer> fault_answer(Homeserver& server, const std::string& endpoint, SimRequest& record) {
    if (auto failure = take_fault(server.failures, endpoint)) {
        ApiAnswer answer;
        answer.status = failure->status;
        if (failure->status >= 500) {
            answer.content_type = "text/html";
            answer.body = html_error_page(failure->status);
        } else {
            record.errcode = errcode_for_status(failure->status);
            answer.body = error_body(record.errcode, "Injected failure").dump();
        }
        return answer;
    }
    if (auto limit = take_fault(server.rate_limits, endpoint)) {
        ApiAnswer answer;
        answer.status = 429;
        record.errcode = "M_LIMIT_EXCEEDED";
        json body = error_body(record.errcode, "Too Many Requests");
        body["retry_after_ms"] = limit->retry_after.count();
        answer.body = body.dump();
        if (limit->retry_after_header) answer.retry_after_seconds = (limit->retry_after.count() + 999) / 1000;
        return answer;
    }
    return std::nullopt;
}

}  // namespace

ApiAnswer handle_client_api(Homeserver& server, const ApiCall& call, ApiAttempt attempt) {
    sim_common::RequestTarget target = sim_common::split_target(call.target);
    const std::string& path = target.path;
    const std::string& raw_query = target.query;

    Context context{server, {}, parse_query(raw_query), "", nullptr, nullptr, attempt, std::nullopt};
    context.token = access_token(call, context.query);

    // The route: by path, then method; a known path with the wrong method is 405.
    const Route* route = nullptr;
    bool path_known = false;
    if (path == kVersionsPath) {
        path_known = true;
        if (call.method == "GET") route = &kVersionsRoute;
    } else if (path.compare(0, kClientPrefix.size(), kClientPrefix) == 0) {
        std::vector<std::string> segments = decoded_path_segments(path.substr(kClientPrefix.size() - 1));
        for (const Route& candidate : routes()) {
            auto args = match(candidate, segments);
            if (!args) continue;
            path_known = true;
            if (call.method != candidate.method) continue;
            route = &candidate;
            context.args = std::move(*args);
            break;
        }
    }

    SimRequest record;
    record.method = call.method;
    record.endpoint = route ? route->endpoint : "unknown";
    record.path = sim_common::percent_decode(path);
    record.query = raw_query;
    record.token = context.token;
    if (const Session* session = server.find_session(context.token); session && !session->expired)
        record.user = session->user_id;
    if (!call.body.empty()) {
        record.body = json::parse(call.body, nullptr, false);
        if (record.body.is_discarded()) record.body = nullptr;
    }

    auto finish = [&](ApiAnswer answer) {
        answer.delivery = server.delivery_faults.take(record.endpoint);
        record.status = answer.status;
        server.requests.push_back(record);
        if (record.endpoint == "sync") ++server.syncs_answered;
        return answer;
    };

    if (!attempt.repeat)
        if (auto fault = fault_answer(server, record.endpoint, record)) return finish(std::move(*fault));

    ApiAnswer answer;
    try {
        if (!route)
            throw MatrixError(path_known ? 405 : 404, "M_UNRECOGNIZED", "Unrecognized request");
        if (route->needs_auth) context.session = &server.authenticate(context.token);
        if (route->body != Body::none) {
            if (call.body.empty() && route->body == Body::required) throw MatrixError(400, "M_NOT_JSON", "Content not JSON.");
            context.body = call.body.empty() ? json::object() : json::parse(call.body, nullptr, false);
            if (context.body.is_discarded()) throw MatrixError(400, "M_NOT_JSON", "Content not JSON.");
            if (!context.body.is_object()) throw bad_json("Content must be a JSON object.");
        }
        json result = route->handler(context);
        if (context.hold) {
            answer.hold = context.hold;
            return answer;   // not answered yet: neither recorded nor counted
        }
        answer.body = result.dump();
    } catch (const MatrixError& refusal) {
        answer.status = refusal.status();
        record.errcode = refusal.errcode();
        answer.body = error_body(refusal.errcode(), refusal.message()).dump();
    } catch (const std::exception& bug) {
        // Not a refusal the specification defines: a simulator bug. Answered (so the client is not left
        // hanging) and said loudly, as Synapse logs an internal error.
        std::cerr << "matrix simulator: internal error on " << call.method << " " << path << ": " << bug.what() << '\n';
        answer.status = 500;
        record.errcode = "M_UNKNOWN";
        answer.body = error_body(record.errcode, std::string("Internal server error: ") + bug.what()).dump();
    }
    return finish(std::move(answer));
}

}  // namespace warroom::matrix_sim
