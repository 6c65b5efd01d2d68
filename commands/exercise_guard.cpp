// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"
#include "commands/exercise_guard.hpp"
namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
void confine_to_exercise(const Incident&, std::vector<Effect>&) {}
}  // namespace warroom
