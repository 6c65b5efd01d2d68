// /incident impact TEXT: who and what was affected, as the review will state it.
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_lead_or_workstream_lead(ctx, "record the impact")) return *refusal;
    const std::string text = ctx.args.rest(0);
    if (text.empty())
        return invalid("say who and what was affected: /incident impact 14 mailboxes received the lure, 3 accounts "
                       "were used for 40 minutes");
    if (auto problem = check_user_text(text, "the impact"); !problem.empty()) return invalid(problem);
    Incident& incident = ctx.the_incident();
    if (text == incident.impact) return invalid("that impact is already recorded for " + to_string(incident.id));

    // The latest statement wins in the review; earlier ones stay on the timeline.
    const bool replaces = !incident.impact.empty();
    incident.impact = text;
    ctx.tx.save(incident);
    ctx.record(EntryKind::impact, text);
    const ChannelName where = incident.find_channel(ctx.channel) ? ctx.channel : incident.main_channel().name;
    ctx.post(where, "Impact recorded by " + mention(ctx.caller) + ": " + text);
    return done(std::string(replaces ? "Impact updated (the earlier statement stays on the timeline)"
                                     : "Impact recorded") +
                "; it goes into the review: /incident review");
}

}  // namespace

extern const CommandSpec impact_command{
    "impact", "impact TEXT", "record the impact for the review",
    "The Crisis Lead, or a workstream lead in their workstream's channel. Works after resolution too; the latest "
    "statement is the one the review shows.",
    IncidentScope::required, run};

}  // namespace warroom
