#pragma once
// An outbound communication and its approval state machine:
//   pending --approve--> approved --(published once)--> published
//   pending --changes--> changes_requested --revise--> pending
//   pending --reject--> rejected      pending --withdraw--> withdrawn
#include <optional>
#include <string>
#include <variant>

#include "bot/clock.hpp"
#include "bot/ids.hpp"

namespace warroom {

enum class DraftState { pending, approved, published, changes_requested, rejected, withdrawn };
enum class DraftAction { approve, request_changes, reject, revise, withdraw, publish };

std::string to_string(DraftState state);
std::optional<DraftState> parse_draft_state(std::string_view text);
std::string to_string(DraftAction action);   // "approve", "request changes", ...

struct Draft {
    DraftId id;
    IncidentId incident;
    std::string audience;              // playbook audience, e.g. "exec"
    UserId author;
    std::string text;                  // exactly what will be published
    DraftState state = DraftState::pending;
    int revision = 1;
    bool is_summary = false;
    Time created_at{};
    UserId routed_to;                  // the Crisis Lead whose card shows it
    std::optional<UserId> decided_by;
    std::optional<Time> decided_at;
    std::string reason;                // for changes and rejections
    std::optional<Time> published_at;
    // The approvals of the current revision so far, for an audience with
    // approvers: published only once both are there. A revision
    // clears them.
    std::optional<UserId> lead_approval;       // who approved as the Crisis Lead
    std::optional<UserId> approver_approval;   // who approved as a member of the audience's approvers
    // Approved, and its delivery to an outside destination failed for good:
    // why (it stays approved; `/incident retry` delivers it again).
    std::string delivery_problem;
};

// The state as people read it: "approved", or "approved, delivery failed: 401 ..." .
std::string describe_state(const Draft& draft);

// A draft at one revision, as card buttons and card references name it:
// "D-3@2". Plain "D-3" (written by versions before revisions were bound to
// cards) reads as revision 1, the only one those cards could be sure of.
struct DraftRevision {
    DraftId draft;
    int revision = 1;
};
std::string to_string(const DraftRevision& card);
std::optional<DraftRevision> parse_draft_revision(std::string_view text);

struct IllegalTransition {
    std::string message;               // says why, in words a user can act on
};

// The state after `action`, or why `action` is not possible from `from`.
std::variant<DraftState, IllegalTransition> next_state(DraftState from, DraftAction action);

}  // namespace warroom
