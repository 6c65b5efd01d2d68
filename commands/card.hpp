#pragma once
// The approval card of a draft, as the Crisis Lead sees it.
#include "bot/draft.hpp"
#include "bot/effect.hpp"
#include "bot/incident.hpp"
#include "bot/playbook.hpp"

#include "bot/store.hpp"

namespace warroom {

// `tx` tells whether the audience's status page already has this incident.
Card make_card(const Draft& draft, const Incident& incident, const Playbook& playbook, Transaction& tx);

// Where an approved draft for an outside audience goes, in the words of its
// card and its record: "webhook at hooks.example.com", "e-mail to 3
// recipients", "status page 'Acme Status', as an update to the incident".
std::string delivery_destination(const Draft& draft, const Audience& audience, Transaction& tx);

// The Crisis Lead's approval of the draft's current revision, if it still
// counts: given by the incident's current lead.
std::optional<UserId> counting_lead_approval(const Draft& draft, const Incident& incident);

// The text as published: the approved text with the incident id and approver.
std::string published_text(const Draft& draft);

}  // namespace warroom
