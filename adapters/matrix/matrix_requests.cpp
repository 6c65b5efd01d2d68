#include "adapters/matrix/matrix_requests.hpp"

#include "adapters/matrix/matrix_html.hpp"
#include "adapters/net/url_encoding.hpp"
#include "bot/text.hpp"

namespace warroom::matrix {
namespace {

using net::encode_form_component;
using net::encode_path_segment;
using nlohmann::json;

std::string room_path(std::string_view room_id) {
    return std::string(kClientApi) + "/rooms/" + encode_path_segment(room_id);
}

// The events warroom reads from timelines; membership too: warroom's own join
// marks where a newly joined room's history ends.
json timeline_types() { return {"m.room.message", "m.reaction", "m.room.member"}; }

std::string state_path(std::string_view room_id, std::string_view type, std::string_view state_key) {
    return room_path(room_id) + "/state/" + encode_path_segment(type) + "/" + encode_path_segment(state_key);
}

}  // namespace

std::string transaction_id(OutboxJobId job, std::size_t piece) {
    return "warroom.job-" + std::to_string(job.value()) + "." + std::to_string(piece);
}

MatrixRequest create_room_request(const CreateChannel& effect, const UserId& bot, const UserId& lead) {
    json users = json::object();
    users[lead.value()] = 50;
    users[bot.value()] = 100;   // after the lead: if they are the same account, it keeps 100
    json body = {{"preset", effect.is_private ? "private_chat" : "public_chat"},
                 {"visibility", "private"},
                 {"name", effect.name.value()},
                 {"room_alias_name", effect.name.value()},
                 {"invite", json::array()},
                 {"power_level_content_override", {{"users", std::move(users)}}}};
    if (!effect.topic.empty()) body["topic"] = truncate_utf8(effect.topic, kMaxTopicBytes);
    return {"POST", std::string(kClientApi) + "/createRoom", std::move(body)};
}

MatrixRequest create_audience_room_request(std::string_view alias_localpart, const UserId& bot,
                                           const std::vector<UserId>& keepers) {
    json users = json::object();
    for (const UserId& keeper : keepers) users[keeper.value()] = 50;
    users[bot.value()] = 100;
    json body = {{"preset", "private_chat"},
                 {"visibility", "private"},
                 {"name", std::string(alias_localpart)},
                 {"room_alias_name", std::string(alias_localpart)},
                 {"invite", json::array()},
                 {"power_level_content_override", {{"users", std::move(users)}}}};
    return {"POST", std::string(kClientApi) + "/createRoom", std::move(body)};
}

MatrixRequest invite_request(std::string_view room_id, const UserId& user) {
    return {"POST", room_path(room_id) + "/invite", {{"user_id", user.value()}}};
}

MatrixRequest set_topic_request(std::string_view room_id, std::string_view topic) {
    return {"PUT", state_path(room_id, "m.room.topic", ""), {{"topic", truncate_utf8(topic, kMaxTopicBytes)}}};
}

MatrixRequest get_power_levels_request(std::string_view room_id) {
    return {"GET", state_path(room_id, "m.room.power_levels", ""), nullptr};
}

MatrixRequest handover_power_levels_request(std::string_view room_id, const json& current, const UserId& bot,
                                            const UserId& new_lead, const UserId& old_lead) {
    json levels = current.is_object() ? current : json::object();
    if (!levels.contains("users") || !levels["users"].is_object()) levels["users"] = json::object();
    json& users = levels["users"];
    if (old_lead != bot && old_lead != new_lead) users.erase(old_lead.value());
    users[new_lead.value()] = 50;
    users[bot.value()] = 100;
    return {"PUT", state_path(room_id, "m.room.power_levels", ""), std::move(levels)};
}

MatrixRequest send_message_request(std::string_view room_id, const json& content, OutboxJobId job, std::size_t piece) {
    return {"PUT", room_path(room_id) + "/send/m.room.message/" + encode_path_segment(transaction_id(job, piece)),
            content};
}

std::vector<MatrixRequest> post_requests(std::string_view room_id, const std::vector<json>& pieces, OutboxJobId job) {
    std::vector<MatrixRequest> requests;
    std::size_t piece = 0;
    for (const json& content : pieces) requests.push_back(send_message_request(room_id, content, job, ++piece));
    return requests;
}

std::vector<MatrixRequest> post_notice_requests(std::string_view room_id, std::string_view text, OutboxJobId job) {
    return post_requests(room_id, notice_contents(text), job);
}

MatrixRequest send_reaction_request(std::string_view room_id, std::string_view target_event_id, std::string_view key,
                                    OutboxJobId job, std::size_t piece) {
    json content = {
        {"m.relates_to",
         {{"rel_type", "m.annotation"}, {"event_id", std::string(target_event_id)}, {"key", std::string(key)}}}};
    return {"PUT", room_path(room_id) + "/send/m.reaction/" + encode_path_segment(transaction_id(job, piece)),
            std::move(content)};
}

MatrixRequest get_state_request(std::string_view room_id, std::string_view type) {
    return {"GET", state_path(room_id, type, ""), nullptr};
}

MatrixRequest put_state_request(std::string_view room_id, std::string_view type, const json& content) {
    return {"PUT", state_path(room_id, type, ""), content};
}

MatrixRequest create_direct_room_request(const UserId& user) {
    json body = {{"preset", "trusted_private_chat"},
                 {"visibility", "private"},
                 {"is_direct", true},
                 {"invite", json::array({user.value()})}};
    return {"POST", std::string(kClientApi) + "/createRoom", std::move(body)};
}

MatrixRequest messages_before_request(std::string_view room_id, std::string_view from, std::size_t limit) {
    std::string path = room_path(room_id) + "/messages?dir=b&limit=" + std::to_string(limit);
    if (!from.empty()) path += "&from=" + encode_form_component(from);
    return {"GET", std::move(path), nullptr};
}

MatrixRequest gap_messages_request(std::string_view room_id, std::string_view from, std::string_view to,
                                   std::size_t limit) {
    const json filter = {{"types", timeline_types()}, {"lazy_load_members", true}};
    std::string path = room_path(room_id) + "/messages?dir=b&limit=" + std::to_string(limit) +
                       "&from=" + encode_form_component(from) + "&filter=" + encode_form_component(filter.dump());
    if (!to.empty()) path += "&to=" + encode_form_component(to);
    return {"GET", std::move(path), nullptr};
}

MatrixRequest room_state_request(std::string_view room_id) {
    return {"GET", room_path(room_id) + "/state", nullptr, /*list_answer=*/true};
}

MatrixRequest joined_rooms_request() { return {"GET", std::string(kClientApi) + "/joined_rooms", nullptr}; }

MatrixRequest join_request(std::string_view room_id_or_alias) {
    return {"POST", std::string(kClientApi) + "/join/" + encode_path_segment(room_id_or_alias), json::object()};
}

MatrixRequest alias_lookup_request(std::string_view alias) {
    return {"GET", std::string(kClientApi) + "/directory/room/" + encode_path_segment(alias), nullptr};
}

json sync_filter(std::size_t timeline_limit) {
    const json none = {{"types", json::array()}};
    return {{"presence", none},
            {"account_data", none},
            // What matrix_events.cpp and the gap filling read of an event (a redaction hides in unsigned).
            {"event_fields",
             {"event_id", "sender", "type", "state_key", "content", "origin_server_ts", "unsigned.redacted_because"}},
            {"room",
             {{"timeline", {{"types", timeline_types()}, {"limit", timeline_limit}, {"lazy_load_members", true}}},
              // Only membership, and only of the timeline's senders: who invited whom is in invite_state.
              {"state", {{"types", {"m.room.member"}}, {"lazy_load_members", true}}},
              {"ephemeral", none},
              {"account_data", none}}}};
}

json invitations_filter() {
    json filter = sync_filter(0);
    filter["room"]["state"]["types"] = json::array();
    return filter;
}

MatrixRequest create_filter_request(const UserId& bot) {
    return {"POST", std::string(kClientApi) + "/user/" + encode_path_segment(bot.value()) + "/filter", sync_filter()};
}

MatrixRequest sync_request(const std::optional<std::string>& since, std::chrono::milliseconds timeout,
                           std::string_view filter_id) {
    std::string path = std::string(kClientApi) + "/sync?filter=" + encode_form_component(filter_id) +
                       "&timeout=" + std::to_string(timeout.count());
    if (since) path += "&since=" + encode_form_component(*since);
    return {"GET", std::move(path), nullptr};
}

}  // namespace warroom::matrix
