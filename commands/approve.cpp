// /incident approve D-N
#include "commands/command.hpp"
#include "commands/decide.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (ctx.args.size() != 1) return invalid("name the draft: /incident approve D-3");
    auto id = parse_draft_id(ctx.args[0].text);
    if (!id) return invalid("\"" + ctx.args[0].text + "\" is not a draft id; drafts are named like D-3");
    return decide_draft(ctx, *id, CardDecision::approve, "");
}

}  // namespace

extern const CommandSpec approve_command{
    "approve", "approve D-N", "approve a draft: it is published once to its audience",
    "Only the incident's current Crisis Lead decides drafts, including their own.", IncidentScope::none, run};

}  // namespace warroom
