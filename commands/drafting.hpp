#pragma once
// Creating a draft and sending its card to the Crisis Lead, shared by
// `draft` and `summary`.
#include <string>

#include "commands/command.hpp"

namespace warroom {

// An error message for text that cannot become a draft, or "".
std::string check_draft_text(const Context& ctx, const std::string& text);

// Why ctx's incident cannot take one more draft waiting for the Crisis Lead
// (kMaxPendingDrafts are waiting already), or "". For draft, summary, the
// summary cadence and revise, which make a draft pending.
std::string check_pending_room(Context& ctx);

// Who must approve a draft for `audience`: "the Crisis Lead (@alice) and one of pr (@pat)".
std::string who_decides(Context& ctx, const std::string& audience);
// Invites the audience's approvers to the incident's main channel, where its cards are.
void invite_approvers(Context& ctx, const std::string& audience);

// Stores a new pending draft of ctx's incident and asks the Crisis Lead to decide it.
Draft submit_draft(Context& ctx, const std::string& audience, const std::string& text, bool is_summary);

}  // namespace warroom
