// /incident status STATE
#include <nlohmann/json.hpp>

#include "commands/authorize.hpp"
#include "commands/cadence.hpp"
#include "commands/command.hpp"
#include "commands/paging.hpp"

#include <algorithm>

namespace warroom {
namespace {

// The pages are resolved, and so is the incident on every status page
// warroom told of it (after its texts, in that audience's lane).
void resolve_outside(Context& ctx) {
    resolve_pages(ctx);
    const std::vector<Draft> drafts = ctx.tx.drafts(ctx.the_incident().id);
    for (const auto& [audience_name, audience] : ctx.playbook.audiences) {
        if (!audience.outside || !std::holds_alternative<StatuspageDestination>(*audience.outside)) continue;
        const std::string& name = audience_name;   // clang 14 cannot capture a structured binding
        const bool told = std::any_of(drafts.begin(), drafts.end(), [&](const Draft& draft) {
            return draft.audience == name &&
                   (draft.state == DraftState::approved || draft.state == DraftState::published);
        });
        if (told) ctx.effects.push_back(ResolveStatusPage{ctx.the_incident().id, name, describe(*audience.outside)});
    }
}

Outcome run(Context& ctx) {
    if (auto refusal = require_lead(ctx, "change the status")) return *refusal;
    if (ctx.args.size() != 1)
        return invalid("say the new status: /incident status mitigating (investigating, mitigating, mitigated, "
                       "resolved)");
    auto status = parse_status(ctx.args[0].text);
    if (!status)
        return invalid("\"" + ctx.args[0].text +
                       "\" is not a status; use investigating, mitigating, mitigated or resolved");
    Incident& incident = ctx.the_incident();
    if (*status == incident.status) return invalid(to_string(incident.id) + " is already " + to_string(*status));

    const Status previous = incident.status;
    incident.status = *status;
    if (*status == Status::resolved) incident.resolved_at = ctx.now;
    else incident.resolved_at.reset();   // reopened
    ctx.tx.save(incident);
    ctx.audit("incident.status", {{"from", to_string(previous)}, {"to", to_string(*status)}});
    ctx.record(EntryKind::status, "status " + to_string(previous) + " → " + to_string(*status));
    // A resolved incident keeps no rhythm; a reopened one gets its playbook rhythm back.
    if (*status == Status::resolved) {
        stop_all_schedules(ctx);
        resolve_outside(ctx);
    }
    else if (previous == Status::resolved) start_default_cadences(ctx);
    ctx.post(incident.main_channel().name, mention(ctx.caller) + " set the status of " + to_string(incident.id) +
                                               " to " + to_string(*status) + " (was " + to_string(previous) + ")");
    if (*status == Status::resolved) anchor_audit_record(ctx);
    return done(to_string(incident.id) + " is now " + to_string(*status));
}

}  // namespace

extern const CommandSpec status_command{
    "status", "status STATE", "set the status: investigating, mitigating, mitigated, resolved", "",
    IncidentScope::required, run};

}  // namespace warroom
