#include "commands/card.hpp"

namespace warroom {

Card make_card(const Draft& draft, const Incident& incident, const Playbook& playbook) {
    Card card;
    card.draft = draft.id;
    card.incident = incident.id;
    card.incident_title = incident.title;
    card.exercise = incident.exercise;
    card.audience = draft.audience;
    if (const Audience* audience = playbook.audience(draft.audience)) card.audience_channel = audience->channel.value();
    card.author = draft.author;
    card.text = draft.text;
    card.revision = draft.revision;
    card.state = draft.state;
    card.decided_by = draft.decided_by;
    card.decided_at = draft.decided_at;
    card.reason = draft.reason;
    return card;
}

std::string published_text(const Draft& draft) {
    return "[" + to_string(draft.incident) + "] " + draft.text + "\n— approved by " +
           (draft.decided_by ? mention(*draft.decided_by) : std::string("the Crisis Lead"));
}

}  // namespace warroom
