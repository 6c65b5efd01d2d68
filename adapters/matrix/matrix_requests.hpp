#pragma once
// Client-server API requests for each thing the Matrix adapter does: method,
// path (with every id percent-encoded by net::encode_path_segment) and JSON
// body. Sending, retries and rate limits are the HTTP client's business; ids
// the core does not know (room ids, card event ids, the lead's Matrix id) are
// passed in.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/effect.hpp"

namespace warroom::matrix {

inline constexpr std::string_view kClientApi = "/_matrix/client/v3";
inline constexpr std::size_t kMaxTopicBytes = 1024;

struct MatrixRequest {
    std::string method;                // "GET", "POST", "PUT"
    std::string path;                  // from kClientApi on, with its query if any
    nlohmann::json body;               // null for GET
    bool list_answer = false;          // success is a JSON array, not an object (GET /rooms/{room}/state)
};

// "warroom.job-17.2": the same job and piece always give the same id, so a
// send repeated after a crash is answered with the first event, not a second.
std::string transaction_id(OutboxJobId job, std::size_t piece);

// POST /createRoom. preset private_chat for a private channel (join rule
// invite), public_chat otherwise; never listed in the room directory; name and
// alias the channel name. power_level_content_override.users replaces the
// whole users map (which would otherwise give the creator 100), so the bot is
// listed with 100 and the lead with 50. Nobody is invited here: invitations are
// a separate step, as on Slack, so each retries alone.
MatrixRequest create_room_request(const CreateChannel& effect, const UserId& bot, const UserId& lead);

// POST /createRoom for an audience room a playbook pins by an alias that does
// not exist yet: private (join rule invite), never listed, named and aliased
// `alias_localpart`, the bot at 100 and `keepers` at 50 (enough to invite and
// moderate). Nobody is invited here: each invitation is a step of its own.
MatrixRequest create_audience_room_request(std::string_view alias_localpart, const UserId& bot,
                                           const std::vector<UserId>& keepers);

// POST /rooms/{room}/invite for one user.
MatrixRequest invite_request(std::string_view room_id, const UserId& user);

// PUT /rooms/{room}/state/m.room.topic/ (the empty state key), cut to kMaxTopicBytes.
MatrixRequest set_topic_request(std::string_view room_id, std::string_view topic);

// GET /rooms/{room}/state/m.room.power_levels/: the current levels, needed
// because a state PUT replaces the whole event.
MatrixRequest get_power_levels_request(std::string_view room_id);

// PUT /rooms/{room}/state/m.room.power_levels/ for a handover: the current
// content (from get_power_levels_request) with the bot at 100, the new lead at
// 50 and the old lead removed (back to users_default). Everything else in
// `current` is kept; anything but an object starts from an empty one.
MatrixRequest handover_power_levels_request(std::string_view room_id, const nlohmann::json& current, const UserId& bot,
                                            const UserId& new_lead, const UserId& old_lead);

// PUT /rooms/{room}/send/m.room.message/{txn}.
MatrixRequest send_message_request(std::string_view room_id, const nlohmann::json& content, OutboxJobId job,
                                   std::size_t piece);
// One request per piece of a post, numbered from 1 (their transaction ids).
std::vector<MatrixRequest> post_requests(std::string_view room_id, const std::vector<nlohmann::json>& pieces,
                                         OutboxJobId job);
// The notices of a plain post, one request per piece (see notice_contents).
std::vector<MatrixRequest> post_notice_requests(std::string_view room_id, std::string_view text, OutboxJobId job);
// PUT /rooms/{room}/send/m.reaction/{txn}: an annotation on `target_event_id`.
MatrixRequest send_reaction_request(std::string_view room_id, std::string_view target_event_id, std::string_view key,
                                    OutboxJobId job, std::size_t piece);

// GET /rooms/{room}/state/{type}/ (the empty state key): the current content.
MatrixRequest get_state_request(std::string_view room_id, std::string_view type);
// PUT /rooms/{room}/state/{type}/ with the whole new content.
MatrixRequest put_state_request(std::string_view room_id, std::string_view type, const nlohmann::json& content);

// POST /createRoom for a direct conversation with one person (is_direct, trusted_private_chat).
MatrixRequest create_direct_room_request(const UserId& user);

// GET /rooms/{room}/messages?from=..&dir=b&limit=..: older events, newest
// first; without `from` ("") the newest events of the room.
MatrixRequest messages_before_request(std::string_view room_id, std::string_view from, std::size_t limit);

// GET /rooms/{room}/messages?dir=b&from=..&to=..&limit=..&filter=..: the
// events of a timeline gap, newest first, from `from` (the sync's prev_batch,
// or the previous page's end) back to `to` (the sync position before the gap;
// "" for none), only of the types warroom syncs.
MatrixRequest gap_messages_request(std::string_view room_id, std::string_view from, std::string_view to,
                                   std::size_t limit);

// GET /rooms/{room}/state: every current state event, whole (sender included), as a list.
MatrixRequest room_state_request(std::string_view room_id);

// GET /joined_rooms.
MatrixRequest joined_rooms_request();

// POST /join/{room id or alias}.
MatrixRequest join_request(std::string_view room_id_or_alias);

// GET /directory/room/{alias}, e.g. "#inc-1-payroll:example.org" -> {room_id}.
MatrixRequest alias_lookup_request(std::string_view alias);

// How many timeline events of a room one sync brings at most; the server marks
// a timeline it cut `limited`, and the rest is paged with /messages.
inline constexpr std::size_t kSyncTimelineLimit = 50;

// The filter warroom syncs with: timelines of m.room.message, m.reaction and
// m.room.member only, at most `timeline_limit` events a room, members loaded
// lazily (just the senders of those events), no presence, typing, receipts or
// account data, and of each event only the fields warroom reads
// (event_fields). A smaller limit makes a shorter answer when one is too long.
nlohmann::json sync_filter(std::size_t timeline_limit = kSyncTimelineLimit);
// The same with empty timelines: for the sync at each start that only looks
// for invitations waiting (and, on a new database, for where to start).
nlohmann::json invitations_filter();
// POST /user/{bot}/filter with sync_filter(); the answer's filter_id goes to sync_request.
MatrixRequest create_filter_request(const UserId& bot);

// GET /sync?filter=..&timeout=..[&since=..]. No `since` is the first sync,
// which returns recent history: the adapter must not run it as new commands.
MatrixRequest sync_request(const std::optional<std::string>& since, std::chrono::milliseconds timeout,
                           std::string_view filter_id);

}  // namespace warroom::matrix
