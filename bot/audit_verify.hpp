#pragma once
// Checking the audit record (bot/audit.hpp): that an incident's chain is
// whole (seq 1..N, each entry linked to the one before, each hash its
// content's, facts in canonical form), that it still contains a head posted
// earlier, and that the decision tables say what the record says.
// `warroom export INC-N --verify` and `warroom verify FILE.json` use it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bot/audit.hpp"
#include "bot/draft.hpp"
#include "bot/escalation.hpp"
#include "bot/incident.hpp"

namespace warroom {

class Transaction;

// The end of a chain: how many entries, and the last one's hash
// (kGenesisHash for an empty chain).
struct AuditHead {
    std::int64_t entries = 0;
    std::string hash{kGenesisHash};
};

// The first thing found wrong, in words a reviewer can act on.
struct AuditProblem {
    std::int64_t seq = 0;              // the entry that fails; 0 when no single entry does
    std::string kind;                  // its kind, when there is one
    std::string message;               // "entry 7 (draft.approved): its hash is ... — the entry was edited"
};

struct AuditVerdict {
    AuditHead head;                    // of the chain as found
    std::optional<AuditProblem> problem;
    bool verified() const { return !problem; }
};

// The chain alone, in the order given (storage gives it by seq; a file in
// the order it lists the entries).
AuditVerdict verify_chain(IncidentId incident, const std::vector<AuditEntry>& entries);

// A head posted earlier must still be one of the chain's entries (more may
// follow it); otherwise the record was rewritten or cut after it was posted.
// `head` is checked for shape first. Call it on a chain verify_chain passed.
std::optional<AuditProblem> check_posted_head(IncidentId incident, const std::vector<AuditEntry>& entries,
                                              std::string_view head);

// Replays the record into the state it implies (incident severity, status
// and lead; each draft's text, revision, state, decider and audience; each
// escalation's state and decider) and compares it with the tables. Kinds it
// does not know are left out of the replay (the chain still covers them).
std::optional<AuditProblem> reconcile(const std::vector<AuditEntry>& entries, const Incident& incident,
                                      const std::vector<Draft>& drafts, const std::vector<Escalation>& escalations);

// verify_chain, then reconcile, on the database.
AuditVerdict verify_incident_record(Transaction& tx, const Incident& incident);

// The head of an incident's chain as stored (no checks).
AuditHead audit_head(Transaction& tx, IncidentId incident);

// An exported file (`export --format json`, or just {"incident": ..., "audit": [...]}):
// its entries, or what keeps them from being read. The incident is the
// export's, else the first entry's.
struct ExportedAudit {
    IncidentId incident;
    std::vector<AuditEntry> entries;
    std::optional<std::string> stated_head;   // "audit_head": {"hash"} in the file, if any
    std::optional<std::int64_t> stated_entries;
};
struct ExportedAuditLoad {
    std::optional<ExportedAudit> audit;
    std::string problem;               // when audit is empty
};
ExportedAuditLoad read_exported_audit(const nlohmann::json& file);

// `warroom verify` on a parsed file: the chain checks (the file has no
// decision tables), and that the head the file states is its chain's head.
AuditVerdict verify_exported_audit(const ExportedAudit& audit);

// The line an anchor posts and `--verify` prints.
std::string describe_head(IncidentId incident, const AuditHead& head);
std::string anchor_message(IncidentId incident, const AuditHead& head);

}  // namespace warroom
