#pragma once
// Who may do what. Each check returns the refusal to give, or
// nothing when the caller may go ahead.
#include <optional>
#include <string_view>

#include "bot/draft.hpp"
#include "commands/command.hpp"

namespace warroom {

// Members of any of the incident's channels (and its Crisis Lead).
std::optional<Outcome> require_member(const Context& ctx, std::string_view action);
// The incident's current Crisis Lead only.
std::optional<Outcome> require_lead(const Context& ctx, std::string_view action);
// Whether `user` is a guest or from outside the organisation:
// as the adapter said (Event::outsiders), or a Matrix id of a server the
// playbook does not list.
bool is_outsider(const Context& ctx, const UserId& user);
// Refuses `action` (declare, lead, approve...) to an outsider caller.
std::optional<Outcome> require_insider(const Context& ctx, std::string_view action);
// Refuses to make an outsider `role` (the Crisis Lead) of an incident.
std::optional<Outcome> require_insider_for(const Context& ctx, const UserId& user, std::string_view role);
// Who may decide a draft: the Crisis Lead or, for an audience with approvers,
// a member of that group; never an outsider.
std::optional<Outcome> require_decider(const Context& ctx, const Draft& draft, std::string_view action);

// The Crisis Lead, or a workstream lead typing in their own workstream's channel.
std::optional<Outcome> require_lead_or_workstream_lead(const Context& ctx, std::string_view action);

}  // namespace warroom
