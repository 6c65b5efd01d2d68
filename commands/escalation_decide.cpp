// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"
#include "commands/escalation_decide.hpp"
namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
Outcome decide_escalation(Context&, EscalationId, bool, const std::string&) { return invalid("not built yet"); }
}  // namespace warroom
