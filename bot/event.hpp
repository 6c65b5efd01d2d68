#pragma once
// A platform-neutral inbound event: someone typed a command somewhere,
// clicked/reacted on an approval card, or left a channel.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bot/ids.hpp"

namespace warroom {

struct CommandText {
    std::string text;                  // the whole line, "/incident declare sev1 ..."
};

enum class CardDecision { approve, request_changes, reject };

struct CardAction {
    DraftId draft;
    CardDecision decision = CardDecision::approve;
    std::string reason;                // may be empty for buttons and reactions
    // The revision the card showed: a decision on an older one is refused.
    // Cards of earlier versions carry none and showed revision 1.
    int revision = 1;
};

// An executive's answer to an escalation request, from a card button.
struct EscalationAnswer {
    EscalationId escalation;
    bool allow = false;
    std::string comment;
};

// Someone left a channel, or was removed from it (Event::user is who,
// Event::channel where). The platforms report it for every channel the bot is
// in; the engine acts only on an incident's channels (commands/membership.cpp).
struct MembershipLeft {
    std::optional<UserId> removed_by;  // who removed them, when the platform says (a Matrix kick or ban)
};

struct Event {
    EventId id;                        // platforms redeliver; a repeated id is ignored
    UserId user;
    ChannelName channel;               // where it was typed ("" for a direct message)
    std::variant<CommandText, CardAction, EscalationAnswer, MembershipLeft> what;
    std::string user_name{};           // the name the platform shows for them, when it says (audit record)
    // Who among the caller and the people the command names the adapter knows
    // to be a guest or from outside the organisation (Slack guests and Slack
    // Connect users): they cannot declare, lead or approve.
    std::vector<UserId> outsiders{};
};

}  // namespace warroom
