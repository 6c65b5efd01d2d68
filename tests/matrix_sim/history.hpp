#pragma once
// Reading a room's past: GET /rooms/{id}/messages pages through the timeline
// from a token (a sync's prev_batch, or a previous page's end), and GET
// /rooms/{id}/relations lists the events that point at one event.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "matrix_sim/event_filter.hpp"
#include "matrix_sim/homeserver.hpp"

namespace warroom::matrix_sim {

struct MessagesRequest {
    std::optional<std::int64_t> from;  // stream position; nullopt: the newest end (dir b) or the oldest (dir f)
    std::optional<std::int64_t> to;    // stream position to stop at (not included going back); nullopt: none
    bool backwards = true;             // dir=b
    std::size_t limit = 10;
    EventFilter filter;
};

// {chunk, start, end}: chunk newest first going backwards, oldest first going forwards; no `end` once the
// room has no more events that way before `to`.
nlohmann::json room_messages(const Homeserver& server, const RoomRecord& room, const std::string& token,
                             const MessagesRequest& request, std::int64_t now_ms);

// {chunk}: events whose content.m.relates_to.event_id is `event_id`, newest first, narrowed to a rel_type
// and then an event type when given ("" for any).
nlohmann::json room_relations(const Homeserver& server, const RoomRecord& room, const std::string& token,
                              const std::string& event_id, const std::string& rel_type,
                              const std::string& type, std::size_t limit, std::int64_t now_ms);

}  // namespace warroom::matrix_sim
