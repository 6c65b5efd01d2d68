#include "commands/card.hpp"

namespace warroom {

std::string delivery_destination(const Draft& draft, const Audience& audience, Transaction& tx) {
    if (!audience.outside) return {};
    std::string where = describe(*audience.outside);
    if (std::holds_alternative<StatuspageDestination>(*audience.outside)) {
        // The first text for an incident opens a status page incident; every later one updates it.
        bool opened = false;
        for (const Draft& other : tx.drafts(draft.incident))
            opened = opened || (other.id != draft.id && other.audience == draft.audience &&
                                (other.state == DraftState::published || other.state == DraftState::approved));
        where += opened ? ", as an update to the incident" : ", as a new incident";
    }
    return where;
}

Card make_card(const Draft& draft, const Incident& incident, const Playbook& playbook, Transaction& tx) {
    Card card;
    card.draft = draft.id;
    card.incident = incident.id;
    card.incident_title = incident.title;
    card.exercise = incident.exercise;
    card.audience = draft.audience;
    if (const Audience* audience = playbook.audience(draft.audience)) {
        card.audience_channel = audience->channel.value();
        card.destination = delivery_destination(draft, *audience, tx);
    }
    card.author = draft.author;
    card.text = draft.text;
    card.revision = draft.revision;
    card.state = draft.state;
    card.decided_by = draft.decided_by;
    card.decided_at = draft.decided_at;
    card.reason = draft.reason;
    card.lead = incident.lead;
    if (const std::vector<UserId>* approvers = playbook.approvers_of(draft.audience)) {
        card.approvers_group = playbook.audience(draft.audience)->approvers;
        card.approvers = *approvers;
    }
    card.lead_approval = counting_lead_approval(draft, incident);
    card.approver_approval = draft.approver_approval;
    card.delivery_problem = draft.delivery_problem;
    return card;
}

std::optional<UserId> counting_lead_approval(const Draft& draft, const Incident& incident) {
    // A handover keeps an approver's approval (it vouches for the text, not
    // for the lead), but the lead's approval is the accountable lead's: one
    // given by a former lead no longer counts, and the new lead approves again.
    if (draft.lead_approval && *draft.lead_approval == incident.lead) return draft.lead_approval;
    return std::nullopt;
}

std::string published_text(const Draft& draft) {
    std::string approved_by = draft.decided_by ? mention(*draft.decided_by) : std::string("the Crisis Lead");
    // Two people approved an audience with approvers: both are named.
    if (draft.lead_approval && draft.approver_approval && *draft.lead_approval != *draft.approver_approval)
        approved_by = mention(*draft.lead_approval) + " and " + mention(*draft.approver_approval);
    return "[" + to_string(draft.incident) + "] " + draft.text + "\n— approved by " + approved_by;
}

}  // namespace warroom
