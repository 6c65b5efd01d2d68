#pragma once
// Who may do what (SPEC.md §3b). Each check returns the refusal to give, or
// nothing when the caller may go ahead.
#include <optional>
#include <string_view>

#include "commands/command.hpp"

namespace warroom {

// Members of any of the incident's channels (and its Crisis Lead).
std::optional<Outcome> require_member(const Context& ctx, std::string_view action);
// The incident's current Crisis Lead only.
std::optional<Outcome> require_lead(const Context& ctx, std::string_view action);
// The Crisis Lead, or a workstream lead typing in their own workstream's channel.
std::optional<Outcome> require_lead_or_workstream_lead(const Context& ctx, std::string_view action);

}  // namespace warroom
