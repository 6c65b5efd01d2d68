// /incident note TEXT
#include "commands/entries.hpp"

namespace warroom {
namespace {
Outcome run(Context& ctx) { return record_entry(ctx, EntryCommand::note); }
}  // namespace

extern const CommandSpec note_command{
    "note", "note TEXT", "add a note to the timeline",
    "", IncidentScope::required, run};

}  // namespace warroom
