// /incident withdraw D-N
#include <nlohmann/json.hpp>

#include "commands/card.hpp"
#include "commands/command.hpp"
#include "commands/decide.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (ctx.args.size() != 1) return invalid("name the draft: /incident withdraw D-3");
    Draft draft;
    if (auto problem = load_draft(ctx, ctx.args[0].text, draft)) return *problem;
    if (draft.author != ctx.caller)
        return refused("only the author of " + to_string(draft.id) + " (" + mention(draft.author) +
                       ") can withdraw it; the Crisis Lead can reject it instead");
    auto next = next_state(draft.state, DraftAction::withdraw);
    if (auto* illegal = std::get_if<IllegalTransition>(&next))
        return invalid(to_string(draft.id) + ": " + illegal->message);

    draft.state = std::get<DraftState>(next);
    ctx.tx.save(draft);
    ctx.effects.push_back(UpdateCard{draft.routed_to, make_card(draft, ctx.the_incident(), ctx.playbook, ctx.tx)});
    ctx.audit("draft.withdrawn", {{"draft", to_string(draft.id)}, {"revision", draft.revision}});
    ctx.record(EntryKind::draft, to_string(draft.id) + " withdrawn by " + mention(ctx.caller));
    return done("Withdrew " + to_string(draft.id) + "; nothing is published");
}

}  // namespace

extern const CommandSpec withdraw_command{
    "withdraw", "withdraw D-N", "withdraw your own draft before it is decided", "", IncidentScope::none, run};

}  // namespace warroom
