#pragma once
// One /sync response in, neutral inbound items out: text commands
// ("!incident ...", "!inc ..."), reactions on warroom's cards, someone
// leaving a room or removed from it (membership "leave" or "ban" of anyone
// but warroom), invitations, and gaps in a room's timeline. Rooms are read in the order of their ids
// (JSON objects carry no order), and each room's events in timeline order.
// A room warroom has just joined arrives with its recent history: what
// precedes warroom's own join event there is history, not commands for it.
//
// Event ids: Matrix event ids are unique and stable, and a sync repeated after
// a crash redelivers the same events, so "matrix:" + event_id de-duplicates.
//
// Rooms: the core knows channels by NAME; the adapter resolves a room id from
// the rooms warroom itself created or joined. A room it does not know keeps
// its room id ("!abc:example.org") as its name: it starts with '!', so it can
// never match an incident channel, as Slack's unknown channel ids cannot.
//
// Pills: a client that completes "Bob" to a mention sends body "Bob" and
// formatted_body <a href="https://matrix.to/#/@bob:example.org">Bob</a>. The
// core needs the id, so for each pill to a valid user id, in order, the first
// whole-word occurrence of its display text in the body after the previous
// replacement (an '@' right before it included) is replaced by the id. A pill
// whose text is not found changes nothing. The rest of the body is kept exact;
// formatted_body is never parsed for anything else.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/event.hpp"

namespace warroom::matrix {

// Chat bodies beyond this are malformed: the Matrix spec caps a whole event
// at 65,536 bytes. A command of any size goes to the core, which refuses one
// over kMaxCommandBytes (bot/limits.hpp) with an answer saying the limit.
inline constexpr std::size_t kMaxInboundBodyBytes = 64 * 1024;
inline constexpr std::string_view kEventPrefix = "matrix:";

// warroom's name for a room, if warroom knows the room.
using RoomResolver = std::function<std::optional<ChannelName>(const std::string& room_id)>;

// What a card event is a card for; the adapter keeps card event ids in storage.
struct CardRef {
    std::variant<DraftId, EscalationId> subject;
    int revision = 1;                  // of a draft's card: the revision it showed
};
using CardResolver = std::function<std::optional<CardRef>(const std::string& event_id)>;

// An event for the engine, with where to answer it.
struct MatrixEvent {
    Event event;
    std::string room_id;
    std::string matrix_event_id;
};

// The bot was invited to a room. The adapter decides whether to join (only
// for inviters it trusts, e.g. people in the playbook).
struct Invite {
    std::string room_id;
    std::string inviter;
};

// The server skipped events in this room (timeline.limited): the adapter may
// fetch them with GET /rooms/{room_id}/messages?from=prev_batch&dir=b.
struct TimelineGap {
    std::string room_id;
    std::string prev_batch;
};

// Not for warroom or unreadable: log the reason, change nothing.
struct Ignored {
    std::string reason;
    std::string room_id;               // where, when known
    std::string matrix_event_id;       // which, when known
    bool malformed = false;            // broken or oversized (worth a warning), not merely not for warroom
};

using SyncItem = std::variant<MatrixEvent, Invite, TimelineGap, Ignored>;

struct SyncBatch {
    std::string next_batch;            // persist with what was done with the items
    std::vector<SyncItem> items;
    // The newest origin_server_ts of the joined rooms' timeline events (the
    // metrics' sync lag); nothing when there was none.
    std::optional<std::int64_t> newest_event_ms;
};

// A response that cannot be used at all; the message says what was wrong.
struct SyncError {
    std::string message;
};

struct SyncContext {
    std::string bot_user_id;           // "@warroom:example.org": its own events are never commands
    RoomResolver rooms;
    CardResolver cards;
};

std::variant<SyncBatch, SyncError> read_sync(const nlohmann::json& response, const SyncContext& context);
// The same for the raw response body; text that is not JSON is a SyncError.
std::variant<SyncBatch, SyncError> read_sync_body(std::string_view body, const SyncContext& context);

// True for warroom's own "join" membership event. In a room's timeline,
// everything before it is history from before warroom was in the room:
// read_sync turns it into Ignored, and gap filling stops there.
bool is_own_join(const nlohmann::json& event, std::string_view bot_user_id);

// One page of GET /rooms/{room}/messages?dir=b, read for a timeline gap.
struct GapPage {
    std::vector<nlohmann::json> events;   // newest first, as the page had them, up to (without) the first known one
    std::string end;                      // where the next page starts; "" when the server has no more
    bool reached_known = false;           // a known event was on the page: the gap is covered, stop paging
};

// The events of a gap page up to the first one warroom knew already: its own
// join (what precedes it is history from before warroom was in the room) or
// one older than `known_before_ms` by origin_server_ts (the previous sync
// covered it; a server that ignores /messages' `to` is stopped there too).
// Entries are passed on as they are, malformed ones included: read_timeline_event
// judges each. A SyncError when the page itself is unusable.
std::variant<GapPage, SyncError> read_gap_page(const nlohmann::json& answer, std::string_view bot_user_id,
                                               std::int64_t known_before_ms);
std::variant<GapPage, SyncError> read_gap_page_body(std::string_view body, std::string_view bot_user_id,
                                                    std::int64_t known_before_ms);

// One timeline event of `room_id` (as read_sync reads each).
SyncItem read_timeline_event(const nlohmann::json& event, const std::string& room_id, const SyncContext& context);

// True for "!incident" or "!inc" (after optional blanks), followed by a blank or the end.
bool is_matrix_command(std::string_view body);

// The command text with each pill's display text replaced by its user id
// (the rule above). Without formatted_body the body is returned as is.
std::string command_text_with_pills(std::string_view body, std::string_view formatted_body);

}  // namespace warroom::matrix
