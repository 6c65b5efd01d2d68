#include "commands/authorize.hpp"

namespace warroom {

std::optional<Outcome> require_member(const Context& ctx, std::string_view action) {
    const Incident& incident = *ctx.incident;
    if (incident.lead == ctx.caller || incident.is_member(ctx.caller)) return std::nullopt;
    return refused("you are not in any channel of " + to_string(incident.id) + ", so you cannot " +
                   std::string(action) + "; ask the Crisis Lead (" + mention(incident.lead) +
                   ") to add you: /incident " + to_string(incident.id) + " invite " + mention(ctx.caller));
}

std::optional<Outcome> require_lead(const Context& ctx, std::string_view action) {
    const Incident& incident = *ctx.incident;
    if (incident.lead == ctx.caller) return std::nullopt;
    std::string message = "only the Crisis Lead of " + to_string(incident.id) + " (" + mention(incident.lead) +
                          ") can " + std::string(action);
    if (incident.nominee && *incident.nominee == ctx.caller)
        message += "; you were nominated: accept the role first with /incident " + to_string(incident.id) +
                   " lead accept";
    return refused(message);
}

std::optional<Outcome> require_lead_or_workstream_lead(const Context& ctx, std::string_view action) {
    const Incident& incident = *ctx.incident;
    if (incident.lead == ctx.caller) return std::nullopt;
    const Workstream* workstream = incident.workstream_of(ctx.channel);
    if (workstream && workstream->lead && *workstream->lead == ctx.caller) return std::nullopt;
    std::string message = "only the Crisis Lead of " + to_string(incident.id) + " (" + mention(incident.lead) +
                          ")";
    message += workstream ? ", or the lead of workstream " + workstream->name + ","
                          : " or a workstream lead in their workstream's channel";
    return refused(message + " can " + std::string(action));
}

}  // namespace warroom
