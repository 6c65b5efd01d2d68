#include "adapters/slack/block_kit.hpp"

#include <vector>

#include "adapters/slack/mrkdwn.hpp"
#include "bot/channel_pin.hpp"
#include "bot/text.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

json plain(std::string_view text) { return {{"type", "plain_text"}, {"text", std::string(text)}, {"emoji", true}}; }
// verbatim: Slack shows the text as written instead of linking names, #channels and URLs it finds in
// it. Cards carry user text (titles, drafts, reasons, comments), and every link warroom means (a
// mention, a channel) is written as markup, which verbatim leaves live.
json mrkdwn(std::string text) { return {{"type", "mrkdwn"}, {"text", std::move(text)}, {"verbatim", true}}; }

// Header text is plain_text and holds only ids and fixed words, never user
// text, so nothing in it needs escaping.
json header(const std::string& text) {
    return {{"type", "header"}, {"text", plain(truncate_utf8(text, kMaxHeaderText))}};
}

json field(std::string_view label, std::string_view value_mrkdwn) {
    return mrkdwn("*" + std::string(label) + "*\n" + std::string(value_mrkdwn));
}

json fields_section(std::vector<json> fields) { return {{"type", "section"}, {"fields", std::move(fields)}}; }

json text_section(std::string text_mrkdwn) { return {{"type", "section"}, {"text", mrkdwn(std::move(text_mrkdwn))}}; }

json context(std::string text_mrkdwn) { return {{"type", "context"}, {"elements", json::array({mrkdwn(std::move(text_mrkdwn))})}}; }

json button(std::string_view label, std::string_view action_id, const std::string& value, std::string_view style) {
    json b = {{"type", "button"}, {"text", plain(label)}, {"action_id", std::string(action_id)}, {"value", value}};
    if (!style.empty()) b["style"] = std::string(style);
    return b;
}

std::string exercise_mark(bool exercise) { return exercise ? "[EXERCISE] " : ""; }

std::string incident_label(IncidentId id, std::string_view title) {
    return escape_mrkdwn(to_string(id)) + (title.empty() ? std::string() : " · " + escape_mrkdwn_truncated(title, kMaxFieldText - 32));
}

std::string by_when(const std::optional<UserId>& by, const std::optional<Time>& at) {
    return (by ? " by " + user_mention(*by) : std::string()) + (at ? " at " + format_utc(*at) : std::string());
}

// Appends the text as sections of at most kMaxSectionText each, leaving room
// for `reserved` blocks after them. Beyond the 50-block cap the rest is cut,
// and a note says so rather than Slack refusing the whole card.
void append_text(json& blocks, std::string_view raw, std::size_t reserved) {
    const std::vector<std::string> pieces = split_mrkdwn(escape_mrkdwn(raw), kMaxSectionText);
    const std::size_t room = kMaxBlocks - std::min(kMaxBlocks, blocks.size() + reserved);
    if (pieces.size() <= room) {
        for (const std::string& piece : pieces) blocks.push_back(text_section(piece));
        return;
    }
    const std::size_t shown = room > 0 ? room - 1 : 0;
    std::size_t hidden_bytes = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i < shown)
            blocks.push_back(text_section(pieces[i]));
        else
            hidden_bytes += pieces[i].size();
    }
    if (room > 0)
        blocks.push_back(context(":scissors: Slack shows at most " + std::to_string(kMaxBlocks) + " blocks: the last " +
                                 std::to_string(pieces.size() - shown) + " part(s) (about " + std::to_string(hidden_bytes) +
                                 " characters) are not shown on this card. They are published as written."));
}

// A channel pinned by its Slack id is a link, which Slack shows under the channel's current name; a
// name (the console's, an exercise's stand-in) stays text.
std::string destination_shown(const std::string& channel) {
    const ChannelName destination{channel};
    if (is_slack_channel_id(destination.value())) return channel_reference(destination, SlackChannelId{channel});
    return escape_mrkdwn_truncated(to_string(destination), 200);
}

// "@pat (pr)", or "one of pr: @pat, @quinn" while nobody of the group approved.
std::string approvers_line(const Card& card) {
    std::string members;
    for (const UserId& user : card.approvers) members += (members.empty() ? "" : ", ") + user_mention(user);
    return "one of " + escape_mrkdwn_truncated(card.approvers_group, 100) + ": " + members;
}

}  // namespace

std::string approval_needs(const Card& card) {
    if (card.approvers_group.empty()) return {};
    const std::string lead = card.lead_approval ? ":white_check_mark: the Crisis Lead " + user_mention(*card.lead_approval) + " approved"
                                                : ":hourglass: needs the Crisis Lead " + user_mention(card.lead);
    const std::string approver = card.approver_approval ? ":white_check_mark: " + user_mention(*card.approver_approval) + " (" +
                                                              escape_mrkdwn_truncated(card.approvers_group, 100) + ") approved"
                                                        : ":hourglass: needs " + approvers_line(card);
    return "Two approvals: " + lead + " · " + approver;
}

std::string approval_outcome(const Card& card) {
    if (card.outdated)
        return ":warning: *Outdated*: " + to_string(card.draft) + " was revised after this card (revision " +
               std::to_string(card.revision) + "). It decides nothing: decide on the card of the new revision.";
    if (card.rerouted_to)
        return ":arrow_right: *Moved* to " + user_mention(*card.rerouted_to) + ", the new Crisis Lead, who decides it now.";
    const std::string who = by_when(card.decided_by, card.decided_at);
    const std::string because = card.reason.empty() ? std::string() : "\n*Reason:* " + escape_mrkdwn_truncated(card.reason, kMaxSectionText - 200);
    switch (card.state) {
        case DraftState::pending:
            return card.approvers_group.empty() ? ":hourglass: Waiting for the Crisis Lead's decision."
                                                : ":hourglass: Waiting. " + approval_needs(card);
        case DraftState::approved: return ":white_check_mark: *Approved*" + who + because;
        case DraftState::published: return ":white_check_mark: *Approved and published*" + who + because;
        case DraftState::changes_requested: return ":pencil2: *Changes requested*" + who + because;
        case DraftState::rejected: return ":x: *Rejected*" + who + because;
        case DraftState::withdrawn: return ":wastebasket: *Withdrawn* by its author." + because;
    }
    return "";
}

