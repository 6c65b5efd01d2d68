#pragma once
// Paging the pagers the playbook names (PagerDuty services): at declaration
// the incident's severity's "page" list, on a raise what the new severity
// adds, on demand `/incident page NAME`; and resolving them all when the
// incident is resolved. Each pager is triggered once per incident: who was
// paged is read from the incident's audit record ("incident.paged", and
// "incident.page_failed" for a page given up, which may be paged again).
#include <set>
#include <string>

#include "commands/command.hpp"

namespace warroom {

// The pagers paged for the incident and not resolved since.
std::set<std::string> paged_pagers(Context& ctx);

// Pages `pager` about the incident (the Page effect, its audit entry and
// timeline line); `why` says what asked for it ("declared sev1", "requested by @ann").
void page(Context& ctx, const PagerService& pager, const std::string& why);

// Pages what the severity's "page" list names and was not paged yet; returns
// their names, joined ("security-oncall, legal-oncall"), or "".
std::string page_for_severity(Context& ctx, Severity severity);

// Resolves every page of the incident (its status became resolved).
void resolve_pages(Context& ctx);

// The alert's summary, as the responder's phone shows it.
std::string page_summary(const Incident& incident);

}  // namespace warroom
