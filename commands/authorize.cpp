#include "commands/authorize.hpp"

#include <algorithm>

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

bool is_outsider(const Context& ctx, const UserId& user) {
    return std::find(ctx.outsiders.begin(), ctx.outsiders.end(), user) != ctx.outsiders.end() ||
           ctx.playbook.is_outside_matrix_servers(user);
}

namespace {
constexpr std::string_view kOutsiderRule =
    "guests and people from outside the organisation can take part but cannot declare, lead or approve";
}

std::optional<Outcome> require_insider(const Context& ctx, std::string_view action) {
    if (!is_outsider(ctx, ctx.caller)) return std::nullopt;
    return refused("you cannot " + std::string(action) + ": " + std::string(kOutsiderRule) +
                   "; ask a member of the organisation");
}

std::optional<Outcome> require_insider_for(const Context& ctx, const UserId& user, std::string_view role) {
    if (!is_outsider(ctx, user)) return std::nullopt;
    return refused(mention(user) + " cannot be " + std::string(role) + ": " + std::string(kOutsiderRule) +
                   "; name a member of the organisation");
}

std::optional<Outcome> require_decider(const Context& ctx, const Draft& draft, std::string_view action) {
    const Incident& incident = *ctx.incident;
    const std::vector<UserId>* approvers = ctx.playbook.approvers_of(draft.audience);
    const bool approver =
        approvers && std::find(approvers->begin(), approvers->end(), ctx.caller) != approvers->end();
    if (incident.lead != ctx.caller && !approver) {
        if (!approvers) return require_lead(ctx, action);
        return refused("only the Crisis Lead of " + to_string(incident.id) + " (" + mention(incident.lead) +
                       ") or a member of " + ctx.playbook.audience(draft.audience)->approvers + " (" +
                       mentions(*approvers) + ") can " + std::string(action));
    }
    return require_insider(ctx, action);
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
