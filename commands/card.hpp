#pragma once
// The approval card of a draft, as the Crisis Lead sees it.
#include "bot/draft.hpp"
#include "bot/effect.hpp"
#include "bot/incident.hpp"
#include "bot/playbook.hpp"

namespace warroom {

Card make_card(const Draft& draft, const Incident& incident, const Playbook& playbook);

// The Crisis Lead's approval of the draft's current revision, if it still
// counts: given by the incident's current lead.
std::optional<UserId> counting_lead_approval(const Draft& draft, const Incident& incident);

// The text as published: the approved text with the incident id and approver.
std::string published_text(const Draft& draft);

}  // namespace warroom
