#include "commands/decide.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/card.hpp"
#include "commands/mass_mention.hpp"
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

Deliver delivery_of(const Draft& draft, const Incident& incident, const Audience& audience, Context& ctx) {
    Deliver deliver;
    deliver.draft = draft.id;
    deliver.revision = draft.revision;
    deliver.incident = incident.id;
    deliver.incident_title = incident.title;
    deliver.severity = incident.severity;
    deliver.status = incident.status;
    deliver.audience = draft.audience;
    deliver.destination = delivery_destination(draft, audience, ctx.tx);
    deliver.text = draft.text;
    deliver.author = draft.author;
    deliver.approver = draft.decided_by.value_or(ctx.caller);
    deliver.drafted_at = draft.created_at;
    deliver.approved_at = draft.decided_at.value_or(ctx.now);
    return deliver;
}

std::optional<Outcome> load_draft(Context& ctx, const std::string& word, Draft& draft) {
    auto id = parse_draft_id(word);
    if (!id) return invalid("\"" + word + "\" is not a draft id; drafts are named like D-3");
    return load_draft_by_id(ctx, *id, draft);
}

std::optional<Outcome> take_revision_option(Context& ctx, std::optional<int>& revision) {
    const auto word = ctx.args.take_option("--revision");
    if (!word) return std::nullopt;
    int number = 0;
    const auto [end, error] = std::from_chars(word->data(), word->data() + word->size(), number);
    if (error != std::errc() || end != word->data() + word->size() || number < 1)
        return invalid("--revision takes the revision number the card shows, like --revision 2; \"" + *word +
                       "\" is not one");
    revision = number;
    return std::nullopt;
}

Outcome decide_draft(Context& ctx, DraftId id, CardDecision decision, const std::string& reason,
                     std::optional<int> revision) {
    Draft draft;
    if (auto problem = load_draft_by_id(ctx, id, draft)) return *problem;
    const std::string action = std::string(verb(decision)) + " " + to_string(id);
    if (auto refusal = require_decider(ctx, draft, action)) return *refusal;
    // A card or command naming an older revision decided a text that is no
    // longer the draft's: refused, and recorded as a refusal.
    if (revision && *revision != draft.revision)
        return refused(to_string(id) + " changed since that card (it showed revision " + std::to_string(*revision) +
                       ", the draft is now at revision " + std::to_string(draft.revision) +
                       "); decide on the new card, or with /incident " + std::string(verb(decision)) + " " +
                       to_string(id) + " --revision " + std::to_string(draft.revision));
    if (!reason.empty()) {
        if (auto problem = check_user_text(reason, "the reason"); !problem.empty()) return invalid(problem);
        if (!ctx.playbook.allow_mass_mentions && has_mass_mention(reason))
            return invalid("the reason mentions a whole channel (@channel, @here, @everyone or @room), which the "
                           "playbook does not allow; remove the mention");
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
    if (draft_action == DraftAction::approve)
        if (const std::string problem = ctx.unpinned(*audience); !problem.empty())
            return invalid(to_string(id) + " cannot be published: " + problem +
                           ". Nothing was approved; it waits, and can be approved once the playbook is fixed");

    nlohmann::json facts = {{"draft", to_string(id)}, {"revision", draft.revision}, {"audience", draft.audience}};
    if (draft_action == DraftAction::approve) {
        // Two-person approval: an audience with approvers needs
        // the Crisis Lead and one of the group; the caller gives whichever
        // approvals their roles allow, and the draft waits for the other.
        const std::vector<UserId>* approvers = ctx.playbook.approvers_of(draft.audience);
        const bool as_lead = incident.lead == ctx.caller;
        const bool as_approver =
            approvers && std::find(approvers->begin(), approvers->end(), ctx.caller) != approvers->end();
        draft.lead_approval = counting_lead_approval(draft, incident);
        if (draft.approver_approval && approvers &&
            std::find(approvers->begin(), approvers->end(), *draft.approver_approval) == approvers->end())
            draft.approver_approval.reset();   // no longer in the group
        const bool adds_lead = as_lead && !draft.lead_approval;
        const bool adds_approver = approvers && as_approver && !draft.approver_approval;
        // Complete already only if the playbook dropped the audience's approvers meanwhile.
        const bool was_complete = draft.lead_approval && (!approvers || draft.approver_approval);
        if (!adds_lead && !adds_approver && !was_complete)
            return invalid("you already approved " + to_string(id) + "; it waits for " +
                           (draft.lead_approval ? "one of " + audience->approvers + " (" + mentions(*approvers) + ")"
                                                : "the Crisis Lead (" + mention(incident.lead) + ")"));
        if (adds_lead) draft.lead_approval = ctx.caller;
        if (adds_approver) draft.approver_approval = ctx.caller;
        const bool complete = draft.lead_approval && (!approvers || draft.approver_approval);
        facts["text"] = draft.text;
        facts["as"] = adds_lead && adds_approver ? "both" : adds_lead ? "crisis_lead" : "approver";
        facts["complete"] = complete;
        if (!complete) {
            ctx.tx.save(draft);
            ctx.effects.push_back(UpdateCard{draft.routed_to, make_card(draft, incident, ctx.playbook, ctx.tx)});
            ctx.audit("draft.approved", facts);
            const std::string who = mention(ctx.caller);
            const std::string waiting =
                draft.lead_approval ? "one of " + audience->approvers + " (" + mentions(*approvers) + ")"
                                    : "the Crisis Lead (" + mention(incident.lead) + ")";
            const std::string as = adds_lead ? "the Crisis Lead" : "a member of " + audience->approvers;
            ctx.record(EntryKind::approval,
                       to_string(id) + " (" + draft.audience + ") approved by " + who + " as " + as);
            ctx.post(incident.main_channel().name, to_string(id) + " (" + draft.audience + ") approved by " + who +
                                                       " as " + as + "; it also needs " + waiting);
            return done("Approved " + to_string(id) + " as " + as + "; it is published once " + waiting +
                        " approves too");
        }
    }

    draft.state = std::get<DraftState>(next);
    draft.decided_by = ctx.caller;
    draft.decided_at = ctx.now;
    draft.reason = reason;
    ctx.tx.save(draft);
    ctx.effects.push_back(UpdateCard{draft.routed_to, make_card(draft, incident, ctx.playbook, ctx.tx)});

    if (draft_action != DraftAction::approve) facts["reason"] = reason;
    ctx.audit(decision == CardDecision::approve  ? "draft.approved"
              : decision == CardDecision::reject ? "draft.rejected"
                                                 : "draft.changes_requested",
              facts);

    const std::string who = mention(ctx.caller);
    const std::string because = reason.empty() ? std::string() : ": " + reason;
    std::string confirmation;
    switch (decision) {
        case CardDecision::approve: {
            std::string destination;
            if (audience->is_chat()) {
                destination = destination_of(incident, audience->channel);   // an exercise keeps it
                ctx.effects.push_back(Publish{draft.id, audience->channel, published_text(draft)});
            } else {
                ctx.effects.push_back(delivery_of(draft, incident, *audience, ctx));
                destination = incident.exercise ? to_string(incident.main_channel().name) + " (standing in for " +
                                                      describe(*audience->outside) + ")"
                                                : describe(*audience->outside);
            }
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
