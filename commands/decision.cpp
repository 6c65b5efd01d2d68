// /incident decision TEXT
#include "commands/entries.hpp"

namespace warroom {
namespace {
Outcome run(Context& ctx) { return record_entry(ctx, EntryCommand::decision); }
}  // namespace

extern const CommandSpec decision_command{
    "decision", "decision TEXT", "record a decision on the timeline",
    "Decisions are listed in the executive summary and the review.", IncidentScope::required, run};

}  // namespace warroom
