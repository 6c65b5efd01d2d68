// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
void fire_summary(Context&, const Schedule&) {}
void fire_summary_reminder(Context&, const Schedule&) {}
}  // namespace warroom
