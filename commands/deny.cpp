// /incident deny E-N REASON
#include "commands/command.hpp"
#include "commands/escalation_decide.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (ctx.args.empty()) return invalid("say which request you deny and why: /incident deny E-1 REASON");
    const std::string& word = ctx.args[0].text;
    const auto id = parse_escalation_id(word);
    if (!id)
        return invalid("\"" + word + "\" is not an escalation id; requests are named like E-1: /incident deny E-1 "
                       "REASON");
    const std::string reason = ctx.args.rest(1);
    if (reason.empty()) {
        // Someone who may not decide E-N at all learns that first (and it is
        // recorded), rather than being asked for a reason that would not help.
        Escalation escalation;
        if (auto stop = open_for_decision(ctx, *id, escalation)) return *stop;
        return invalid("say why you deny " + to_string(*id) +
                       ", so the team knows what to do instead: /incident deny " + to_string(*id) + " REASON");
    }
    return decide_escalation(ctx, *id, false, reason);
}

}  // namespace

extern const CommandSpec deny_command{
    "deny", "deny E-N REASON", "executives: deny an escalation request",
    "Only the playbook's executives decide escalations, once; the card's Deny button does the same. The reason "
    "is posted in the incident's main channel and sent to whoever asked, so the team can plan around it.",
    IncidentScope::none, run};

}  // namespace warroom
