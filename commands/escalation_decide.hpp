#pragma once
// An executive's answer to an escalation request, shared by `allow`, `deny`
// and the card's buttons.
#include <string>

#include "commands/command.hpp"

namespace warroom {

Outcome decide_escalation(Context& ctx, EscalationId id, bool allow, const std::string& comment);

}  // namespace warroom
