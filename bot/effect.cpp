#include "bot/effect.hpp"

#include <utility>

namespace warroom {

namespace {

std::optional<IncidentId> incident_of(const Effect& effect) {
    return std::visit(
        [](const auto& e) -> std::optional<IncidentId> {
            if constexpr (requires { e.incident; }) return e.incident;
            else if constexpr (requires { e.card.incident; }) return e.card.incident;
            else if constexpr (requires { e.escalation.incident; }) return e.escalation.incident;
            else return std::nullopt;
        },
        effect);
}

}  // namespace

std::string outbox_lane(const std::vector<Effect>& effects, std::optional<IncidentId> incident) {
    for (const Effect& effect : effects)
        if (auto named = incident_of(effect)) return to_string(*named);
    return incident ? to_string(*incident) : std::string();
}

PostMessage post_to(const ChannelName& channel, std::string text) {
    return PostMessage{channel, std::nullopt, std::move(text)};
}

PostMessage direct_to(const UserId& user, std::string text) {
    return PostMessage{std::nullopt, user, std::move(text)};
}

}  // namespace warroom
