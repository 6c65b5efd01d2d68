// /incident revise D-N TEXT
#include <nlohmann/json.hpp>

#include "commands/card.hpp"
#include "commands/command.hpp"
#include "commands/decide.hpp"
#include "commands/drafting.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (ctx.args.size() < 2) return invalid("name the draft and give the new text: /incident revise D-3 TEXT");
    Draft draft;
    if (auto problem = load_draft(ctx, ctx.args[0].text, draft)) return *problem;
    if (draft.author != ctx.caller)
        return refused("only the author of " + to_string(draft.id) + " (" + mention(draft.author) +
                       ") can revise it; write your own with /incident draft " + draft.audience + " TEXT");
    auto next = next_state(draft.state, DraftAction::revise);
    if (auto* illegal = std::get_if<IllegalTransition>(&next))
        return invalid(to_string(draft.id) + ": " + illegal->message);
    const std::string text = ctx.args.rest(1);
    if (auto problem = check_draft_text(ctx, text); !problem.empty()) return invalid(problem);
    // The revision waits for the lead again, so it counts like a new draft.
    if (auto full = check_pending_room(ctx); !full.empty())
        return invalid(full + "; then revise " + to_string(draft.id) + " again");

    const Incident& incident = ctx.the_incident();
    // The card of the revision being replaced says so, and decides nothing more.
    Card outdated = make_card(draft, incident, ctx.playbook, ctx.tx);
    outdated.outdated = true;
    ctx.effects.push_back(UpdateCard{draft.routed_to, std::move(outdated)});
    draft.state = std::get<DraftState>(next);
    draft.text = text;
    ++draft.revision;
    draft.decided_by.reset();
    draft.decided_at.reset();
    draft.reason.clear();
    draft.lead_approval.reset();       // approvals were for the old text
    draft.approver_approval.reset();
    draft.routed_to = incident.lead;
    ctx.tx.save(draft);
    invite_approvers(ctx, draft.audience);
    ctx.effects.push_back(PostCard{incident.lead, make_card(draft, incident, ctx.playbook, ctx.tx)});
    ctx.audit("draft.revised", {{"draft", to_string(draft.id)}, {"revision", draft.revision}, {"text", text}});
    ctx.record(EntryKind::draft, to_string(draft.id) + " revised by " + mention(ctx.caller) + " (revision " +
                                     std::to_string(draft.revision) + ")");
    return done(to_string(draft.id) + " revision " + std::to_string(draft.revision) + " is waiting for " +
                who_decides(ctx, draft.audience));
}

}  // namespace

extern const CommandSpec revise_command{
    "revise", "revise D-N TEXT", "revise your draft after the Crisis Lead asked for changes",
    "The new text replaces the old one and goes back to the Crisis Lead.", IncidentScope::none, run};

}  // namespace warroom
