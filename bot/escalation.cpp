#include "bot/escalation.hpp"

namespace warroom {

std::string to_string(EscalationState state) {
    switch (state) {
        case EscalationState::pending: return "pending";
        case EscalationState::allowed: return "allowed";
        case EscalationState::denied: return "denied";
    }
    return "pending";
}

std::optional<EscalationState> parse_escalation_state(std::string_view text) {
    if (text == "pending") return EscalationState::pending;
    if (text == "allowed") return EscalationState::allowed;
    if (text == "denied") return EscalationState::denied;
    return std::nullopt;
}

}  // namespace warroom
