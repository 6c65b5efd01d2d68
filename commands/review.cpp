// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec review_command{"review", "review", "write the post-incident review", "", IncidentScope::required, run};
}  // namespace warroom
