// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec escalate_command{"escalate", "escalate TEXT [--by 30m]", "ask the executives to approve extraordinary action", "", IncidentScope::required, run};
void fire_escalation_deadline(Context&, const Schedule&) {}
}  // namespace warroom
