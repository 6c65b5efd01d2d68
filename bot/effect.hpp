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
#include "bot/severity.hpp"

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

// How a message's text is written, and so how an adapter shows it.
enum class TextFormat {
    plain,      // plain text: adapters escape it
    // CommonMark whose user text is already made inert (markdown_text,
    // bot/safe_text.hpp): the post-incident review. Adapters render it as the
    // platform's own formatting (Matrix HTML, Slack mrkdwn); a terminal shows
    // the Markdown as it is.
    markdown,
};

// A message from the bot in a channel, or as a direct message to a user.
struct PostMessage {
    std::optional<ChannelName> channel;
    std::optional<UserId> user;        // set when channel is not
    std::string text;                  // plain text, unless format says otherwise
    bool pin = false;                  // pinned in its channel: the incident header, found at a glance
    TextFormat format = TextFormat::plain;
};

// What an approval card shows. The same struct describes the first card and
// every update of it.
struct Card {
    DraftId draft;
    IncidentId incident;
    std::string incident_title;
    std::string audience;
    std::string audience_channel;
    // Where an approved text goes, in words, when it is not the audience's
    // chat channel: "status page 'Acme Status', as an update to the incident".
    // Empty for a chat audience (audience_channel says it).
    std::string destination;
    UserId author;
    std::string text;
    int revision = 1;                  // the revision this card shows: its buttons and reactions decide that one
    DraftState state = DraftState::pending;
    std::optional<UserId> decided_by;
    std::optional<Time> decided_at;
    std::string reason;
    std::optional<UserId> rerouted_to; // set when a handover moved it to another lead
    bool exercise = false;             // a tabletop exercise's draft: shown as such, published only inside it
    // Two-person approval, for an audience with approvers: who
    // must approve, and who has so far (for this revision).
    UserId lead;                       // the Crisis Lead whose approval is needed
    std::string approvers_group;       // "pr"; empty: the audience needs the lead's approval only
    std::vector<UserId> approvers;     // the group's members, any one of whom approves
    std::optional<UserId> lead_approval;
    std::optional<UserId> approver_approval;
    bool outdated = false;             // a later revision replaced this card's text: it decides nothing
    std::string delivery_problem;      // approved, and its delivery failed for good: why (Draft::delivery_problem)
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

// Delivering an approved draft to an audience that is not a chat channel (a
// webhook, a status page, an e-mail list; the playbook's audience says where,
// looked up when it is performed, so no secret is ever stored here). Performed
// once; its completion moves the draft to `published`.
struct Deliver {
    DraftId draft;
    int revision = 1;
    IncidentId incident;
    std::string incident_title;
    Severity severity = Severity::sev4;
    Status status = Status::investigating;   // the incident's, when approved: a status page incident's status
    std::string audience;
    std::string destination;           // where, in words, when approved: "status page 'Acme Status'"
    std::string text;                  // the final text, exactly as approved
    UserId author;
    UserId approver;                   // whose approval completed it
    Time drafted_at{};
    Time approved_at{};
};

// A status page incident resolved with warroom's, with no text of its own
// (nothing unapproved leaves): after every delivery to that audience.
struct ResolveStatusPage {
    IncidentId incident;
    std::string audience;
    std::string destination;           // "status page 'Acme Status'"
};

enum class PageAction { trigger, resolve };

// Paging a pager from the playbook about an incident (PagerDuty Events v2):
// triggered once per incident and pager (the dedup key is the incident's),
// resolved when the incident is.
struct Page {
    IncidentId incident;
    std::string pager;                 // the playbook's name for it
    PageAction action = PageAction::trigger;
    Severity severity = Severity::sev4;
    std::string summary;               // what the responder's phone shows
};

using Effect = std::variant<CreateChannel, InviteUsers, PostMessage, PostCard, UpdateCard, Publish, PostEscalation,
                            UpdateEscalation, HandOverChannels, Deliver, ResolveStatusPage, Page>;

// Whether the effect leaves the chat platform (a webhook, status page, e-mail
// or pager): performed by the outside destinations, in a lane of its own, and
// given up on (the Crisis Lead told) when it cannot be done in time.
bool is_outside(const Effect& effect);

// The incident an effect is about, if any.
std::optional<IncidentId> incident_of(const Effect& effect);

struct OutboxJob {
    OutboxJobId id;
    Effect effect;
    std::string lane;                  // "incident:N", or "" for effects of no incident
};

// The outbox lane of a command's chat effects: its incident's (from the first
// effect that names one, else `incident`), else "".
std::string outbox_lane(const std::vector<Effect>& effects, std::optional<IncidentId> incident);

// The lane of one effect of a command whose chat effects go to `chat_lane`:
// that lane for a chat effect; for an outside one, a lane of its own per
// incident and destination ("INC-3 audience:status", "INC-3 pager:security"),
// so that a destination that is down holds up nothing but itself, and its
// texts still arrive in order.
std::string outbox_lane(const Effect& effect, const std::string& chat_lane);

// Helpers for the common cases.
PostMessage post_to(const ChannelName& channel, std::string text);
PostMessage direct_to(const UserId& user, std::string text);

}  // namespace warroom
