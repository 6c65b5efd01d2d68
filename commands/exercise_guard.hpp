#pragma once
// A tabletop exercise must never reach a real audience.
#include <vector>

#include "bot/effect.hpp"
#include "bot/incident.hpp"

namespace warroom {

// For an exercise incident: marks every message EXERCISE and redirects
// anything aimed at a channel outside the exercise into its main channel.
// Does nothing for a real incident.
void confine_to_exercise(const Incident& incident, std::vector<Effect>& effects);

// Where something aimed at `channel` ends up, for replies that name it:
// "#exec-briefing", or for an exercise "#ex-1-x (standing in for #exec-briefing)".
std::string destination_of(const Incident& incident, const ChannelName& channel);

}  // namespace warroom
