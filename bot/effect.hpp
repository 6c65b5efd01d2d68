#pragma once
// Effects: what the core asks an adapter to do on the platform. They are
// platform-neutral; each adapter renders them (Block Kit, Matrix HTML, text).
// Effects are committed to the outbox in the same transaction as the state
// change that caused them, and performed afterwards, in order.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bot/clock.hpp"
#include "bot/draft.hpp"
#include "bot/escalation.hpp"
#include "bot/ids.hpp"

namespace warroom {

struct CreateChannel {
    ChannelName name;
    IncidentId incident;
    bool is_private = true;
    std::string topic;
};

struct InviteUsers {
    ChannelName channel;
    std::vector<UserId> users;
};

// A message from the bot in a channel, or as a direct message to a user.
struct PostMessage {
    std::optional<ChannelName> channel;
    std::optional<UserId> user;        // set when channel is not
    std::string text;                  // plain text; adapters escape it
    bool pin = false;                  // pinned in its channel: the incident header, found at a glance
};

// What an approval card shows. The same struct describes the first card and
// every update of it.
struct Card {
    DraftId draft;
    IncidentId incident;
    std::string incident_title;
    std::string audience;
    std::string audience_channel;
    UserId author;
    std::string text;
    int revision = 1;                  // the revision this card shows: its buttons and reactions decide that one
    DraftState state = DraftState::pending;
    std::optional<UserId> decided_by;
    std::optional<Time> decided_at;
    std::string reason;
    std::optional<UserId> rerouted_to; // set when a handover moved it to another lead
    bool exercise = false;             // a tabletop exercise's draft: shown as such, published only inside it
    // Two-person approval (SPEC.md §3b), for an audience with approvers: who
    // must approve, and who has so far (for this revision).
    UserId lead;                       // the Crisis Lead whose approval is needed
    std::string approvers_group;       // "pr"; empty: the audience needs the lead's approval only
    std::vector<UserId> approvers;     // the group's members, any one of whom approves
    std::optional<UserId> lead_approval;
    std::optional<UserId> approver_approval;
    bool outdated = false;             // a later revision replaced this card's text: it decides nothing
};

struct PostCard {
    UserId to;                         // the Crisis Lead
    Card card;
};

struct UpdateCard {
    UserId to;                         // whose card it is
    Card card;
};

// Publishing an approved draft: performed exactly once; its completion moves
// the draft to `published`.
struct Publish {
    DraftId draft;
    ChannelName channel;
    std::string text;                  // the final text, with incident id and approver
};

// What an escalation card shows: the request and, once decided, the answer.
// Only the listed executives may decide it.
struct EscalationCard {
    EscalationId escalation;
    IncidentId incident;
    std::string incident_title;
    UserId requested_by;
    std::string text;
    std::optional<Time> deadline;
    std::vector<UserId> executives;
    EscalationState state = EscalationState::pending;
    std::optional<UserId> decided_by;
    std::optional<Time> decided_at;
    std::string comment;
    bool exercise = false;             // asked during a tabletop exercise
};

// The request posted in the executives' channel, with Allow / Deny.
struct PostEscalation {
    ChannelName channel;
    EscalationCard card;
};

// The same card, updated in place after the decision.
struct UpdateEscalation {
    ChannelName channel;
    EscalationCard card;
};

// The Crisis Lead role changed hands. Platforms where warroom grants the
// lead rights in each incident channel (Matrix: power level 50, so the lead
// can moderate) move those rights from `from` to `to`.
struct HandOverChannels {
    IncidentId incident;
    std::vector<ChannelName> channels;
    UserId from;
    UserId to;
};

using Effect = std::variant<CreateChannel, InviteUsers, PostMessage, PostCard, UpdateCard, Publish, PostEscalation,
                            UpdateEscalation, HandOverChannels>;

struct OutboxJob {
    OutboxJobId id;
    Effect effect;
    std::string lane;                  // "incident:N", or "" for effects of no incident
};

// The outbox lane of a command's effects: its incident's (from the first
// effect that names one, else `incident`), else "".
std::string outbox_lane(const std::vector<Effect>& effects, std::optional<IncidentId> incident);

// Helpers for the common cases.
PostMessage post_to(const ChannelName& channel, std::string text);
PostMessage direct_to(const UserId& user, std::string text);

}  // namespace warroom
