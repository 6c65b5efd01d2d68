#pragma once
// What the Matrix adapter learned from the homeserver and must remember
// across restarts, kept in storage's platform_refs: which room is which
// warroom channel (both ways), each card's event id (both ways, so a
// reaction finds its draft), the direct room per user, the sync position,
// the answers to commands (so a command redelivered after a crash gets its
// answer, once), and which publishes were attempted.
//
// Room ids are asked for on every event, so known pairs are also kept in
// memory: a pair never changes once the room exists.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/matrix/matrix_events.hpp"
#include "adapters/net/stored_refs.hpp"
#include "bot/engine.hpp"
#include "bot/platform_records.hpp"

namespace warroom::matrix {

// Where the sync loop stands: the token to continue from, and when (by the
// wall clock) the batch that gave it arrived, so a timeline gap is paged
// back only as far as the events that batch could not have delivered.
struct SyncPosition {
    std::string next_batch;
    std::int64_t received_at_ms = 0;
};

// The answer to a command, kept with the command's effects (Engine::handle's
// recorder): sent as a notice replying to the command's event in its room, or,
// for an answer others may not see there (Reply::may_show_in_channel), as a
// notice in the caller's direct room.
struct StoredReply {
    std::string room_id;               // where the command was typed
    Reply reply;
    bool sent = false;
    std::optional<UserId> direct_to;   // set: the answer goes to this user's direct room instead
};

class MatrixRefs : private net::StoredRefs {
public:
    explicit MatrixRefs(PlatformRecords& records) : StoredRefs(records) {}

    std::optional<std::string> room_id(const ChannelName& name);
    std::optional<ChannelName> channel_name(const std::string& room_id);
    void remember_room(const ChannelName& name, const std::string& room_id);

    std::optional<std::string> direct_room(const UserId& user);
    void remember_direct_room(const UserId& user, const std::string& room_id);

    // Each revision of a draft has its own card (refs stored before revisions
    // were kept, under the bare draft id, are revision 1's).
    std::optional<std::string> card_event(const DraftRevision& draft);
    std::optional<std::string> card_event(const EscalationId& escalation);
    std::optional<CardRef> card(const std::string& event_id);
    void remember_card(const DraftRevision& draft, const std::string& room_id, const std::string& event_id);
    void remember_card(const EscalationId& escalation, const std::string& room_id, const std::string& event_id);
    // The room a card was sent to ("" when unknown): an edit must go to the same room.
    std::string card_room(const std::string& event_id);

    std::optional<SyncPosition> sync_position();
    void save_sync_position(const SyncPosition& position);

    // Within the engine's transaction, so the answer exists exactly when the command's effects do.
    static void record_reply(Transaction& tx, const std::string& command_event_id, const StoredReply& reply);
    std::optional<StoredReply> reply(const std::string& command_event_id);
    void mark_reply_sent(const std::string& command_event_id);

    // A publish that was sent at least once may be in the room already.
    bool publish_attempted(OutboxJobId job);
    void mark_publish_attempted(OutboxJobId job);

    // A createRoom was sent for this channel: an alias in use may be warroom's own room.
    bool room_creation_attempted(const ChannelName& name);
    void mark_room_creation_attempted(const ChannelName& name);

private:
    std::map<ChannelName, std::string> ids_by_name_;
    std::map<std::string, ChannelName> names_by_id_;
};

}  // namespace warroom::matrix
