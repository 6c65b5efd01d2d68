#pragma once
// The executive summary's text, shared by `summary` and the summary cadence.
#include <string>

#include "commands/command.hpp"

namespace warroom {

// Title, severity, status, lead, duration, each workstream's latest update,
// recent decisions and next steps (derived when `next_steps` is empty).
std::string build_summary(const Context& ctx, const std::string& next_steps);

// Why a built summary cannot become a draft (too long for one: many
// workstreams, long updates), in words that say what to do instead; or "".
std::string check_summary_text(const Context& ctx, const std::string& text);

}  // namespace warroom
