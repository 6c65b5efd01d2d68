#pragma once
// The Crisis Lead's decision on a draft, shared by `approve`, `reject`,
// `changes` and the card's buttons or reactions.
#include <optional>
#include <string>

#include "bot/event.hpp"
#include "commands/command.hpp"

namespace warroom {

// `revision`: the one the caller saw (a card's, or --revision); nullopt: the current one.
Outcome decide_draft(Context& ctx, DraftId id, CardDecision decision, const std::string& reason,
                     std::optional<int> revision = std::nullopt);

// Takes "--revision N" from the arguments: the revision the caller decides
// (as their card shows it). nullopt in `revision` when not given; an Outcome
// when N is not a revision number.
std::optional<Outcome> take_revision_option(Context& ctx, std::optional<int>& revision);

// The delivery of an approved draft to its outside audience (a webhook, a
// status page, an e-mail list): the text exactly as approved, no chat markup.
Deliver delivery_of(const Draft& draft, const Incident& incident, const Audience& audience, Context& ctx);

// Loads a draft and its incident into the context, or says why not.
std::optional<Outcome> load_draft(Context& ctx, const std::string& word, Draft& draft);

}  // namespace warroom
