#pragma once
// A tabletop exercise must never reach a real audience (SPEC.md §2 "Practice").
#include <vector>

#include "bot/effect.hpp"
#include "bot/incident.hpp"

namespace warroom {

// For an exercise incident: marks every message EXERCISE and redirects
// anything aimed at a channel outside the exercise into its main channel.
// Does nothing for a real incident.
void confine_to_exercise(const Incident& incident, std::vector<Effect>& effects);

}  // namespace warroom
