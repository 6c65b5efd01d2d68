// /incident rootcause TEXT: the root cause as the review will state it.
#include "commands/review_statement.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    return record_review_statement(
        ctx, {&Incident::root_cause, EntryKind::rootcause, "root cause",
              "say what caused it: /incident rootcause Phishing mail passed the gateway's lookalike-domain "
              "filter"});
}

}  // namespace

extern const CommandSpec rootcause_command{
    "rootcause", "rootcause TEXT", "record the root cause for the review",
    "The Crisis Lead, or a workstream lead in their workstream's channel. Works after resolution too; the latest "
    "root cause is the one the review states.",
    IncidentScope::required, run};

}  // namespace warroom
