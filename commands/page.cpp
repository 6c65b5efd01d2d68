// /incident page PAGER [REASON]
#include "commands/authorize.hpp"
#include "commands/command.hpp"
#include "commands/paging.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_lead_or_workstream_lead(ctx, "page a team")) return *refusal;
    if (ctx.playbook.pagers.empty())
        return invalid("the playbook names no pagers; an admin adds them under \"pagers\"");
    if (ctx.args.size() < 1)
        return invalid("name the pager: /incident page security-oncall (one of: " + ctx.playbook.pager_names() + ")");
    const std::string name = ctx.args[0].text;
    const PagerService* pager = ctx.playbook.pager(name);
    if (!pager) return invalid("\"" + name + "\" is not a pager the playbook names; use one of: " +
                               ctx.playbook.pager_names());
    Incident& incident = ctx.the_incident();
    if (!incident.is_open()) return invalid(to_string(incident.id) + " is resolved; nobody is paged for it");
    if (paged_pagers(ctx).contains(name))
        return invalid(name + " was already paged for " + to_string(incident.id) +
                       "; the alert stays open until the incident is resolved");
    const std::string reason = ctx.args.rest(1);
    page(ctx, *pager, "requested by " + mention(ctx.caller) + (reason.empty() ? "" : ": " + reason));
    ctx.post(incident.main_channel().name, mention(ctx.caller) + " paged " + name +
                                               (reason.empty() ? std::string() : ": " + reason));
    return done("Paging " + name + " for " + to_string(incident.id));
}

}  // namespace

extern const CommandSpec page_command{
    "page", "page PAGER [REASON]", "page a team the playbook names (PagerDuty)",
    "The Crisis Lead, or a workstream lead in their workstream's channel, pages one of the playbook's pagers "
    "about the incident. Each pager is paged once per incident (the alert's dedup key is the incident's) and "
    "resolved when the incident is; the severity's own pagers are paged at declaration and when it is raised.",
    IncidentScope::required, run};

}  // namespace warroom
