#pragma once
// Events as clients receive them: the client format of /sync timelines and
// /messages (no room_id), the stripped state of an invite, and the fields
// sync filters and relations look at, which raw events may lack.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "matrix_sim/homeserver.hpp"

namespace warroom::matrix_sim {

// event_id, sender, type, content, origin_server_ts, unsigned (age; transaction_id for the token that sent it;
// prev_content and replaces_state for replaced state), state_key for state. A raw event goes out as injected.
nlohmann::json client_event(const StoredEvent& stored, const std::string& viewer_token, std::int64_t now_ms);

// type, state_key, content, sender: what an invitee may see of a room before joining.
nlohmann::json stripped_state_event(const StoredEvent& stored);

// The event's type as filters see it; nullptr when a raw event has no string type.
const std::string* event_type(const StoredEvent& stored);
bool is_state_event(const StoredEvent& stored);

// content["m.relates_to"]: the related event id and rel_type ("" when absent or malformed).
struct Relation {
    std::string event_id;
    std::string rel_type;
};
Relation relation_of(const StoredEvent& stored);

}  // namespace warroom::matrix_sim
