#include "matrix_sim/history.hpp"

#include <algorithm>

#include "matrix_sim/event_format.hpp"
#include "matrix_sim/stream_token.hpp"

namespace warroom::matrix_sim {

using nlohmann::json;

json room_messages(const Homeserver& server, const RoomRecord& room, const std::string& token,
                   const MessagesRequest& request, std::int64_t now_ms) {
    // A token names the point after its position: backwards covers positions <= from, forwards those > from.
    std::int64_t from = request.from.value_or(request.backwards ? server.head() : 0);
    std::vector<std::int64_t> matching;
    for (std::int64_t position : room.timeline) {
        bool on_our_side = request.backwards ? position <= from : position > from;
        // `to` names the point after its position, as `from` does: back to it, or forward through it.
        if (request.to) on_our_side = on_our_side && (request.backwards ? position > *request.to : position <= *request.to);
        if (on_our_side && request.filter.matches(server.at(position))) matching.push_back(position);
    }
    if (request.backwards) std::reverse(matching.begin(), matching.end());

    std::size_t count = std::min(request.limit, matching.size());
    json chunk = json::array();
    for (std::size_t i = 0; i < count; ++i) chunk.push_back(client_event(server.at(matching[i]), token, now_ms));
    json answer = {{"chunk", std::move(chunk)}, {"start", stream_token(from)}};
    if (count < matching.size()) {
        std::int64_t last = matching[count - 1];
        answer["end"] = stream_token(request.backwards ? last - 1 : last);
    }
    return answer;
}

json room_relations(const Homeserver& server, const RoomRecord& room, const std::string& token,
                    const std::string& event_id, const std::string& rel_type, const std::string& type,
                    std::size_t limit, std::int64_t now_ms) {
    json chunk = json::array();
    for (auto position = room.timeline.rbegin(); position != room.timeline.rend() && chunk.size() < limit; ++position) {
        const StoredEvent& stored = server.at(*position);
        Relation relation = relation_of(stored);
        if (relation.event_id != event_id) continue;
        if (!rel_type.empty() && relation.rel_type != rel_type) continue;
        const std::string* stored_type = event_type(stored);
        if (!type.empty() && (!stored_type || *stored_type != type)) continue;
        chunk.push_back(client_event(stored, token, now_ms));
    }
    return {{"chunk", std::move(chunk)}};
}

}  // namespace warroom::matrix_sim
