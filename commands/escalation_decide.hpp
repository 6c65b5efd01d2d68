#pragma once
// An executive's answer to an escalation request, shared by `allow`, `deny`
// and the card's buttons.
#include <optional>
#include <string>

#include "commands/command.hpp"

namespace warroom {

Outcome decide_escalation(Context& ctx, EscalationId id, bool allow, const std::string& comment);

// Loads E-N into `escalation` and its incident into ctx (so a refusal is
// recorded on that incident's timeline), and refuses a caller who may not
// decide it now: a non-executive, or anyone once it is decided. Nothing when
// the caller may go ahead.
std::optional<Outcome> open_for_decision(Context& ctx, EscalationId id, Escalation& escalation);

}  // namespace warroom
