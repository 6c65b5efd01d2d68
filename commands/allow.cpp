// /incident allow E-N [COMMENT]
#include "commands/command.hpp"
#include "commands/escalation_decide.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (ctx.args.empty()) return invalid("say which request you allow: /incident allow E-1 [COMMENT]");
    const std::string& word = ctx.args[0].text;
    const auto id = parse_escalation_id(word);
    if (!id)
        return invalid("\"" + word + "\" is not an escalation id; requests are named like E-1: /incident allow E-1 "
                       "[COMMENT]");
    return decide_escalation(ctx, *id, true, ctx.args.rest(1));
}

}  // namespace

extern const CommandSpec allow_command{
    "allow", "allow E-N [COMMENT]", "executives: allow an escalation request",
    "Only the playbook's executives decide escalations, once; the card's Allow button does the same. The "
    "decision and the comment are posted in the incident's main channel and sent to whoever asked.",
    IncidentScope::none, run};

}  // namespace warroom
