#pragma once
// The approval card (effect Card) and the escalation card (EscalationCard) as
// Matrix notices, decided by reactions. The same function renders the first
// card and every later state; after a decision the adapter sends an edit
// (m.replace) of the original card event, so the card changes in place. The
// words are the core's (bot/card_text.hpp); this lays them out as a plain body
// and Matrix HTML.
//
// Each card carries "org.warroom.card" naming its draft or escalation and
// incident, so the adapter can recognise its own cards in a room's history
// (e.g. to rebuild its card index after losing it).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bot/effect.hpp"
#include "bot/event.hpp"

namespace warroom::matrix {

inline constexpr std::string_view kCardKey = "org.warroom.card";

// The reaction keys warroom offers. Clients send them with or without the
// emoji variation selector U+FE0F; both are accepted (see decision_from_reaction).
inline constexpr std::string_view kApproveKey = "\xE2\x9C\x85";            // ✅ U+2705
inline constexpr std::string_view kChangesKey = "\xE2\x9C\x8F\xEF\xB8\x8F";  // ✏️ U+270F U+FE0F
inline constexpr std::string_view kRejectKey = "\xE2\x9D\x8C";             // ❌ U+274C
inline constexpr std::string_view kAllowKey = kApproveKey;
inline constexpr std::string_view kDenyKey = kRejectKey;

// Exactly ✅ ✏️ ❌ (each with or without U+FE0F) decide a draft; any other
// reaction (👍, ✔️, a typo) is not a decision, so a casual reaction never
// approves a message to customers.
std::optional<CardDecision> decision_from_reaction(std::string_view key);
// ✅ allows and ❌ denies an escalation; anything else is not an answer.
std::optional<bool> escalation_answer_from_reaction(std::string_view key);

// The m.notice content of an approval card in its current state.
nlohmann::json approval_card_content(const Card& card);
// The edit that replaces the card sent earlier as `original_event_id`.
nlohmann::json approval_card_edit(const Card& card, std::string_view original_event_id);

nlohmann::json escalation_card_content(const EscalationCard& card);
nlohmann::json escalation_card_edit(const EscalationCard& card, std::string_view original_event_id);

// The edit content for any new content: "* " + body as the fallback for
// clients without edits, the new content in m.new_content.
nlohmann::json edit_content(const nlohmann::json& new_content, std::string_view original_event_id);

}  // namespace warroom::matrix
