#include "bot/card_text.hpp"

#include "bot/text.hpp"

namespace warroom {
namespace {

// How much of what people typed a card shows; the rest is "…". The draft's or
// request's own text is not cut here: each platform splits or cuts it.
constexpr std::size_t kMaxTitleShown = 300;
constexpr std::size_t kMaxAudienceShown = 200;
constexpr std::size_t kMaxDestinationShown = 300;
constexpr std::size_t kMaxGroupShown = 100;
constexpr std::size_t kMaxReasonShown = 2000;

CardPart part(CardPart::Kind kind, std::string text = {}) {
    CardPart p;
    p.kind = kind;
    p.text = std::move(text);
    return p;
}
CardPart words(std::string text) { return part(CardPart::Kind::words, std::move(text)); }
CardPart strong(std::string text) { return part(CardPart::Kind::strong, std::move(text)); }
CardPart user_text(std::string text, std::size_t max_bytes) {
    CardPart p = part(CardPart::Kind::user_text, std::move(text));
    p.max_bytes = max_bytes;
    return p;
}
CardPart user(const UserId& id) {
    CardPart p = part(CardPart::Kind::user);
    p.user = id;
    return p;
}
CardPart when(Time at) {
    CardPart p = part(CardPart::Kind::time);
    p.time = at;
    return p;
}
CardPart channel(std::string name) { return part(CardPart::Kind::channel, std::move(name)); }
CardPart command(std::string text) { return part(CardPart::Kind::command, std::move(text)); }
CardPart mark(CardMark m) {
    CardPart p = part(CardPart::Kind::mark);
    p.mark = m;
    return p;
}

void append(CardLine& line, CardLine more) {
    for (CardPart& part : more) line.push_back(std::move(part));
}

std::string exercise_mark(bool exercise) { return exercise ? "[EXERCISE] " : ""; }

CardLine exercise_banner(std::string_view what) {
    return {mark(CardMark::exercise), strong("EXERCISE"), words(" — a tabletop drill" + std::string(what))};
}

// "INC-1 · Payroll phishing"
CardLine incident_label(IncidentId id, const std::string& title) {
    CardLine line{words(to_string(id))};
    if (!title.empty()) append(line, {words(" · "), user_text(title, kMaxTitleShown)});
    return line;
}

// " by @lead at 2026-11-29 01:56 UTC"
CardLine by_when(const std::optional<UserId>& by, const std::optional<Time>& at) {
    CardLine line;
    if (by) append(line, {words(" by "), user(*by)});
    if (at) append(line, {words(" at "), when(*at)});
    return line;
}

// "@pat, @quinn"
CardLine user_list(const std::vector<UserId>& users, std::size_t at_most) {
    CardLine line;
    for (std::size_t i = 0; i < users.size() && i < at_most; ++i) {
        if (i > 0) line.push_back(words(", "));
        line.push_back(user(users[i]));
    }
    if (users.size() > at_most) line.push_back(words(" and " + std::to_string(users.size() - at_most) + " more"));
    return line;
}

// Both approvals of a card for an audience with approvers, given or needed:
// "needs the Crisis Lead @alice · @pat (pr) approved".
CardLine approvals(const Card& card) {
    CardLine line;
    if (card.lead_approval)
        append(line, {mark(CardMark::approved), words("the Crisis Lead "), user(*card.lead_approval), words(" approved")});
    else
        append(line, {mark(CardMark::waiting), words("needs the Crisis Lead "), user(card.lead)});
    line.push_back(words(" · "));
    if (card.approver_approval) {
        append(line, {mark(CardMark::approved), user(*card.approver_approval), words(" ("),
                      user_text(card.approvers_group, kMaxGroupShown), words(") approved")});
    } else {
        append(line, {mark(CardMark::waiting), words("needs one of "), user_text(card.approvers_group, kMaxGroupShown),
                      words(": ")});
        append(line, user_list(card.approvers, kMaxNamedDeciders));
    }
    return line;
}

CardLine decided(CardMark m, std::string what, const std::optional<UserId>& by, const std::optional<Time>& at) {
    CardLine line{mark(m), strong(std::move(what))};
    append(line, by_when(by, at));
    return line;
}

std::vector<CardLine> approval_status(const Card& card) {
    if (card.outdated)
        return {{mark(CardMark::outdated), strong("Outdated"),
                 words(": " + to_string(card.draft) + " was revised after this card (revision " +
                       std::to_string(card.revision) + "). It decides nothing: decide on the card of the new revision.")}};
    if (card.rerouted_to)
        return {{mark(CardMark::moved), strong("Moved"), words(" to "), user(*card.rerouted_to),
                 words(", the new Crisis Lead, who decides it now.")}};
    std::vector<CardLine> lines;
    switch (card.state) {
        case DraftState::pending:
            if (card.approvers_group.empty()) {
                lines.push_back({mark(CardMark::waiting), words("Waiting for the Crisis Lead's decision.")});
            } else {
                CardLine line{words("Waiting for two approvals: ")};
                append(line, approvals(card));
                lines.push_back(std::move(line));
            }
            break;
        case DraftState::approved:
            lines.push_back(decided(CardMark::approved, "Approved", card.decided_by, card.decided_at));
            // Its delivery outside the chat failed for good: the lead can send it again.
            if (!card.delivery_problem.empty())
                lines.push_back({mark(CardMark::rejected), strong("Delivery failed"), words(": "),
                                 user_text(card.delivery_problem, kMaxReasonShown), words(". Retry with "),
                                 command("retry " + to_string(card.draft))});
            break;
        case DraftState::published:
            lines.push_back(decided(CardMark::approved, "Approved and published", card.decided_by, card.decided_at));
            break;
        case DraftState::changes_requested:
            lines.push_back(decided(CardMark::changes, "Changes requested", card.decided_by, card.decided_at));
            break;
        case DraftState::rejected: lines.push_back(decided(CardMark::rejected, "Rejected", card.decided_by, card.decided_at)); break;
        case DraftState::withdrawn:
            lines.push_back({mark(CardMark::withdrawn), strong("Withdrawn"), words(" by its author.")});
            break;
    }
    if (!card.reason.empty()) lines.push_back({strong("Reason:"), words(" "), user_text(card.reason, kMaxReasonShown)});
    return lines;
}

std::vector<CardLine> escalation_status(const EscalationCard& card) {
    std::vector<CardLine> lines;
    switch (card.state) {
        case EscalationState::pending: lines.push_back({mark(CardMark::waiting), words("Waiting for an executive.")}); break;
        case EscalationState::allowed: lines.push_back(decided(CardMark::approved, "Allowed", card.decided_by, card.decided_at)); break;
        case EscalationState::denied: lines.push_back(decided(CardMark::denied, "Denied", card.decided_by, card.decided_at)); break;
    }
    if (!card.comment.empty()) lines.push_back({strong("Comment:"), words(" "), user_text(card.comment, kMaxReasonShown)});
    return lines;
}

}  // namespace

CardText approval_card_text(const Card& card) {
    const std::string draft = to_string(card.draft);
    const std::string revision = std::to_string(card.revision);
    CardText out;
    out.title = exercise_mark(card.exercise) + (card.outdated ? "Outdated · " : "Approval needed · ") + draft +
                " revision " + revision;
    if (card.exercise) out.banner = exercise_banner("; nothing is published outside it.");

    // Where the text goes: the destination in words when it is not a chat
    // channel, else the audience's channel.
    CardLine audience{user_text(card.audience, kMaxAudienceShown)};
    if (!card.destination.empty())
        append(audience, {words(" → "), user_text(card.destination, kMaxDestinationShown)});
    else if (!card.audience_channel.empty())
        append(audience, {words(" → "), channel(card.audience_channel)});
    out.facts = {{"Incident", incident_label(card.incident, card.incident_title)},
                 {"Audience", std::move(audience)},
                 {"Author", {user(card.author)}},
                 {"Revision", {words(revision)}}};

    out.text_intro = "Exactly as it will be published:";
    out.text = card.text;
    out.status_label = "State";
    out.status_lines = approval_status(card);
    out.live = card.state == DraftState::pending && !card.rerouted_to && !card.outdated;
    if (out.live) {
        out.buttons = {{CardChoice::approve, "Approve"},
                       {CardChoice::request_changes, "Request changes"},
                       {CardChoice::reject, "Reject"}};
        out.deciders = card.approvers_group.empty()
                           ? "the Crisis Lead only"
                           : "the Crisis Lead and one of " + truncate_utf8(card.approvers_group, kMaxGroupShown);
        // An approver of the group may not have the card: the command decides too.
        if (!card.approvers_group.empty())
            out.command_line = {words("By command: "), command("approve " + draft + " --revision " + revision)};
    }

    CardLine subject{words(exercise_mark(card.exercise) + draft + " for "), user_text(card.audience, kMaxAudienceShown),
                     words(" (" + to_string(card.incident) + ")")};
    if (out.live) {
        out.summary = {words("Approval needed: ")};
        append(out.summary, std::move(subject));
    } else {
        out.summary = std::move(subject);
        out.summary.push_back(words(": "));
        append(out.summary, out.status_lines.front());
    }
    return out;
}

CardText escalation_card_text(const EscalationCard& card) {
    const std::string id = to_string(card.escalation);
    CardText out;
    out.title = exercise_mark(card.exercise) + "Escalation · " + id;
    if (card.exercise) out.banner = exercise_banner(", not a real request.");

    CardLine deciders = card.executives.empty() ? CardLine{words("no executives named — add them to the playbook")}
                                                : user_list(card.executives, kMaxNamedDeciders);
    out.facts = {{"Incident", incident_label(card.incident, card.incident_title)},
                 {"Asked by", {user(card.requested_by)}},
                 {"Answer by", {card.deadline ? when(*card.deadline) : words("no deadline")}},
                 {"Who may decide", std::move(deciders)}};

    out.text = card.text;
    out.status_label = "State";
    out.status_lines = escalation_status(card);
    out.live = card.state == EscalationState::pending;
    if (out.live) {
        out.buttons = {{CardChoice::allow, "Allow"}, {CardChoice::deny, "Deny"}};
        out.deciders = "the executives only";
    }

    const std::string subject = exercise_mark(card.exercise) + "Escalation " + id + " (" + to_string(card.incident) + ")";
    if (out.live) {
        out.summary = {words(subject + " needs an executive's answer")};
    } else {
        out.summary = {words(subject + ": ")};
        append(out.summary, out.status_lines.front());
    }
    return out;
}

std::string reaction_instructions(const CardText& text, const std::function<std::string(CardChoice)>& key_of) {
    if (!text.live || text.buttons.empty()) return {};
    std::string out = "React ";
    for (std::size_t i = 0; i < text.buttons.size(); ++i)
        out += (i > 0 ? " · " : "") + key_of(text.buttons[i].choice) + " " + ascii_lower(text.buttons[i].label);
    if (!text.deciders.empty()) out += " (" + text.deciders + ")";
    return out;
}

std::string text_cut_note(std::size_t hidden_bytes) {
    return "The rest of the text (about " + with_thousands(hidden_bytes) +
           " characters) is not shown on this card. It is published as written.";
}

std::string plain_text(const CardLine& line, std::string_view command_prefix) {
    std::string out;
    for (const CardPart& part : line) {
        switch (part.kind) {
            case CardPart::Kind::words:
            case CardPart::Kind::strong: out += part.text; break;
            case CardPart::Kind::user_text:
                out += part.max_bytes > 0 ? truncate_utf8(part.text, part.max_bytes) : part.text;
                break;
            case CardPart::Kind::user: out += mention(part.user); break;
            case CardPart::Kind::time: out += format_utc(part.time); break;
            case CardPart::Kind::channel: out += truncate_utf8(to_string(ChannelName{part.text}), 200); break;
            case CardPart::Kind::command: out += std::string(command_prefix) + " " + part.text; break;
            case CardPart::Kind::mark: break;
        }
    }
    return out;
}

}  // namespace warroom
