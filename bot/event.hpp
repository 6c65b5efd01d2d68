#pragma once
// A platform-neutral inbound event: someone typed a command somewhere, or
// clicked/reacted on an approval card.
#include <string>
#include <variant>

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
};

// An executive's answer to an escalation request, from a card button.
struct EscalationAnswer {
    EscalationId escalation;
    bool allow = false;
    std::string comment;
};

struct Event {
    EventId id;                        // platforms redeliver; a repeated id is ignored
    UserId user;
    ChannelName channel;               // where it was typed ("" for a direct message)
    std::variant<CommandText, CardAction, EscalationAnswer> what;
    std::string user_name;             // the name the platform shows for them, when it says (audit record)
};

}  // namespace warroom
