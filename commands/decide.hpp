#pragma once
// The Crisis Lead's decision on a draft, shared by `approve`, `reject`,
// `changes` and the card's buttons or reactions.
#include <string>

#include "bot/event.hpp"
#include "commands/command.hpp"

namespace warroom {

Outcome decide_draft(Context& ctx, DraftId id, CardDecision decision, const std::string& reason);

// Loads a draft and its incident into the context, or says why not.
std::optional<Outcome> load_draft(Context& ctx, const std::string& word, Draft& draft);

}  // namespace warroom
