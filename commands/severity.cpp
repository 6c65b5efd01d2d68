// /incident severity SEV
#include <nlohmann/json.hpp>

#include "commands/authorize.hpp"
#include "commands/cadence.hpp"
#include "commands/channels.hpp"
#include "commands/command.hpp"
#include "commands/paging.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_lead(ctx, "change the severity")) return *refusal;
    if (ctx.args.size() != 1) return invalid("say the new severity: /incident severity sev2");
    auto severity = parse_severity(ctx.args[0].text);
    if (!severity) return invalid("\"" + ctx.args[0].text + "\" is not a severity; use sev1 (most severe) to sev4");
    Incident& incident = ctx.the_incident();
    if (*severity == incident.severity)
        return invalid(to_string(incident.id) + " is already " + to_string(*severity));

    const Severity previous = incident.severity;
    incident.severity = *severity;
    // A raised severity brings in the stakeholders the playbook wants for it.
    std::vector<UserId> stakeholders;
    std::string groups;
    for (const std::string& group : ctx.playbook.policy(*severity).stakeholder_groups) {
        if (!incident.invited_groups.insert(group).second) continue;
        groups += (groups.empty() ? "" : ", ") + group;
        if (const auto* members = ctx.playbook.group(group))
            stakeholders.insert(stakeholders.end(), members->begin(), members->end());
    }
    invite_to(ctx, incident.main_channel().name, stakeholders);
    ctx.tx.save(incident);
    // The new severity's rhythm replaces the old one where the playbook sets one.
    std::string rhythm;
    std::string paged;
    if (incident.is_open()) {
        paged = page_for_severity(ctx, *severity);   // what the new severity pages and nobody paged yet
        start_default_cadences(ctx);
        if (const std::string cadences = describe(ctx.playbook.policy(*severity).cadence); !cadences.empty())
            rhythm = "; rhythm now " + cadences;
    }
    ctx.audit("incident.severity", {{"from", to_string(previous)}, {"to", to_string(*severity)}});
    ctx.record(EntryKind::severity, "severity " + to_string(previous) + " → " + to_string(*severity) +
                                        (groups.empty() ? std::string() : "; stakeholders invited: " + groups));
    ctx.post(incident.main_channel().name, mention(ctx.caller) + " changed the severity of " + to_string(incident.id) +
                                               " from " + to_string(previous) + " to " + to_string(*severity) +
                                               (groups.empty() ? std::string() : "; invited " + groups) +
                                               (paged.empty() ? std::string() : "; paged " + paged) + rhythm);
    return done(to_string(incident.id) + " is now " + to_string(*severity));
}

}  // namespace

extern const CommandSpec severity_command{
    "severity", "severity SEV", "change the severity (sev1..sev4)",
    "Raising it invites the stakeholder groups the playbook names for the new severity; the sync and summary "
    "cadences the playbook sets for it replace the current ones.",
    IncidentScope::required, run};

}  // namespace warroom
