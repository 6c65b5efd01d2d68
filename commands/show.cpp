// /incident show
#include "bot/interval.hpp"
#include "commands/authorize.hpp"
#include "commands/cadence.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_member(ctx, "see its state")) return *refusal;
    if (!ctx.args.empty()) return invalid("show takes no arguments: /incident show");
    const Incident& incident = ctx.the_incident();
    std::string text = to_string(incident.id) + " · " + incident.title +
                       (incident.exercise ? " · EXERCISE (scenario " + incident.scenario + ")" : "") + "\n";
    text += "Severity " + to_string(incident.severity) + " · status " + to_string(incident.status) + " · open for " +
            format_duration((incident.resolved_at ? *incident.resolved_at : ctx.now) - incident.declared_at) + "\n";
    text += "Crisis Lead: " + mention(incident.lead) + " since " + format_utc(incident.lead_since);
    if (incident.nominee) text += " (offered to " + mention(*incident.nominee) + ", not yet accepted)";
    text += "\nChannels:";
    for (const Channel& channel : incident.channels)
        text += " " + to_string(channel.name) + " (" + std::to_string(channel.members.size()) + ")";
    text += "\nWorkstreams:";
    if (incident.workstreams.empty()) text += " none";
    for (const Workstream& workstream : incident.workstreams) {
        text += "\n- " + workstream.name + ": " + (workstream.lead ? "lead " + mention(*workstream.lead) : "no lead");
        if (auto sync = sync_cadence(ctx, workstream.name))
            text += ", sync every " + format_interval(sync->every) + " (next " + format_utc(sync->next) + ")";
    }
    text += "\nRhythm:";
    std::string rhythm;
    if (auto sync = sync_cadence(ctx, kAllHands))
        rhythm += " all-hands sync every " + format_interval(sync->every) + " (next " + format_utc(sync->next) + ")";
    for (const Schedule& row : ctx.tx.pending_schedules(incident.id))
        if (row.kind == ScheduleKind::summary)
            rhythm += std::string(rhythm.empty() ? "" : ";") + " executive summary every " + format_interval(row.every) +
                      " (next " + format_utc(row.due_at) + ")";
    text += rhythm.empty() ? " none (set one with /incident sync 30m all)" : rhythm;
    text += "\nDrafts:";
    const std::vector<Draft> drafts = ctx.tx.drafts(incident.id);
    if (drafts.empty()) text += " none";
    for (const Draft& draft : drafts)
        text += "\n- " + to_string(draft.id) + " " + draft.audience + " by " + mention(draft.author) + ": " +
                describe_state(draft) + (draft.decided_by ? " (" + mention(*draft.decided_by) + ")" : std::string());
    return done(text);
}

}  // namespace

extern const CommandSpec show_command{"show", "show", "show this incident's state, workstreams and drafts", "",
                                      IncidentScope::required, run};

}  // namespace warroom
