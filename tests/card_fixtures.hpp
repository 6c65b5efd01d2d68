#pragma once
// Approval and escalation cards as the core hands them to an adapter, for
// the Slack and Matrix rendering tests; each names people its platform's way.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bot/effect.hpp"

namespace warroom::test {

inline const Time kDecidedAt = from_unix_ms(1'795'000'000'000);

// D-3 of INC-1 "Payroll phishing" for exec (#exec-briefing), revision 2, pending.
inline Card pending_card_by(UserId author, std::string text) {
    Card card;
    card.draft = DraftId(3);
    card.incident = IncidentId(1);
    card.incident_title = "Payroll phishing";
    card.audience = "exec";
    card.audience_channel = "exec-briefing";
    card.author = std::move(author);
    card.text = std::move(text);
    card.revision = 2;
    return card;
}

// E-2 of INC-1 "Payroll phishing", pending.
inline EscalationCard pending_escalation_by(UserId requested_by, std::string text, std::vector<UserId> executives,
                                            std::optional<Time> deadline) {
    EscalationCard card;
    card.escalation = EscalationId(2);
    card.incident = IncidentId(1);
    card.incident_title = "Payroll phishing";
    card.requested_by = std::move(requested_by);
    card.text = std::move(text);
    card.deadline = deadline;
    card.executives = std::move(executives);
    return card;
}

}  // namespace warroom::test
