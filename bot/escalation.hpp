#pragma once
// A request to the executives to approve extraordinary action:
// `/incident escalate TEXT [--by 30m]` raises E-N; only the
// playbook's executives allow or deny it, once.
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/ids.hpp"

namespace warroom {

enum class EscalationState { pending, allowed, denied };

std::string to_string(EscalationState state);
std::optional<EscalationState> parse_escalation_state(std::string_view text);

struct Escalation {
    EscalationId id;
    IncidentId incident;
    UserId requested_by;
    std::string text;
    Time requested_at{};
    std::optional<Time> deadline;      // re-raised to the executives and the lead when it passes undecided
    EscalationState state = EscalationState::pending;
    std::optional<UserId> decided_by;
    std::optional<Time> decided_at;
    std::string comment;               // the executive's comment or reason
};

}  // namespace warroom
