#pragma once
// What happened, in order: the raw material of syncs, summaries and the review.
#include <cstdint>
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/ids.hpp"

namespace warroom {

enum class EntryKind {
    declared, lead, workstream, invite, update, note, decision, severity, status,
    draft, approval, publication, refusal, summary,
    sync,                 // a workstream or all-hands sync took place (its report)
    missed_sync,          // a workstream had no update since the previous sync
    reminder,             // the bot reminded someone (sync due, summary overdue, escalation undecided)
    escalation,           // a request to the executives (E-N)
    escalation_decision,  // an executive allowed or denied it
    rootcause, impact, action,  // inputs for the post-incident review
    review,               // the review was written
    exercise,             // a tabletop exercise started or ended
    inject,               // a scripted exercise inject was posted
    anchor                // the audit record's head was posted (bot/audit_verify.hpp)
};

std::string to_string(EntryKind kind);
std::optional<EntryKind> parse_entry_kind(std::string_view text);

struct TimelineEntry {
    std::int64_t seq = 0;              // assigned by storage, increasing
    IncidentId incident;
    Time at{};
    UserId actor;
    EntryKind kind = EntryKind::note;
    std::string text;
};

// A status update, from a workstream (its name) or from the main channel ("").
struct StatusUpdate {
    IncidentId incident;
    std::string workstream;
    UserId author;
    std::string text;
    Time at{};
};

}  // namespace warroom
