#include "adapters/matrix/matrix_refs.hpp"


#include <nlohmann/json.hpp>

namespace warroom::matrix {
namespace {

using nlohmann::json;

constexpr std::string_view kRoom = "matrix.room";
constexpr std::string_view kChannel = "matrix.channel";
constexpr std::string_view kDirect = "matrix.direct";
constexpr std::string_view kCardOf = "matrix.card_of";        // "D-3@2" / "E-2" -> "event_id room_id"
constexpr std::string_view kCardEvent = "matrix.card_event";  // event id -> "D-3@2" / "E-2"
// Earlier versions wrote "D-3" for a draft's (latest) card: read as revision 1.
constexpr std::string_view kSync = "matrix.sync";
constexpr std::string_view kReply = "matrix.reply";
constexpr std::string_view kReplySent = "matrix.reply_sent";
constexpr std::string_view kPublishAttempt = "matrix.publish_attempt";
constexpr std::string_view kRoomCreation = "matrix.room_creation";

std::string job_key(OutboxJobId job) { return std::to_string(job.value()); }

std::optional<std::string> first_word(const std::optional<std::string>& value) {
    if (!value) return std::nullopt;
    return value->substr(0, value->find(' '));
}

const char* kind_name(Reply::Kind kind) {
    switch (kind) {
        case Reply::Kind::ok: return "ok";
        case Reply::Kind::error: return "error";
        case Reply::Kind::ignored:
        case Reply::Kind::unavailable: break;
    }
    return "ignored";
}

Reply::Kind kind_named(std::string_view name) {
    if (name == "ok") return Reply::Kind::ok;
    if (name == "error") return Reply::Kind::error;
    return Reply::Kind::ignored;
}

}  // namespace

std::optional<std::string> MatrixRefs::room_id(const ChannelName& name) {
    if (auto known = ids_by_name_.find(name); known != ids_by_name_.end()) return known->second;
    auto id = get(kRoom, name.value());
    if (id) ids_by_name_.emplace(name, *id);
    return id;
}

std::optional<ChannelName> MatrixRefs::channel_name(const std::string& room_id) {
    if (auto known = names_by_id_.find(room_id); known != names_by_id_.end()) return known->second;
    auto name = get(kChannel, room_id);
    if (!name) return std::nullopt;
    names_by_id_.emplace(room_id, ChannelName{*name});
    return ChannelName{*name};
}

void MatrixRefs::remember_room(const ChannelName& name, const std::string& room_id) {
    records_.set_refs({{kRoom, name.value(), room_id}, {kChannel, room_id, name.value()}});
    ids_by_name_[name] = room_id;
    names_by_id_[room_id] = name;
}

std::optional<std::string> MatrixRefs::direct_room(const UserId& user) { return get(kDirect, user.value()); }

void MatrixRefs::remember_direct_room(const UserId& user, const std::string& room_id) {
    set(kDirect, user.value(), room_id);
}

std::optional<std::string> MatrixRefs::card_event(const DraftRevision& draft) {
    if (auto event = first_word(get(kCardOf, to_string(draft)))) return event;
    if (draft.revision == 1) return first_word(get(kCardOf, to_string(draft.draft)));
    return std::nullopt;
}

std::optional<std::string> MatrixRefs::card_event(const EscalationId& escalation) {
    return first_word(get(kCardOf, to_string(escalation)));
}

std::optional<CardRef> MatrixRefs::card(const std::string& event_id) {
    const auto subject = get(kCardEvent, event_id);
    if (!subject) return std::nullopt;
    if (auto draft = parse_draft_revision(*subject)) return CardRef{draft->draft, draft->revision};
    if (auto escalation = parse_escalation_id(*subject)) return CardRef{*escalation};
    return std::nullopt;
}

std::string MatrixRefs::card_room(const std::string& event_id) {
    const auto subject = get(kCardEvent, event_id);
    if (!subject) return {};
    const auto where = get(kCardOf, *subject);
    if (!where) return {};
    const auto space = where->find(' ');
    return space == std::string::npos ? std::string() : where->substr(space + 1);
}

void MatrixRefs::remember_card(const DraftRevision& draft, const std::string& room_id, const std::string& event_id) {
    records_.set_refs({{kCardOf, to_string(draft), event_id + " " + room_id}, {kCardEvent, event_id, to_string(draft)}});
}

void MatrixRefs::remember_card(const EscalationId& escalation, const std::string& room_id, const std::string& event_id) {
    records_.set_refs({{kCardOf, to_string(escalation), event_id + " " + room_id},
                       {kCardEvent, event_id, to_string(escalation)}});
}

std::optional<SyncPosition> MatrixRefs::sync_position() {
    const auto stored = get(kSync, "position");
    if (!stored) return std::nullopt;
    const json position = json::parse(*stored, nullptr, false);
    if (!position.is_object() || !position.contains("next_batch") || !position["next_batch"].is_string())
        return std::nullopt;
    return SyncPosition{position["next_batch"].get<std::string>(), position.value("received_at_ms", std::int64_t{0})};
}

void MatrixRefs::save_sync_position(const SyncPosition& position) {
    const json stored{{"next_batch", position.next_batch}, {"received_at_ms", position.received_at_ms}};
    set(kSync, "position", stored.dump());
}

void MatrixRefs::record_reply(Transaction& tx, const std::string& command_event_id, const StoredReply& reply) {
    json stored{{"room", reply.room_id}, {"kind", kind_name(reply.reply.kind)}, {"text", reply.reply.text}};
    if (reply.direct_to) stored["direct_to"] = reply.direct_to->value();
    tx.set_platform_ref(kReply, command_event_id, stored.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::optional<StoredReply> MatrixRefs::reply(const std::string& command_event_id) {
    const auto stored = get(kReply, command_event_id);
    if (!stored) return std::nullopt;
    const json reply = json::parse(*stored, nullptr, false);
    if (!reply.is_object()) return std::nullopt;
    return StoredReply{reply.value("room", std::string()),
                       Reply{kind_named(reply.value("kind", std::string())), reply.value("text", std::string())},
                       get(kReplySent, command_event_id).has_value(),
                       reply.contains("direct_to") && reply["direct_to"].is_string()
                           ? std::optional<UserId>(UserId{reply["direct_to"].get<std::string>()})
                           : std::nullopt};
}

void MatrixRefs::mark_reply_sent(const std::string& command_event_id) { set(kReplySent, command_event_id, "1"); }

bool MatrixRefs::publish_attempted(OutboxJobId job) { return get(kPublishAttempt, job_key(job)).has_value(); }

void MatrixRefs::mark_publish_attempted(OutboxJobId job) { set(kPublishAttempt, job_key(job), "1"); }

bool MatrixRefs::room_creation_attempted(const ChannelName& name) {
    return get(kRoomCreation, name.value()).has_value();
}

void MatrixRefs::mark_room_creation_attempted(const ChannelName& name) { set(kRoomCreation, name.value(), "1"); }

}  // namespace warroom::matrix
