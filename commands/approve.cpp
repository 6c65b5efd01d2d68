// /incident approve D-N
#include "commands/command.hpp"
#include "commands/decide.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    std::optional<int> revision;
    if (auto problem = take_revision_option(ctx, revision)) return *problem;
    if (ctx.args.size() != 1) return invalid("name the draft: /incident approve D-3");
    auto id = parse_draft_id(ctx.args[0].text);
    if (!id) return invalid("\"" + ctx.args[0].text + "\" is not a draft id; drafts are named like D-3");
    return decide_draft(ctx, *id, CardDecision::approve, "", revision);
}

}  // namespace

extern const CommandSpec approve_command{
    "approve", "approve D-N [--revision R]", "approve a draft: it is published once to its audience",
    "The incident's current Crisis Lead decides drafts, including their own; a draft for an audience with "
    "approvers (press: pr) is published once the lead and one of that group approved it. --revision R approves "
    "only if the draft is still at the revision your card shows.", IncidentScope::none, run};

}  // namespace warroom
