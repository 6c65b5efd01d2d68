#include "commands/cadence.hpp"

#include "bot/interval.hpp"
#include "commands/scheduled.hpp"

namespace warroom {

Duration reminder_lead(const Context& ctx, Duration every) {
    return std::min(ctx.playbook.timing.sync_reminder_before, every / 2);
}

std::string sync_name(std::string_view target) {
    return target == kAllHands ? "the all-hands sync" : "the " + std::string(target) + " sync";
}

void set_sync(Context& ctx, const std::string& target, Duration every) {
    stop_sync(ctx, target);
    const Time first = ctx.now + every;
    schedule(ctx, ScheduleKind::sync, target, first, every);
    schedule(ctx, ScheduleKind::sync_reminder, target, first - reminder_lead(ctx, every), every);
}

bool stop_sync(Context& ctx, const std::string& target) {
    cancel_schedules(ctx, ScheduleKind::sync_reminder, target);
    return cancel_schedules(ctx, ScheduleKind::sync, target) > 0;
}

std::optional<SyncCadence> sync_cadence(Context& ctx, std::string_view target) {
    for (const Schedule& row : ctx.tx.pending_schedules(ctx.the_incident().id))
        if (row.kind == ScheduleKind::sync && row.target == target) return SyncCadence{row.every, row.due_at};
    return std::nullopt;
}

void start_default_cadences(Context& ctx) {
    const Incident& incident = ctx.the_incident();
    const Cadence& cadence = ctx.playbook.policy(incident.severity).cadence;
    if (cadence.all_hands_sync) set_sync(ctx, std::string(kAllHands), *cadence.all_hands_sync);
    if (cadence.workstream_sync)
        for (const Workstream& workstream : incident.workstreams) set_sync(ctx, workstream.name, *cadence.workstream_sync);
    if (cadence.summary) {
        cancel_schedules(ctx, ScheduleKind::summary, "");
        schedule(ctx, ScheduleKind::summary, "", ctx.now + *cadence.summary, *cadence.summary);
    }
}

void start_workstream_cadence(Context& ctx, const std::string& workstream) {
    const Cadence& cadence = ctx.playbook.policy(ctx.the_incident().severity).cadence;
    if (cadence.workstream_sync) set_sync(ctx, workstream, *cadence.workstream_sync);
}

std::string describe(const Cadence& cadence) {
    std::string text;
    auto add = [&](std::string_view what, const std::optional<Duration>& every) {
        if (every) text += (text.empty() ? "" : ", ") + std::string(what) + " every " + format_interval(*every);
    };
    add("all-hands sync", cadence.all_hands_sync);
    add("workstream syncs", cadence.workstream_sync);
    add("summary", cadence.summary);
    return text;
}

void stop_all_schedules(Context& ctx) {
    for (Schedule row : ctx.tx.pending_schedules(ctx.the_incident().id)) {
        row.state = ScheduleState::cancelled;
        row.done_at = ctx.now;
        ctx.tx.save(row);
    }
}

bool missed_sync(const Workstream& workstream, std::optional<Time> last_update, Time previous) {
    if (workstream.opened_at > previous) return false;   // opened since: it had no sync to miss yet
    return !last_update || *last_update < previous;
}

}  // namespace warroom
