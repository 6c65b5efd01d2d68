#include "bot/draft.hpp"

#include <charconv>

namespace warroom {

std::string to_string(DraftState state) {
    switch (state) {
        case DraftState::pending: return "pending";
        case DraftState::approved: return "approved";
        case DraftState::published: return "published";
        case DraftState::changes_requested: return "changes_requested";
        case DraftState::rejected: return "rejected";
        case DraftState::withdrawn: return "withdrawn";
    }
    return "pending";
}

std::optional<DraftState> parse_draft_state(std::string_view text) {
    for (DraftState s : {DraftState::pending, DraftState::approved, DraftState::published,
                         DraftState::changes_requested, DraftState::rejected, DraftState::withdrawn})
        if (text == to_string(s)) return s;
    return std::nullopt;
}

std::string to_string(DraftAction action) {
    switch (action) {
        case DraftAction::approve: return "approve";
        case DraftAction::request_changes: return "request changes to";
        case DraftAction::reject: return "reject";
        case DraftAction::revise: return "revise";
        case DraftAction::withdraw: return "withdraw";
        case DraftAction::publish: return "publish";
    }
    return "change";
}

std::string to_string(const DraftRevision& card) {
    return to_string(card.draft) + "@" + std::to_string(card.revision);
}

std::optional<DraftRevision> parse_draft_revision(std::string_view text) {
    const auto at = text.find('@');
    const auto draft = parse_draft_id(text.substr(0, at));
    if (!draft) return std::nullopt;
    if (at == std::string_view::npos) return DraftRevision{*draft, 1};
    const std::string_view digits = text.substr(at + 1);
    int revision = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), revision);
    if (error != std::errc() || end != digits.data() + digits.size() || revision < 1) return std::nullopt;
    return DraftRevision{*draft, revision};
}

namespace {

std::string why_not(DraftState from) {
    switch (from) {
        case DraftState::pending: return "it is waiting for the Crisis Lead's decision";
        case DraftState::approved: return "it is already approved and being published";
        case DraftState::published: return "it is already published";
        case DraftState::changes_requested: return "changes were requested; its author must revise it first";
        case DraftState::rejected: return "it was rejected; write a new draft instead";
        case DraftState::withdrawn: return "its author withdrew it; write a new draft instead";
    }
    return "of its state";
}

}  // namespace

std::variant<DraftState, IllegalTransition> next_state(DraftState from, DraftAction action) {
    switch (action) {
        case DraftAction::approve:
            if (from == DraftState::pending) return DraftState::approved;
            break;
        case DraftAction::request_changes:
            if (from == DraftState::pending) return DraftState::changes_requested;
            break;
        case DraftAction::reject:
            if (from == DraftState::pending) return DraftState::rejected;
            break;
        case DraftAction::revise:
            if (from == DraftState::changes_requested) return DraftState::pending;
            if (from == DraftState::pending)
                return IllegalTransition{"cannot revise it: it is waiting for the Crisis Lead's decision; "
                                         "withdraw it and write a new draft if it must change now"};
            break;
        case DraftAction::withdraw:
            if (from == DraftState::pending || from == DraftState::changes_requested)
                return DraftState::withdrawn;
            break;
        case DraftAction::publish:
            if (from == DraftState::approved) return DraftState::published;
            break;
    }
    return IllegalTransition{"cannot " + to_string(action) + " it: " + why_not(from)};
}

std::string describe_state(const Draft& draft) {
    if (draft.state == DraftState::approved && !draft.delivery_problem.empty())
        return "approved, delivery failed: " + draft.delivery_problem;
    return to_string(draft.state);
}

}  // namespace warroom
