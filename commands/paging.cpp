#include "commands/paging.hpp"

#include <nlohmann/json.hpp>

namespace warroom {

std::set<std::string> paged_pagers(Context& ctx) {
    std::set<std::string> paged;
    for (const AuditEntry& entry : ctx.tx.audit_entries(ctx.the_incident().id)) {
        if (entry.kind != "incident.paged" && entry.kind != "incident.pages_resolved" &&
            entry.kind != "incident.page_failed")
            continue;
        const auto facts = nlohmann::json::parse(entry.facts, nullptr, false);
        if (facts.is_discarded()) continue;
        if (entry.kind == "incident.pages_resolved") {
            paged.clear();
        } else if (facts.contains("pager") && facts["pager"].is_string()) {
            // A page given up never reached anyone: it may be paged again.
            if (entry.kind == "incident.paged") paged.insert(facts["pager"].get<std::string>());
            else paged.erase(facts["pager"].get<std::string>());
        }
    }
    return paged;
}

std::string page_summary(const Incident& incident) {
    return "[" + to_string(incident.severity) + "] " + to_string(incident.id) + ": " + incident.title +
           " (join " + to_string(incident.main_channel().name) + ")";
}

void page(Context& ctx, const PagerService& pager, const std::string& why) {
    const Incident& incident = ctx.the_incident();
    ctx.effects.push_back(Page{incident.id, pager.name, PageAction::trigger, incident.severity, page_summary(incident)});
    ctx.audit("incident.paged", {{"pager", pager.name}, {"why", why}});
    ctx.record(EntryKind::invite, "paged " + pager.name + " (" + why + ")");
}

std::string page_for_severity(Context& ctx, Severity severity) {
    if (ctx.playbook.policy(severity).page.empty()) return {};   // most severities page nobody: no record to read
    const std::set<std::string> already = paged_pagers(ctx);
    std::string names;
    for (const std::string& name : ctx.playbook.policy(severity).page) {
        const PagerService* pager = ctx.playbook.pager(name);
        if (!pager || already.contains(name)) continue;
        page(ctx, *pager, to_string(severity) + " pages it");
        names += (names.empty() ? "" : ", ") + name;
    }
    return names;
}

void resolve_pages(Context& ctx) {
    if (ctx.playbook.pagers.empty()) return;
    const std::set<std::string> paged = paged_pagers(ctx);
    if (paged.empty()) return;
    const Incident& incident = ctx.the_incident();
    nlohmann::json names = nlohmann::json::array();
    for (const std::string& name : paged) {
        ctx.effects.push_back(Page{incident.id, name, PageAction::resolve, incident.severity, {}});
        names.push_back(name);
    }
    ctx.audit("incident.pages_resolved", {{"pagers", names}});
}

}  // namespace warroom
