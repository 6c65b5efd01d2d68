#include "commands/escalation_card.hpp"

namespace warroom {

EscalationCard make_escalation_card(const Escalation& escalation, const Incident& incident, const Playbook& playbook) {
    EscalationCard card;
    card.escalation = escalation.id;
    card.incident = incident.id;
    card.incident_title = incident.title;
    card.exercise = incident.exercise;
    card.requested_by = escalation.requested_by;
    card.text = escalation.text;
    card.deadline = escalation.deadline;
    card.executives = playbook.executives;
    card.state = escalation.state;
    card.decided_by = escalation.decided_by;
    card.decided_at = escalation.decided_at;
    card.comment = escalation.comment;
    return card;
}

std::optional<ChannelName> executive_channel(const Playbook& playbook) {
    const Audience* audience = playbook.audience(playbook.executive_audience);
    if (!audience) return std::nullopt;
    return audience->channel;
}

std::string executives_named(const Playbook& playbook) {
    return mentions(playbook.executives);
}

std::string how_to_answer(EscalationId id) {
    return "/incident allow " + to_string(id) + " [COMMENT] · /incident deny " + to_string(id) + " REASON";
}

}  // namespace warroom
