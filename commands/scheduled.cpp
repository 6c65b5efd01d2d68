#include "commands/scheduled.hpp"

namespace warroom {

void fire_schedule(Context& ctx, const Schedule& schedule) {
    switch (schedule.kind) {
        case ScheduleKind::sync_reminder: return fire_sync_reminder(ctx, schedule);
        case ScheduleKind::sync: return fire_sync(ctx, schedule);
        case ScheduleKind::summary: return fire_summary(ctx, schedule);
        case ScheduleKind::summary_reminder: return fire_summary_reminder(ctx, schedule);
        case ScheduleKind::escalation_deadline: return fire_escalation_deadline(ctx, schedule);
        case ScheduleKind::exercise_inject: return fire_exercise_inject(ctx, schedule);
    }
}

ScheduleId schedule(Context& ctx, ScheduleKind kind, std::string target, Time due_at, Duration every) {
    Schedule row;
    row.incident = ctx.the_incident().id;
    row.kind = kind;
    row.target = std::move(target);
    row.due_at = due_at;
    row.every = every;
    return ctx.tx.add(row);
}

int cancel_schedules(Context& ctx, ScheduleKind kind, std::string_view target) {
    int cancelled = 0;
    for (Schedule row : ctx.tx.pending_schedules(ctx.the_incident().id)) {
        if (row.kind != kind || row.target != target) continue;
        row.state = ScheduleState::cancelled;
        row.done_at = ctx.now;
        ctx.tx.save(row);
        ++cancelled;
    }
    return cancelled;
}

}  // namespace warroom
