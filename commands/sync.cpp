// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec sync_command{"sync", "sync EVERY [WORKSTREAM|all] | sync off [WORKSTREAM|all]", "set a sync cadence", "", IncidentScope::required, run};
void fire_sync_reminder(Context&, const Schedule&) {}
}  // namespace warroom
