#include "matrix_sim/sync.hpp"

#include <algorithm>
#include <set>

#include "matrix_sim/event_format.hpp"
#include "matrix_sim/stream_token.hpp"

namespace warroom::matrix_sim {

using nlohmann::json;

namespace {

// What of the room's invite-time state an invitee sees (Synapse's room_prejoin_state defaults).
const char* const kStrippedStateTypes[] = {"m.room.create",   "m.room.join_rules", "m.room.name",
                                           "m.room.canonical_alias", "m.room.topic", "m.room.avatar",
                                           "m.room.encryption"};

class SyncBuilder {
public:
    SyncBuilder(const Homeserver& server, const Session& session, const std::string& token,
                const SyncRequest& request, std::int64_t now_ms)
        : server_(server), user_(session.user_id), token_(token), request_(request), now_ms_(now_ms),
          limit_(std::min(request.filter.timeline.limit.value_or(server.timeline_limit), server.timeline_limit)) {}

    json build() {
        json join = json::object(), invite = json::object(), leave = json::object();
        for (const auto& room_id : server_.room_order) {
            if (!request_.filter.includes_room(room_id)) continue;
            const RoomRecord& room = server_.rooms.at(room_id);
            std::string membership = server_.membership(room, user_);
            std::int64_t changed_at = server_.membership_position(room, user_);
            bool changed_since = !request_.since || changed_at > *request_.since;
            if (membership == "join") {
                // A room joined after `since` is new to the client: all of it, as in an initial sync.
                json joined = joined_room(room, changed_since || request_.full_state);
                if (!joined.is_null()) join[room_id] = std::move(joined);
            } else if (membership == "invite" && changed_since) {
                invite[room_id] = invited_room(room);
            } else if ((membership == "leave" || membership == "ban") && request_.since && changed_since) {
                leave[room_id] = left_room(changed_at);
            }
        }
        json rooms = json::object();
        if (!join.empty()) rooms["join"] = std::move(join);
        if (!invite.empty()) rooms["invite"] = std::move(invite);
        if (!leave.empty()) rooms["leave"] = std::move(leave);
        json response = {{"next_batch", stream_token(server_.head())}};
        if (!rooms.empty()) response["rooms"] = std::move(rooms);
        return response;
    }

private:
    // null when an incremental sync has nothing for the room.
    json joined_room(const RoomRecord& room, bool whole) {
        std::vector<std::int64_t> candidates;
        for (std::int64_t position : room.timeline)
            if ((whole || position > *request_.since) && request_.filter.timeline.matches(server_.at(position)))
                candidates.push_back(position);
        if (candidates.empty() && !whole) return nullptr;

        bool limited = candidates.size() > limit_;
        std::vector<std::int64_t> shown(candidates.end() - static_cast<std::ptrdiff_t>(std::min(limit_, candidates.size())),
                                        candidates.end());
        std::int64_t first_shown = shown.empty() ? server_.head() + 1 : shown.front();
        std::set<std::int64_t> in_timeline(shown.begin(), shown.end());

        json timeline_events = json::array();
        for (std::int64_t position : shown) timeline_events.push_back(client(server_.at(position)));

        // State: all of it for a room new to the client; otherwise what changed in a gap the timeline skipped.
        json state_events = json::array();
        if (whole || limited) {
            for (const auto& [key, position] : room.state) {
                if (in_timeline.count(position) || position >= first_shown) continue;
                if (!whole && position <= *request_.since) continue;
                const StoredEvent& stored = server_.at(position);
                if (request_.filter.state.matches(stored)) state_events.push_back(client(stored));
            }
        }
        json timeline = {{"events", std::move(timeline_events)},
                         {"limited", limited},
                         {"prev_batch", stream_token(first_shown - 1)}};
        return {{"timeline", std::move(timeline)}, {"state", {{"events", std::move(state_events)}}}};
    }

    json invited_room(const RoomRecord& room) {
        json stripped = json::array();
        for (const char* type : kStrippedStateTypes)
            if (const StoredEvent* stored = server_.state_event(room, type, "")) stripped.push_back(stripped_state_event(*stored));
        if (const StoredEvent* member = server_.state_event(room, "m.room.member", user_))
            stripped.push_back(client_event(*member, token_, now_ms_));
        return {{"invite_state", {{"events", std::move(stripped)}}}};
    }

    // Minimal: the leave event itself.
    json left_room(std::int64_t left_at) {
        json timeline_events = json::array({client(server_.at(left_at))});
        json timeline = {{"events", std::move(timeline_events)},
                         {"limited", false},
                         {"prev_batch", stream_token(left_at - 1)}};
        return {{"timeline", std::move(timeline)}, {"state", {{"events", json::array()}}}};
    }

    // As the client asked for it (event_fields); an injected raw event goes out exactly as given.
    json client(const StoredEvent& stored) const {
        json event = client_event(stored, token_, now_ms_);
        if (stored.raw) return event;
        return request_.filter.shaped(std::move(event));
    }

    const Homeserver& server_;
    const std::string& user_;
    const std::string& token_;
    const SyncRequest& request_;
    std::int64_t now_ms_;
    std::size_t limit_;
};

}  // namespace

json build_sync(const Homeserver& server, const Session& session, const std::string& token, const SyncRequest& request,
                std::int64_t now_ms) {
    return SyncBuilder(server, session, token, request, now_ms).build();
}

bool sync_is_empty(const json& response) {
    return !response.contains("rooms");
}

}  // namespace warroom::matrix_sim
