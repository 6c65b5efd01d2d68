// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec allow_command{"allow", "allow E-N [COMMENT]", "executives: allow an escalation request", "", IncidentScope::none, run};
}  // namespace warroom
