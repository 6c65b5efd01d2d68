#include "adapters/console/console_render.hpp"

#include "bot/safe_text.hpp"
#include "bot/text.hpp"

namespace warroom::console {
namespace {

constexpr std::string_view kBot = "<warroom>";

// "WHERE <warroom> first line", further lines indented under it.
std::vector<std::string> lines_at(const std::string& where, std::string_view text) {
    std::vector<std::string> lines;
    const std::string safe = terminal_safe(text);
    const std::string here = terminal_safe(where);
    std::size_t start = 0;
    while (true) {
        const std::size_t end = safe.find('\n', start);
        const std::string part = safe.substr(start, end == std::string::npos ? std::string::npos : end - start);
        lines.push_back(here + (lines.empty() ? " " + std::string(kBot) + " " : "   ") + part);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

std::string exercise_mark(bool exercise) { return exercise ? "[EXERCISE] " : ""; }

std::string card_title(const Card& card) {
    return exercise_mark(card.exercise) + "[approval " + to_string(card.draft) + " · " + to_string(card.incident) + " · " + card.audience +
           (!card.destination.empty()        ? " → " + terminal_safe(card.destination)
            : card.audience_channel.empty() ? std::string()
                                            : " → #" + card.audience_channel) +
           " · by " +
           mention(card.author) + (card.revision > 1 ? " · revision " + std::to_string(card.revision) : std::string()) +
           "]";
}

// For an audience with approvers: "the Crisis Lead @alice: approved · one of pr (@pat): needed".
std::string approvals(const Card& card) {
    if (card.approvers_group.empty()) return {};
    return "the Crisis Lead " + mention(card.lead) + (card.lead_approval ? ": approved" : ": needed") + " · " +
           (card.approver_approval ? mention(*card.approver_approval) + " of " + card.approvers_group + ": approved"
                                   : "one of " + card.approvers_group + " (" + mentions(card.approvers) + "): needed");
}

std::string outcome(const Card& card) {
    if (card.outdated)
        return "OUTDATED: revision " + std::to_string(card.revision) + " was replaced; decide on the new card";
    if (card.rerouted_to) return "moved to " + mention(*card.rerouted_to) + ", the new Crisis Lead";
    const std::string by = card.decided_by ? " by " + mention(*card.decided_by) : std::string();
    const std::string when = card.decided_at ? " at " + format_utc(*card.decided_at) : std::string();
    const std::string because = card.reason.empty() ? std::string() : ": " + card.reason;
    switch (card.state) {
        case DraftState::pending:
            return card.approvers_group.empty() ? "waiting for a decision" : "waiting: " + approvals(card);
        case DraftState::approved:
            if (!card.delivery_problem.empty())
                return "APPROVED" + by + when + ", DELIVERY FAILED: " + card.delivery_problem + " (/incident retry " +
                       to_string(card.draft) + ")";
            return "APPROVED" + by + when;
        case DraftState::published: return "PUBLISHED" + by + when;
        case DraftState::changes_requested: return "CHANGES REQUESTED" + by + when + because;
        case DraftState::rejected: return "REJECTED" + by + when + because;
        case DraftState::withdrawn: return "WITHDRAWN by its author";
    }
    return "";
}

std::string escalation_title(const EscalationCard& card) {
    std::string title = exercise_mark(card.exercise) + "[escalation " + to_string(card.escalation) + " · " + to_string(card.incident) + " · " +
                        card.incident_title + " · asked by " + mention(card.requested_by);
    if (card.deadline) title += " · answer by " + format_utc(*card.deadline);
    return title + "]";
}

std::string escalation_outcome(const EscalationCard& card) {
    const std::string by = card.decided_by ? " by " + mention(*card.decided_by) : std::string();
    const std::string when = card.decided_at ? " at " + format_utc(*card.decided_at) : std::string();
    const std::string comment = card.comment.empty() ? std::string() : ": " + card.comment;
    switch (card.state) {
        case EscalationState::pending: return "waiting for an executive";
        case EscalationState::allowed: return "ALLOWED" + by + when + comment;
        case EscalationState::denied: return "DENIED" + by + when + comment;
    }
    return "";
}

}  // namespace

std::vector<std::string> render_effect(const Effect& effect) {
    return std::visit(
        [](const auto& e) -> std::vector<std::string> {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, CreateChannel>) {
                return {to_string(e.name) + " * warroom created " + (e.is_private ? "private" : "public") +
                        " channel " + to_string(e.name) + " — topic: " + terminal_safe(e.topic)};
            } else if constexpr (std::is_same_v<T, InviteUsers>) {
                return {to_string(e.channel) + " * warroom invited " + mentions(e.users)};
            } else if constexpr (std::is_same_v<T, PostMessage>) {
                return lines_at(e.channel ? to_string(*e.channel) : mention(*e.user), e.text);
            } else if constexpr (std::is_same_v<T, PostCard>) {
                auto lines = lines_at(mention(e.to), card_title(e.card) + "\n" + e.card.text);
                const std::string id = to_string(e.card.draft);
                if (!e.card.approvers_group.empty())
                    lines.push_back(mention(e.to) + "   needs " + approvals(e.card));
                lines.push_back(mention(e.to) + "   → /incident approve " + id + " · /incident changes " + id +
                                " REASON · /incident reject " + id + " REASON");
                return lines;
            } else if constexpr (std::is_same_v<T, UpdateCard>) {
                return lines_at(mention(e.to), exercise_mark(e.card.exercise) + "[approval " + to_string(e.card.draft) +
                                                   (e.card.outdated ? " revision " + std::to_string(e.card.revision)
                                                                    : std::string()) +
                                                   " updated] " + outcome(e.card));
            } else if constexpr (std::is_same_v<T, PostEscalation>) {
                auto lines = lines_at(to_string(e.channel), escalation_title(e.card) + "\n" + e.card.text);
                const std::string deciders = mentions(e.card.executives);
                const std::string id = to_string(e.card.escalation);
                lines.push_back(to_string(e.channel) + "   → " + deciders + ": /incident allow " + id +
                                " [COMMENT] · /incident deny " + id + " REASON");
                return lines;
            } else if constexpr (std::is_same_v<T, UpdateEscalation>) {
                return lines_at(to_string(e.channel), exercise_mark(e.card.exercise) + "[escalation " +
                                                          to_string(e.card.escalation) + " updated] " +
                                                          escalation_outcome(e.card));
            } else if constexpr (std::is_same_v<T, HandOverChannels>) {
                return {};   // the console has no per-channel rights to move
            } else if constexpr (std::is_same_v<T, Deliver>) {
                return lines_at("outside", to_string(e.draft) + " to " + e.destination + ":\n" + e.text);
            } else if constexpr (std::is_same_v<T, ResolveStatusPage>) {
                return lines_at("outside", "resolving " + to_string(e.incident) + " on " + e.destination);
            } else if constexpr (std::is_same_v<T, Page>) {
                return lines_at("outside", std::string(e.action == PageAction::trigger ? "paging " : "resolving the page to ") +
                                               e.pager + (e.summary.empty() ? "" : ": " + e.summary));
            } else {
                static_assert(std::is_same_v<T, Publish>);
                return lines_at(to_string(e.channel), e.text);
            }
        },
        effect);
}

std::vector<std::string> render_reply(const UserId& user, bool ok, std::string_view text) {
    return lines_at(mention(user), (ok ? "" : "error: ") + std::string(text));
}

std::string render_input(std::string_view channel, const UserId& user, std::string_view text) {
    return terminal_safe("#" + std::string(channel) + " <" + user.value() + "> " + std::string(text));
}

}  // namespace warroom::console
