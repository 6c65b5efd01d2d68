#include "adapters/matrix/matrix_cards.hpp"

#include <vector>

#include "adapters/matrix/matrix_html.hpp"
#include "bot/text.hpp"

namespace warroom::matrix {
namespace {

using nlohmann::json;

constexpr std::string_view kVariationSelector = "\xEF\xB8\x8F";   // U+FE0F

// The key without one trailing U+FE0F: "✏️" and "✏" are the same reaction.
std::string_view without_variation_selector(std::string_view key) {
    if (key.size() > kVariationSelector.size() && key.ends_with(kVariationSelector))
        key.remove_suffix(kVariationSelector.size());
    return key;
}

// A card's text, cut when far larger than the core ever allows, so the card
// event always fits in Matrix's 65,536 bytes even when escaped.
constexpr std::size_t kMaxCardTextBytes = 6000;

// One card as parallel plain and HTML lines: body is what clients without
// HTML show, formatted_body what the rest show. User text is escaped in HTML
// and exact in body.
struct CardText {
    std::string body;
    std::string html;

    void line(std::string_view plain, std::string_view html_line) {
        if (!body.empty()) {
            body += "\n";
            html += "<br>";
        }
        body += plain;
        html += html_line;
    }
    // A labelled value, e.g. "Author: @alice:example.org".
    void field(std::string_view label, std::string_view value, std::string_view value_html) {
        line(std::string(label) + ": " + std::string(value),
             "<b>" + escape_html(label) + ":</b> " + std::string(value_html));
    }
};

std::string incident_label(IncidentId id, std::string_view title) {
    return to_string(id) + (title.empty() ? std::string() : " · " + truncate_utf8(title, 300));
}

std::string by_when(const std::optional<UserId>& by, const std::optional<Time>& at) {
    return (by ? " by " + mention(*by) : std::string()) + (at ? " at " + format_utc(*at) : std::string());
}

void add_user_text(CardText& card, std::string_view text) {
    const std::string shown = truncate_utf8(text, kMaxCardTextBytes);
    // The draft's mentions stay plain text on the card: the lead reads it,
    // nobody named in it is pinged by the card.
    std::string quoted;
    for (char c : escape_html(shown)) {
        if (c == '\n')
            quoted += "<br>";
        else
            quoted += c;
    }
    card.body += (card.body.empty() ? "" : "\n") + shown;
    card.html += "<blockquote>" + quoted + "</blockquote>";
    if (shown.size() < text.size())
        card.line("(the text is cut here on the card; it is published as written)",
                  "<i>(the text is cut here on the card; it is published as written)</i>");
}

json card_content(CardText card, json marker) {
    return {{"msgtype", "m.notice"},
            {"body", std::move(card.body)},
            {"format", std::string(kHtmlFormat)},
            {"formatted_body", std::move(card.html)},
            // Intentional mentions, empty: a card pings no one by its text.
            {"m.mentions", json::object()},
            {std::string(kCardKey), std::move(marker)}};
}

std::string user_html(const UserId& user) { return html_with_pills(mention(user)); }

// For an audience with approvers: both approvals, given or still needed.
std::string approval_needs(const Card& card) {
    if (card.approvers_group.empty()) return {};
    const std::string lead = card.lead_approval ? "the Crisis Lead " + mention(*card.lead_approval) + " approved"
                                                : "needs the Crisis Lead " + mention(card.lead);
    const std::string approver =
        card.approver_approval ? mention(*card.approver_approval) + " (" + card.approvers_group + ") approved"
                               : "needs one of " + card.approvers_group + ": " + mentions(card.approvers);
    return lead + "; " + approver;
}

std::string approval_outcome(const Card& card) {
    if (card.outdated)
        return "Outdated: " + to_string(card.draft) + " was revised after this card (revision " +
               std::to_string(card.revision) + "); it decides nothing: decide on the card of the new revision.";
    if (card.rerouted_to)
        return "Moved to " + mention(*card.rerouted_to) + ", the new Crisis Lead, who decides it now.";
    const std::string who = by_when(card.decided_by, card.decided_at);
    const std::string because = card.reason.empty() ? std::string() : " — reason: " + truncate_utf8(card.reason, 2000);
    switch (card.state) {
        case DraftState::pending:
            return card.approvers_group.empty() ? "Waiting for the Crisis Lead's decision."
                                                : "Waiting: " + approval_needs(card) + ".";
        case DraftState::approved: return "Approved" + who + because;
        case DraftState::published: return "Approved and published" + who + because;
        case DraftState::changes_requested: return "Changes requested" + who + because;
        case DraftState::rejected: return "Rejected" + who + because;
        case DraftState::withdrawn: return "Withdrawn by its author." + because;
    }
    return "";
}

std::string escalation_outcome(const EscalationCard& card) {
    const std::string who = by_when(card.decided_by, card.decided_at);
    const std::string comment =
        card.comment.empty() ? std::string() : " — comment: " + truncate_utf8(card.comment, 2000);
    switch (card.state) {
        case EscalationState::pending: return "Waiting for an executive.";
        case EscalationState::allowed: return "Allowed" + who + comment;
        case EscalationState::denied: return "Denied" + who + comment;
    }
    return "";
}

}  // namespace

std::optional<CardDecision> decision_from_reaction(std::string_view key) {
    const std::string_view bare = without_variation_selector(key);
    if (bare == kApproveKey) return CardDecision::approve;
    if (bare == without_variation_selector(kChangesKey)) return CardDecision::request_changes;
    if (bare == kRejectKey) return CardDecision::reject;
    return std::nullopt;
}

std::optional<bool> escalation_answer_from_reaction(std::string_view key) {
    const std::string_view bare = without_variation_selector(key);
    if (bare == kAllowKey) return true;
    if (bare == kDenyKey) return false;
    return std::nullopt;
}

std::string approval_hint(std::string_view approvers_group) {
    return "React " + std::string(kApproveKey) + " approve · " + std::string(kChangesKey) + " request changes · " +
           std::string(kRejectKey) + " reject (" +
           (approvers_group.empty() ? std::string("the Crisis Lead only")
                                    : "the Crisis Lead and one of " + std::string(approvers_group)) +
           ")";
}

json approval_card_content(const Card& card) {
    const std::string draft = to_string(card.draft);
    const bool live = card.state == DraftState::pending && !card.rerouted_to && !card.outdated;
    CardText text;
    const std::string exercise = card.exercise ? "[EXERCISE] " : "";
    const std::string title = exercise + (card.outdated ? "Outdated · " : "Approval needed · ") + draft +
                              " revision " + std::to_string(card.revision);
    text.line(title, "<b>" + escape_html(title) + "</b>");
    if (card.exercise) {
        const std::string note = "EXERCISE — a tabletop drill; nothing is published outside it.";
        text.line(note, "<i>" + escape_html(note) + "</i>");
    }
    const std::string incident = incident_label(card.incident, card.incident_title);
    text.field("Incident", incident, escape_html(incident));
    std::string audience = truncate_utf8(card.audience, 200);
    // to_string: a channel is "#name", but a Matrix pin ("#x:server", "!id:server") is shown as written.
    if (!card.audience_channel.empty()) audience += " → " + truncate_utf8(to_string(ChannelName{card.audience_channel}), 200);
    text.field("Audience", audience, escape_html(audience));
    text.field("Author", mention(card.author), user_html(card.author));
    text.field("Revision", std::to_string(card.revision), std::to_string(card.revision));
    text.line("Exactly as it will be published:", "Exactly as it will be published:");
    add_user_text(text, card.text);
    const std::string state = approval_outcome(card);
    text.field("State", state, html_with_pills(state));
    if (live) {
        const std::string hint = card.approvers_group.empty()
                                     ? approval_hint()
                                     : approval_hint(card.approvers_group) + " — or type !incident approve " + draft +
                                           " --revision " + std::to_string(card.revision);
        text.line(hint, "<i>" + escape_html(hint) + "</i>");
    }
    return card_content(std::move(text), {{"draft", draft},
                                          {"revision", card.revision},
                                          {"incident", to_string(card.incident)}});
}

json escalation_card_content(const EscalationCard& card) {
    const std::string id = to_string(card.escalation);
    CardText text;
    const std::string exercise = card.exercise ? "[EXERCISE] " : "";
    text.line(exercise + "Escalation · " + id, "<b>" + escape_html(exercise + "Escalation · " + id) + "</b>");
    if (card.exercise) {
        const std::string note = "EXERCISE — a tabletop drill, not a real request.";
        text.line(note, "<i>" + escape_html(note) + "</i>");
    }
    const std::string incident = incident_label(card.incident, card.incident_title);
    text.field("Incident", incident, escape_html(incident));
    text.field("Asked by", mention(card.requested_by), user_html(card.requested_by));
    const std::string deadline = card.deadline ? format_utc(*card.deadline) : "no deadline";
    text.field("Answer by", deadline, escape_html(deadline));
    std::string deciders = card.executives.empty() ? "no executives named — add them to the playbook"
                                                   : mentions(card.executives);
    text.field("Who may decide", deciders, html_with_pills(deciders));
    add_user_text(text, card.text);
    const std::string state = escalation_outcome(card);
    text.field("State", state, html_with_pills(state));
    if (card.state == EscalationState::pending) {
        const std::string hint = "React " + std::string(kAllowKey) + " allow · " + std::string(kDenyKey) +
                                 " deny (the executives only)";
        text.line(hint, "<i>" + escape_html(hint) + "</i>");
    }
    return card_content(std::move(text), {{"escalation", id}, {"incident", to_string(card.incident)}});
}

json edit_content(const json& new_content, std::string_view original_event_id) {
    json edit = new_content;
    edit["body"] = "* " + new_content.value("body", std::string());
    if (new_content.contains("formatted_body"))
        edit["formatted_body"] = "* " + new_content.value("formatted_body", std::string());
    edit["m.new_content"] = new_content;
    edit["m.relates_to"] = {{"rel_type", "m.replace"}, {"event_id", std::string(original_event_id)}};
    return edit;
}

json approval_card_edit(const Card& card, std::string_view original_event_id) {
    return edit_content(approval_card_content(card), original_event_id);
}

json escalation_card_edit(const EscalationCard& card, std::string_view original_event_id) {
    return edit_content(escalation_card_content(card), original_event_id);
}

}  // namespace warroom::matrix
