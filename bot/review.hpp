#pragma once
// The post-incident review: what happened, computed from
// the incident's record. Reading the record is the only step that touches
// storage; everything after it is a pure function of the record, so the
// numbers a review prints can be asserted exactly.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/action_item.hpp"
#include "bot/audit_anchor.hpp"
#include "bot/clock.hpp"
#include "bot/draft.hpp"
#include "bot/escalation.hpp"
#include "bot/ids.hpp"
#include "bot/incident.hpp"
#include "bot/severity.hpp"
#include "bot/timeline.hpp"
#include "bot/store.hpp"

namespace warroom {

// Everything the review is made of, as stored.
struct IncidentRecord {
    Incident incident;
    std::vector<TimelineEntry> timeline;      // oldest first
    std::vector<StatusUpdate> updates;        // oldest first
    std::vector<Draft> drafts;                // by id
    std::vector<Escalation> escalations;      // by id
    std::vector<ActionItem> action_items;     // by number
    Time as_of{};                             // when the review is written
    std::vector<AuditEntry> audit;            // the audit record, by seq
};

IncidentRecord read_record(Transaction& tx, const Incident& incident, Time as_of);

// Response phases after NIST SP 800-61 Rev. 3 / CSF 2.0.
enum class Phase { detect, respond, recover };
std::string to_string(Phase phase);

struct LeadTerm {
    UserId lead;
    Time since{};                             // declaration, or when they accepted the handover
};

struct SeverityChange {
    Time at{};
    UserId by;
    Severity from = Severity::sev4;
    Severity to = Severity::sev4;
};

struct KeyTimes {
    Time declared{};
    std::vector<LeadTerm> leads;              // the first is in place at declaration; then each handover
    std::optional<Time> first_approved_communication;
    std::optional<Time> mitigated;
    std::optional<Time> resolved;
};

struct Review {
    IncidentRecord record;
    Severity declared_severity = Severity::sev4;
    std::vector<SeverityChange> severity_changes;
    KeyTimes key_times;
    std::vector<Phase> phases;                // one per record.timeline entry
    std::size_t published = 0;                // communications that reached their audience
    AuditHead audit_head;                     // of the record as read (not verified here)
    std::vector<PostedAnchor> anchors;        // the heads the bot posted, oldest first
};

// The analysis of a record: who led when, what changed when, which phase each entry belongs to.
Review analyse(IncidentRecord record);

// The review as a document people read (posted in chat, exported as a file).
std::string render_markdown(const Review& review);
// The same content for tools: times as {"unix_ms", "utc"} (ISO-8601), durations in whole seconds.
nlohmann::ordered_json render_json(const Review& review);

// "2026-11-18T21:46:40.000Z"
std::string format_iso8601(Time t);

}  // namespace warroom
