#pragma once
// What both storage backends read the same way: the SELECT lists of the
// tables read into domain types, and the readers that turn one row into a
// Draft, a Schedule, ... A Row is the backend's row (SQLite's Statement,
// PostgreSQL's Row) with integer(i), boolean(i), text(i), time(i),
// maybe_user(i) and maybe_time(i). Included by backends only.
#include <optional>
#include <string>
#include <string_view>

#include "bot/audit.hpp"
#include "bot/draft.hpp"
#include "bot/effect.hpp"
#include "bot/effect_codec.hpp"
#include "bot/escalation.hpp"
#include "bot/incident.hpp"
#include "bot/schedule.hpp"
#include "bot/store.hpp"

namespace warroom::stored {

// A stored name the domain does not know: the database was changed by hand or is corrupt.
template <class T>
T parsed_or_throw(std::optional<T> value, std::string_view what, const std::string& text) {
    if (!value) throw StorageError("corrupt " + std::string(what) + " in database: " + text);
    return *value;
}

inline std::string_view to_text(ChannelKind kind) { return kind == ChannelKind::main ? "main" : "workstream"; }

inline ChannelKind parse_channel_kind(const std::string& text) {
    if (text == "main") return ChannelKind::main;
    if (text == "workstream") return ChannelKind::workstream;
    throw StorageError("corrupt channel kind in database: " + text);
}

inline constexpr std::string_view kDraftSelect =
    "SELECT id, incident_id, audience, author, text, state, revision, is_summary, created_at, routed_to, "
    "decided_by, decided_at, reason, published_at, lead_approval, approver_approval, delivery_problem FROM drafts";

template <class Row>
OutboxJob read_job(const Row& row) {
    return OutboxJob{OutboxJobId{row.integer(0)}, decode_effect(row.text(1)), row.text(2)};
}

inline constexpr std::string_view kScheduleSelect =
    "SELECT id, incident_id, kind, target, due_at, every_ms, state, done_at FROM schedules";

template <class Row>
Schedule read_schedule(const Row& row) {
    Schedule schedule;
    schedule.id = ScheduleId{row.integer(0)};
    schedule.incident = IncidentId{row.integer(1)};
    schedule.kind = parsed_or_throw(parse_schedule_kind(row.text(2)), "schedule kind", row.text(2));
    schedule.target = row.text(3);
    schedule.due_at = row.time(4);
    schedule.every = Duration{row.integer(5)};
    schedule.state = parsed_or_throw(parse_schedule_state(row.text(6)), "schedule state", row.text(6));
    schedule.done_at = row.maybe_time(7);
    return schedule;
}

inline constexpr std::string_view kEscalationSelect =
    "SELECT id, incident_id, requested_by, text, requested_at, deadline, state, decided_by, decided_at, "
    "comment FROM escalations";

template <class Row>
Escalation read_escalation(const Row& row) {
    Escalation escalation;
    escalation.id = EscalationId{row.integer(0)};
    escalation.incident = IncidentId{row.integer(1)};
    escalation.requested_by = UserId{row.text(2)};
    escalation.text = row.text(3);
    escalation.requested_at = row.time(4);
    escalation.deadline = row.maybe_time(5);
    escalation.state = parsed_or_throw(parse_escalation_state(row.text(6)), "escalation state", row.text(6));
    escalation.decided_by = row.maybe_user(7);
    escalation.decided_at = row.maybe_time(8);
    escalation.comment = row.text(9);
    return escalation;
}

inline constexpr std::string_view kAuditSelect =
    "SELECT incident_id, seq, at, actor, actor_name, kind, facts, prev_hash, hash FROM audit_log";

template <class Row>
AuditEntry read_audit(const Row& row) {
    AuditEntry entry;
    entry.incident = IncidentId{row.integer(0)};
    entry.seq = row.integer(1);
    entry.at = row.time(2);
    entry.actor = UserId{row.text(3)};
    entry.actor_name = row.text(4);
    entry.kind = row.text(5);
    entry.facts = row.text(6);
    entry.prev_hash = row.text(7);
    entry.hash = row.text(8);
    return entry;
}

template <class Row>
Draft read_draft(const Row& row) {
    Draft draft;
    draft.id = DraftId{row.integer(0)};
    draft.incident = IncidentId{row.integer(1)};
    draft.audience = row.text(2);
    draft.author = UserId{row.text(3)};
    draft.text = row.text(4);
    draft.state = parsed_or_throw(parse_draft_state(row.text(5)), "draft state", row.text(5));
    draft.revision = static_cast<int>(row.integer(6));
    draft.is_summary = row.boolean(7);
    draft.created_at = row.time(8);
    draft.routed_to = UserId{row.text(9)};
    draft.decided_by = row.maybe_user(10);
    draft.decided_at = row.maybe_time(11);
    draft.reason = row.text(12);
    draft.published_at = row.maybe_time(13);
    draft.lead_approval = row.maybe_user(14);
    draft.approver_approval = row.maybe_user(15);
    draft.delivery_problem = row.text(16);
    return draft;
}

}  // namespace warroom::stored
