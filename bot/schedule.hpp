#pragma once
// Something the bot must do at a given time for an incident: remind before a
// sync, hold a sync, prepare a summary, re-raise an undecided escalation, post
// an exercise inject. Schedules are rows in storage, so they survive a
// restart; each fires once. A recurring schedule is followed by its next
// occurrence; one that came due several times while the bot was down fires
// once, and the next occurrence is the first one still in the future.
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/ids.hpp"

namespace warroom {

enum class ScheduleKind {
    sync_reminder,        // target: workstream name, or "all"
    sync,                 // target: workstream name, or "all"
    summary,              // target: ""
    summary_reminder,     // target: the draft, "D-N"
    escalation_deadline,  // target: the request, "E-N"
    exercise_inject,      // target: the inject's index in the scenario, "0", "1", ...
};

enum class ScheduleState { pending, fired, cancelled };

std::string to_string(ScheduleKind kind);
std::optional<ScheduleKind> parse_schedule_kind(std::string_view text);
std::string to_string(ScheduleState state);
std::optional<ScheduleState> parse_schedule_state(std::string_view text);

struct Schedule {
    ScheduleId id;                     // assigned by storage
    IncidentId incident;
    ScheduleKind kind = ScheduleKind::summary;
    std::string target;
    Time due_at{};
    Duration every{0};                 // zero: fires once; otherwise recurs
    ScheduleState state = ScheduleState::pending;
    std::optional<Time> done_at;       // when it fired or was cancelled

    bool recurs() const { return every > Duration::zero(); }
};

// The first occurrence of a recurring schedule after `now`.
Time next_occurrence(const Schedule& schedule, Time now);

}  // namespace warroom
