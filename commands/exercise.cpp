// PLACEHOLDER: replaced by the real implementation.
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace { Outcome run(Context&) { return invalid("not built yet"); } }
extern const CommandSpec exercise_command{"exercise", "exercise SCENARIO | exercise end", "start or end a tabletop exercise", "", IncidentScope::none, run};
void fire_exercise_inject(Context&, const Schedule&) {}
}  // namespace warroom
