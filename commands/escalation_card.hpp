#pragma once
// An escalation request as the executives see it in their channel: the first
// card (`escalate`), its update after the decision, and the deadline's
// reminder all describe it the same way.
#include <optional>
#include <string>

#include "bot/effect.hpp"
#include "bot/escalation.hpp"
#include "bot/incident.hpp"
#include "bot/playbook.hpp"

namespace warroom {

EscalationCard make_escalation_card(const Escalation& escalation, const Incident& incident, const Playbook& playbook);

// The channel of the playbook's executive audience; nothing if the playbook
// names none (a loaded playbook always does).
std::optional<ChannelName> executive_channel(const Playbook& playbook);

// "@erin" or "@erin, @frank": who may decide.
std::string executives_named(const Playbook& playbook);

// "/incident allow E-1 [COMMENT] · /incident deny E-1 REASON"
std::string how_to_answer(EscalationId id);

}  // namespace warroom
