#pragma once
// Anchoring the audit record (README, "The audit record"): a chain alone
// cannot show that its end was cut off or that it was rewritten whole, so at
// the moments that matter (an incident resolved, an executive summary
// published) the bot posts the chain's head in the incident's main channel,
// where the database's holder cannot reach it. The anchor is noted on the
// timeline, not in the audit record, so the head posted stays the head.
#include <optional>
#include <string>

#include "bot/audit_verify.hpp"
#include "bot/clock.hpp"
#include "bot/incident.hpp"
#include "bot/timeline.hpp"

namespace warroom {

class Transaction;

struct AuditAnchor {
    AuditHead head;
    std::string message;               // for the main channel
    std::string timeline_text;         // "audit head posted in #inc-1-...: 42 entries, head ..."
};

// The anchor for the incident's chain as it stands in `tx` (including what
// `tx` appended), or nothing for an incident without entries.
std::optional<AuditAnchor> audit_anchor(Transaction& tx, const Incident& incident);

// For code without a command Context (the outbox): enqueues the post and
// appends the timeline entry in `tx`.
void post_audit_anchor(Transaction& tx, const Incident& incident, Time now);

// An anchor read back from the timeline (for the review and the export).
struct PostedAnchor {
    Time at{};
    AuditHead head;
};
std::optional<PostedAnchor> parse_anchor_entry(const TimelineEntry& entry);

}  // namespace warroom
