// /incident impact TEXT: who and what was affected, as the review will state it.
#include "commands/review_statement.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    return record_review_statement(
        ctx, {&Incident::impact, EntryKind::impact, "impact",
              "say who and what was affected: /incident impact 14 mailboxes received the lure, 3 accounts "
              "were used for 40 minutes"});
}

}  // namespace

extern const CommandSpec impact_command{
    "impact", "impact TEXT", "record the impact for the review",
    "The Crisis Lead, or a workstream lead in their workstream's channel. Works after resolution too; the latest "
    "statement is the one the review shows.",
    IncidentScope::required, run};

}  // namespace warroom
