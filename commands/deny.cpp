// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec deny_command{"deny", "deny E-N REASON", "executives: deny an escalation request", "", IncidentScope::none, run};
}  // namespace warroom
