// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec rootcause_command{"rootcause", "rootcause TEXT", "record the root cause for the review", "", IncidentScope::required, run};
}  // namespace warroom
