// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec action_command{"action", "action TEXT [@owner]", "add an action item for the review", "", IncidentScope::required, run};
}  // namespace warroom
