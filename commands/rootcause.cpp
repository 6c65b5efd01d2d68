// /incident rootcause TEXT: the root cause as the review will state it.
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_lead_or_workstream_lead(ctx, "record the root cause")) return *refusal;
    const std::string text = ctx.args.rest(0);
    if (text.empty())
        return invalid("say what caused it: /incident rootcause Phishing mail passed the gateway's lookalike-domain "
                       "filter");
    if (auto problem = check_user_text(text, "the root cause"); !problem.empty()) return invalid(problem);
    Incident& incident = ctx.the_incident();
    if (text == incident.root_cause)
        return invalid("that root cause is already recorded for " + to_string(incident.id));

    // The latest statement wins in the review; earlier ones stay on the timeline.
    const bool replaces = !incident.root_cause.empty();
    incident.root_cause = text;
    ctx.tx.save(incident);
    ctx.record(EntryKind::rootcause, text);
    const ChannelName where = incident.find_channel(ctx.channel) ? ctx.channel : incident.main_channel().name;
    ctx.post(where, "Root cause recorded by " + mention(ctx.caller) + ": " + text);
    return done(std::string(replaces ? "Root cause updated (the earlier one stays on the timeline)"
                                     : "Root cause recorded") +
                "; it goes into the review: /incident review");
}

}  // namespace

extern const CommandSpec rootcause_command{
    "rootcause", "rootcause TEXT", "record the root cause for the review",
    "The Crisis Lead, or a workstream lead in their workstream's channel. Works after resolution too; the latest "
    "root cause is the one the review states.",
    IncidentScope::required, run};

}  // namespace warroom
