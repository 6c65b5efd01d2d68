#include "bot/effect.hpp"

#include <utility>

namespace warroom {

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

bool is_outside(const Effect& effect) {
    return std::holds_alternative<Deliver>(effect) || std::holds_alternative<ResolveStatusPage>(effect) ||
           std::holds_alternative<Page>(effect);
}

std::string outbox_lane(const Effect& effect, const std::string& chat_lane) {
    if (const auto* deliver = std::get_if<Deliver>(&effect))
        return to_string(deliver->incident) + " audience:" + deliver->audience;
    if (const auto* resolve = std::get_if<ResolveStatusPage>(&effect))
        return to_string(resolve->incident) + " audience:" + resolve->audience;
    if (const auto* page = std::get_if<Page>(&effect)) return to_string(page->incident) + " pager:" + page->pager;
    return chat_lane;
}

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
