#include "matrix_sim/event_format.hpp"

namespace warroom::matrix_sim {

using nlohmann::json;

json client_event(const StoredEvent& stored, const std::string& viewer_token, std::int64_t now_ms) {
    if (stored.raw) return *stored.raw;
    const SimEvent& event = stored.event;
    json unsigned_data = {{"age", now_ms - event.origin_server_ts}};
    if (!stored.transaction_id.empty() && stored.sent_with_token == viewer_token)
        unsigned_data["transaction_id"] = stored.transaction_id;
    if (stored.prev_content) {
        unsigned_data["prev_content"] = *stored.prev_content;
        unsigned_data["replaces_state"] = stored.replaces_state;
    }
    json out = {{"event_id", event.event_id},
                {"sender", event.sender},
                {"type", event.type},
                {"content", event.content},
                {"origin_server_ts", event.origin_server_ts},
                {"unsigned", std::move(unsigned_data)}};
    if (event.state_key) out["state_key"] = *event.state_key;
    return out;
}

json stripped_state_event(const StoredEvent& stored) {
    const SimEvent& event = stored.event;
    return {{"type", event.type},
            {"state_key", event.state_key.value_or("")},
            {"content", event.content},
            {"sender", event.sender}};
}

const std::string* event_type(const StoredEvent& stored) {
    if (!stored.raw) return &stored.event.type;
    const json& raw = *stored.raw;
    if (!raw.is_object() || !raw.contains("type") || !raw["type"].is_string()) return nullptr;
    return &raw["type"].get_ref<const std::string&>();
}

bool is_state_event(const StoredEvent& stored) {
    return !stored.raw && stored.event.state_key.has_value();
}

Relation relation_of(const StoredEvent& stored) {
    const json& content = stored.event.content;
    if (!content.is_object() || !content.contains("m.relates_to")) return {};
    const json& relates_to = content["m.relates_to"];
    if (!relates_to.is_object()) return {};
    Relation relation;
    if (relates_to.contains("event_id") && relates_to["event_id"].is_string())
        relation.event_id = relates_to["event_id"].get<std::string>();
    if (relates_to.contains("rel_type") && relates_to["rel_type"].is_string())
        relation.rel_type = relates_to["rel_type"].get<std::string>();
    return relation;
}

}  // namespace warroom::matrix_sim
