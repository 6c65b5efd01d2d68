#pragma once
// What the bot does when one of an incident's schedules comes due. The engine
// calls fire_schedule() inside a transaction with ctx.caller set to the bot
// and ctx.incident loaded; each kind lives with the practice it belongs to.
#include "bot/schedule.hpp"
#include "commands/command.hpp"

namespace warroom {

void fire_schedule(Context& ctx, const Schedule& schedule);

void fire_sync_reminder(Context& ctx, const Schedule& schedule);        // sync_jobs.cpp
void fire_sync(Context& ctx, const Schedule& schedule);                 // sync_jobs.cpp
void fire_summary(Context& ctx, const Schedule& schedule);              // summary_cadence.cpp
void fire_summary_reminder(Context& ctx, const Schedule& schedule);     // summary_cadence.cpp
void fire_escalation_deadline(Context& ctx, const Schedule& schedule);  // escalate.cpp
void fire_exercise_inject(Context& ctx, const Schedule& schedule);      // exercise.cpp

// Adds a schedule for ctx's incident.
ScheduleId schedule(Context& ctx, ScheduleKind kind, std::string target, Time due_at, Duration every = {});
// Cancels ctx's incident's pending schedules of `kind` for `target`; returns how many.
int cancel_schedules(Context& ctx, ScheduleKind kind, std::string_view target);

}  // namespace warroom
