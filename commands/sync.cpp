// /incident sync EVERY [WORKSTREAM|all] · /incident sync off [WORKSTREAM|all] · /incident sync
#include "bot/interval.hpp"
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/cadence.hpp"
#include "commands/command.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace {

std::string next_at(Time t) { return format_utc(t); }

// What `sync` alone answers: every cadence of the incident.
Outcome list_cadences(Context& ctx) {
    const Incident& incident = ctx.the_incident();
    std::string text = "Syncs of " + to_string(incident.id) + ":";
    auto line = [&](std::string_view target) {
        auto cadence = sync_cadence(ctx, target);
        text += "\n- " + sync_name(target) + ": " +
                (cadence ? "every " + format_interval(cadence->every) + ", next at " + next_at(cadence->next)
                         : std::string("off"));
    };
    line(kAllHands);
    for (const Workstream& workstream : incident.workstreams) line(workstream.name);
    text += "\nSet one with /incident sync 30m [WORKSTREAM|all]; stop it with /incident sync off [WORKSTREAM|all]";
    return done(text);
}

Outcome run(Context& ctx) {
    Incident& incident = ctx.the_incident();
    if (ctx.args.empty()) {
        if (auto refusal = require_member(ctx, "see the syncs")) return *refusal;
        return list_cadences(ctx);
    }
    if (ctx.args.size() > 2)
        return invalid("say how often and for whom: /incident sync 30m engineering, /incident sync 1h all, or "
                       "/incident sync off engineering");

    // The target: named, or the workstream whose channel this is, or all hands.
    const Workstream* here = incident.workstream_of(ctx.channel);
    std::string target = here ? here->name : std::string(kAllHands);
    if (ctx.args.size() == 2) {
        target = ascii_lower(ctx.args[1].text);
        if (target != kAllHands && !incident.find_workstream(target)) {
            std::string names;
            for (const Workstream& workstream : incident.workstreams) names += workstream.name + ", ";
            return invalid(to_string(incident.id) + " has no workstream \"" + ctx.args[1].text + "\"; name one of " +
                           names + "or all: /incident sync " + ctx.args[0].text + " all");
        }
    }

    // A workstream lead may set the rhythm of their own workstream only.
    if (incident.lead != ctx.caller) {
        const bool own = here && here->lead == ctx.caller && target == here->name;
        if (!own) {
            if (auto refusal = require_lead_or_workstream_lead(ctx, "set " + sync_name(target))) return *refusal;
            return refused("as lead of workstream " + here->name + " you set its sync only: /incident sync " +
                           ctx.args[0].text + " " + here->name + "; " + sync_name(target) + " is the Crisis Lead's (" +
                           mention(incident.lead) + ")");
        }
    }
    if (!incident.is_open())
        return invalid(to_string(incident.id) + " is resolved, so it has no more syncs; reopen it first with "
                       "/incident status investigating");

    const Workstream* workstream = incident.find_workstream(target);
    const ChannelName where = workstream ? workstream->channel : incident.main_channel().name;
    if (ascii_lower(ctx.args[0].text) == "off") {
        if (!stop_sync(ctx, target)) return invalid(sync_name(target) + " is already off");
        ctx.record(EntryKind::note, "stopped " + sync_name(target));
        ctx.post(where, mention(ctx.caller) + " stopped " + sync_name(target));
        return done("Stopped " + sync_name(target));
    }

    auto every = parse_interval(ctx.args[0].text, kShortestCadence, kLongestCadence);
    if (auto* error = std::get_if<IntervalError>(&every))
        return invalid(error->message + "; e.g. /incident sync 30m " + target + " or /incident sync off " + target);
    const Duration cadence = std::get<Duration>(every);
    set_sync(ctx, target, cadence);
    const std::string description = sync_name(target) + " every " + format_interval(cadence) + ", next at " +
                                    next_at(ctx.now + cadence) + " (reminder " +
                                    format_interval(reminder_lead(ctx, cadence)) + " before)";
    ctx.record(EntryKind::note, "set " + description);
    ctx.post(where, mention(ctx.caller) + " set " + description);
    return done("Set " + description);
}

}  // namespace

extern const CommandSpec sync_command{
    "sync", "sync EVERY [WORKSTREAM|all] | sync off [WORKSTREAM|all]", "set or stop a sync cadence",
    "EVERY is like 45s, 30m or 2h. Before each workstream sync its channel is reminded to post an update; at each "
    "all-hands sync a report of every workstream's latest update is posted in the main channel, flagging those with "
    "none since the previous sync. Without a target: this channel's workstream, or all hands in the main channel. "
    "`sync` alone lists the cadences.",
    IncidentScope::required, run};

}  // namespace warroom
