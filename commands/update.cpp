// /incident update TEXT
#include "commands/entries.hpp"

namespace warroom {
namespace {
Outcome run(Context& ctx) { return record_entry(ctx, EntryCommand::update); }
}  // namespace

extern const CommandSpec update_command{
    "update", "update TEXT", "post a status update (from this workstream's channel, or the main channel)",
    "Updates feed the executive summary and the all-hands sync report.", IncidentScope::required, run};

}  // namespace warroom