nlohmann::json approval_card_blocks(const Card& card) {
    const std::string draft = to_string(card.draft);
    json blocks = json::array();
    blocks.push_back(header(exercise_mark(card.exercise) + (card.outdated ? "Outdated · " : "Approval needed · ") + draft +
                            " revision " + std::to_string(card.revision)));
    if (card.exercise) blocks.push_back(context(":performing_arts: *EXERCISE* — a tabletop drill; nothing is published outside it."));
    std::string audience = escape_mrkdwn_truncated(card.audience, 200);
    if (!card.audience_channel.empty()) audience += " → " + destination_shown(card.audience_channel);
    blocks.push_back(fields_section({field("Incident", incident_label(card.incident, card.incident_title)),
                                     field("Audience", audience), field("Author", user_mention(card.author)),
                                     field("Revision", std::to_string(card.revision))}));
    blocks.push_back(context("Exactly as it will be published:"));
    const bool live = card.state == DraftState::pending && !card.rerouted_to && !card.outdated;
    // Room after the text for the buttons (and the approvals line), or the divider and the outcome.
    append_text(blocks, card.text, live && card.approvers_group.empty() ? 1 : 2);
    if (live) {
        // The buttons carry the revision shown: a click after a revision is refused (SPEC.md §4).
        const std::string value = to_string(DraftRevision{card.draft, card.revision});
        if (!card.approvers_group.empty())
            blocks.push_back(context(approval_needs(card) + "\nBy command: `/incident approve " + draft +
                                     " --revision " + std::to_string(card.revision) + "`"));
        blocks.push_back({{"type", "actions"},
                          {"block_id", "warroom.approval." + draft + "." + std::to_string(card.revision)},
                          {"elements", json::array({button("Approve", kApproveAction, value, "primary"),
                                                    button("Request changes", kChangesAction, value, ""),
                                                    button("Reject", kRejectAction, value, "danger")})}});
    } else {
        blocks.push_back({{"type", "divider"}});
        blocks.push_back(text_section(approval_outcome(card)));
    }
    return blocks;
}

std::string approval_card_fallback(const Card& card) {
    const std::string subject = exercise_mark(card.exercise) + to_string(card.draft) + " for " +
                                escape_mrkdwn_truncated(card.audience, 200) + " (" + to_string(card.incident) + ")";
    if (card.state == DraftState::pending && !card.rerouted_to && !card.outdated) return "Approval needed: " + subject;
    return subject + ": " + approval_outcome(card);
}

std::string escalation_outcome(const EscalationCard& card) {
    const std::string who = by_when(card.decided_by, card.decided_at);
    const std::string comment = card.comment.empty() ? std::string() : "\n*Comment:* " + escape_mrkdwn_truncated(card.comment, kMaxSectionText - 200);
    switch (card.state) {
        case EscalationState::pending: return ":hourglass: Waiting for an executive.";
        case EscalationState::allowed: return ":white_check_mark: *Allowed*" + who + comment;
        case EscalationState::denied: return ":no_entry: *Denied*" + who + comment;
    }
    return "";
}

nlohmann::json escalation_card_blocks(const EscalationCard& card) {
    const std::string id = to_string(card.escalation);
    json blocks = json::array();
    blocks.push_back(header(exercise_mark(card.exercise) + "Escalation · " + id));
    if (card.exercise) blocks.push_back(context(":performing_arts: *EXERCISE* — a tabletop drill, not a real request."));
    // Whole mentions only: cutting one in half would leave broken markup.
    std::string deciders;
    std::size_t listed = 0;
    for (const UserId& executive : card.executives) {
        const std::string next = user_mention(executive);
        if (deciders.size() + next.size() + 64 > kMaxFieldText) break;
        deciders += (deciders.empty() ? "" : ", ") + next;
        ++listed;
    }
    if (listed < card.executives.size()) deciders += " and " + std::to_string(card.executives.size() - listed) + " more";
    if (card.executives.empty()) deciders = "no executives named — add them to the playbook";
    blocks.push_back(fields_section({field("Incident", incident_label(card.incident, card.incident_title)),
                                     field("Asked by", user_mention(card.requested_by)),
                                     field("Answer by", card.deadline ? format_utc(*card.deadline) : "no deadline"),
                                     field("Who may decide", deciders)}));
    const bool live = card.state == EscalationState::pending;
    append_text(blocks, card.text, live ? 1 : 2);
    if (live) {
        blocks.push_back({{"type", "actions"},
                          {"block_id", "warroom.escalation." + id},
                          {"elements", json::array({button("Allow", kAllowAction, id, "primary"),
                                                    button("Deny", kDenyAction, id, "danger")})}});
    } else {
        blocks.push_back({{"type", "divider"}});
        blocks.push_back(text_section(escalation_outcome(card)));
    }
    return blocks;
}

std::string escalation_card_fallback(const EscalationCard& card) {
    const std::string subject = exercise_mark(card.exercise) + "Escalation " + to_string(card.escalation) + " (" + to_string(card.incident) + ")";
    if (card.state == EscalationState::pending) return subject + " needs an executive's answer";
    return subject + ": " + escalation_outcome(card);
}

}  // namespace warroom::slack
