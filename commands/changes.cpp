// /incident changes D-N REASON
#include "commands/command.hpp"
#include "commands/decide.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    std::optional<int> revision;
    if (auto problem = take_revision_option(ctx, revision)) return *problem;
    if (ctx.args.empty()) return invalid("name the draft and give a reason: /incident changes D-3 name the affected product");
    auto id = parse_draft_id(ctx.args[0].text);
    if (!id) return invalid("\"" + ctx.args[0].text + "\" is not a draft id; drafts are named like D-3");
    if (ctx.args.size() < 2)
        return invalid("give the author a reason: /incident changes " + ctx.args[0].text + " name the affected product");
    return decide_draft(ctx, *id, CardDecision::request_changes, ctx.args.rest(1), revision);
}

}  // namespace

extern const CommandSpec changes_command{
    "changes", "changes D-N REASON [--revision R]", "send a draft back to its author for changes",
    "The incident's current Crisis Lead decides drafts (and, for an audience with approvers, a member of that "
    "group). The author is told the reason.",
    IncidentScope::none, run};

}  // namespace warroom
