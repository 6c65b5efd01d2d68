#pragma once
// Block Kit for the two interactive cards: the approval card a Crisis Lead
// decides (effect Card) and the escalation card executives decide
// (EscalationCard). The same function renders the first card and every update;
// buttons appear only while the card is pending. The words are the core's
// (bot/card_text.hpp); this lays them out as blocks and writes them as mrkdwn.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bot/effect.hpp"

namespace warroom::slack {

// Slack's limits for a message's blocks.
inline constexpr std::size_t kMaxBlocks = 50;
inline constexpr std::size_t kMaxSectionText = 3000;
inline constexpr std::size_t kMaxFieldText = 2000;
inline constexpr std::size_t kMaxHeaderText = 150;

// The action_id of each button; the interactive handler maps them back. The
// button's value is the draft (`D-N`) or escalation (`E-N`) id.
inline constexpr std::string_view kApproveAction = "warroom.approve";
inline constexpr std::string_view kChangesAction = "warroom.changes";
inline constexpr std::string_view kRejectAction = "warroom.reject";
inline constexpr std::string_view kAllowAction = "warroom.allow";
inline constexpr std::string_view kDenyAction = "warroom.deny";

// The blocks array of an approval card (at most kMaxBlocks).
nlohmann::json approval_card_blocks(const Card& card);
// The message's `text`: what notifications and screen readers show.
std::string approval_card_fallback(const Card& card);

// The blocks array of an escalation card (at most kMaxBlocks).
nlohmann::json escalation_card_blocks(const EscalationCard& card);
std::string escalation_card_fallback(const EscalationCard& card);

// Where the card stands, in mrkdwn (the core's status lines, bot/card_text.hpp), e.g.
// ":x: *Rejected* by <@U1> at 2026-11-29 01:56 UTC\n*Reason:* …".
std::string approval_outcome(const Card& card);
std::string escalation_outcome(const EscalationCard& card);

}  // namespace warroom::slack
