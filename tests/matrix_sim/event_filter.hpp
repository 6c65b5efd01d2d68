#pragma once
// Filters as /sync and /messages apply them: the room event filter's types,
// not_types (with '*' wildcards) and limit, the room filter's rooms and
// not_rooms, and the filter's event_fields. Other fields are accepted and ignored.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "matrix_sim/homeserver.hpp"

namespace warroom::matrix_sim {

struct EventFilter {
    std::optional<std::vector<std::string>> types;   // nullopt: every type
    std::vector<std::string> not_types;
    std::optional<std::size_t> limit;

    // A raw event without a string type passes (so malformed events reach clients whatever their filter).
    bool matches(const StoredEvent& stored) const;
};

struct SyncFilter {
    EventFilter timeline;              // room.timeline
    EventFilter state;                 // room.state
    std::optional<std::vector<std::string>> rooms;
    std::vector<std::string> not_rooms;
    std::optional<std::vector<std::string>> event_fields;   // nullopt: every field

    bool includes_room(const std::string& room_id) const;
    // A client event cut to event_fields: only the fields at those dot-separated paths ("content.body";
    // '\' escapes a '.' inside a name). Everything when event_fields is absent.
    nlohmann::json shaped(nlohmann::json event) const;
};

// Throws MatrixError 400 M_BAD_JSON when a field has the wrong type.
EventFilter parse_event_filter(const nlohmann::json& filter, const std::string& where);
SyncFilter parse_sync_filter(const nlohmann::json& filter);

// "m.room.*" matches "m.room.message"; no other pattern syntax.
bool type_matches(const std::string& pattern, const std::string& type);

}  // namespace warroom::matrix_sim
