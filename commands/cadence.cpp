// PLACEHOLDER: replaced by the real implementation.
#include "commands/cadence.hpp"

namespace warroom {
void start_default_cadences(Context&) {}
void start_workstream_cadence(Context&, const std::string&) {}
}  // namespace warroom
