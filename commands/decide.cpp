#include "commands/decide.hpp"

#include <nlohmann/json.hpp>

#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/card.hpp"
#include "commands/exercise_guard.hpp"

namespace warroom {
namespace {

std::optional<Outcome> load_draft_by_id(Context& ctx, DraftId id, Draft& draft) {
    auto found = ctx.tx.draft(id);
    if (!found) return invalid(to_string(id) + " does not exist; /incident show lists an incident's drafts");
    draft = *found;
    ctx.incident = ctx.tx.incident(draft.incident);
    if (!ctx.incident) return invalid(to_string(id) + " belongs to no incident");
    return std::nullopt;
}

std::string_view verb(CardDecision decision) {
    switch (decision) {
        case CardDecision::approve: return "approve";
        case CardDecision::reject: return "reject";
        case CardDecision::request_changes: return "request changes to";
    }
    return "decide";
}

}  // namespace

std::optional<Outcome> load_draft(Context& ctx, const std::string& word, Draft& draft) {
    auto id = parse_draft_id(word);
    if (!id) return invalid("\"" + word + "\" is not a draft id; drafts are named like D-3");
    return load_draft_by_id(ctx, *id, draft);
}

Outcome decide_draft(Context& ctx, DraftId id, CardDecision decision, const std::string& reason) {
    Draft draft;
    if (auto problem = load_draft_by_id(ctx, id, draft)) return *problem;
    const std::string action = std::string(verb(decision)) + " " + to_string(id);
    if (auto refusal = require_lead(ctx, action)) return *refusal;
    if (!reason.empty()) {
        if (auto problem = check_user_text(reason, "the reason"); !problem.empty()) return invalid(problem);
    }

    const DraftAction draft_action = decision == CardDecision::approve  ? DraftAction::approve
                                     : decision == CardDecision::reject ? DraftAction::reject
                                                                        : DraftAction::request_changes;
    auto next = next_state(draft.state, draft_action);
    if (auto* illegal = std::get_if<IllegalTransition>(&next))
        return invalid(to_string(id) + ": " + illegal->message);

    // Nobody can revise what the bot drafted on its own (a scheduled summary).
    if (draft_action == DraftAction::request_changes && draft.author == bot_user())
        return invalid(to_string(id) + " was prepared by warroom on the summary cadence, so nobody can revise it: "
                       "reject it with /incident reject " + to_string(id) +
                       " REASON and write your own with /incident summary NEXT STEPS");

    const Incident& incident = ctx.the_incident();
    const Audience* audience = ctx.playbook.audience(draft.audience);
    if (draft_action == DraftAction::approve && !audience)
        return invalid(to_string(id) + " is for audience \"" + draft.audience +
                       "\", which the playbook no longer has; reject it and draft again for one of: " +
                       ctx.playbook.audience_names());

    draft.state = std::get<DraftState>(next);
    draft.decided_by = ctx.caller;
    draft.decided_at = ctx.now;
    draft.reason = reason;
    ctx.tx.save(draft);
    ctx.effects.push_back(UpdateCard{draft.routed_to, make_card(draft, incident, ctx.playbook)});

    nlohmann::json facts = {{"draft", to_string(id)}, {"revision", draft.revision}, {"audience", draft.audience}};
    if (draft_action == DraftAction::approve) facts["text"] = draft.text;
    else facts["reason"] = reason;
    ctx.audit(decision == CardDecision::approve  ? "draft.approved"
              : decision == CardDecision::reject ? "draft.rejected"
                                                 : "draft.changes_requested",
              facts);

    const std::string who = mention(ctx.caller);
    const std::string because = reason.empty() ? std::string() : ": " + reason;
    std::string confirmation;
    switch (decision) {
        case CardDecision::approve: {
            const std::string destination = destination_of(incident, audience->channel);   // an exercise keeps it
            ctx.effects.push_back(Publish{draft.id, audience->channel, published_text(draft)});
            ctx.record(EntryKind::approval, to_string(id) + " (" + draft.audience + ") approved by " + who);
            ctx.post(incident.main_channel().name, to_string(id) + " (" + draft.audience + ") approved by " + who +
                                                       "; publishing to " + destination);
            if (draft.author != ctx.caller)
                ctx.tell(draft.author, "Your draft " + to_string(id) + " was approved by " + who +
                                           " and is being published to " + destination);
            confirmation = "Approved " + to_string(id) + "; publishing to " + destination;
            break;
        }
        case CardDecision::reject:
            ctx.record(EntryKind::approval, to_string(id) + " (" + draft.audience + ") rejected by " + who + because);
            ctx.post(incident.main_channel().name,
                     to_string(id) + " (" + draft.audience + ") rejected by " + who + because);
            if (draft.author != ctx.caller)
                ctx.tell(draft.author, "Your draft " + to_string(id) + " was rejected by " + who + because);
            confirmation = "Rejected " + to_string(id) + "; nothing is published";
            break;
        case CardDecision::request_changes:
            ctx.record(EntryKind::approval,
                       "changes to " + to_string(id) + " (" + draft.audience + ") requested by " + who + because);
            ctx.post(incident.main_channel().name,
                     to_string(id) + " (" + draft.audience + "): " + who + " requested changes" + because);
            ctx.tell(draft.author, who + " requested changes to your draft " + to_string(id) + because +
                                       " — revise it with /incident revise " + to_string(id) + " TEXT");
            confirmation = "Requested changes to " + to_string(id) + " from " + mention(draft.author);
            break;
    }
    return done(confirmation);
}

}  // namespace warroom
