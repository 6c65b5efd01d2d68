#include "bot/schedule.hpp"

#include <array>
#include <utility>

namespace warroom {
namespace {

constexpr std::array<std::pair<ScheduleKind, const char*>, 6> kKinds{{
    {ScheduleKind::sync_reminder, "sync_reminder"},
    {ScheduleKind::sync, "sync"},
    {ScheduleKind::summary, "summary"},
    {ScheduleKind::summary_reminder, "summary_reminder"},
    {ScheduleKind::escalation_deadline, "escalation_deadline"},
    {ScheduleKind::exercise_inject, "exercise_inject"},
}};

constexpr std::array<std::pair<ScheduleState, const char*>, 3> kStates{{
    {ScheduleState::pending, "pending"},
    {ScheduleState::fired, "fired"},
    {ScheduleState::cancelled, "cancelled"},
}};

template <class Enum, std::size_t N>
std::string name_of(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
    for (auto& [v, name] : names)
        if (v == value) return name;
    return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, const char*>, N>& names, std::string_view text) {
    for (auto& [v, name] : names)
        if (text == name) return v;
    return std::nullopt;
}

}  // namespace

std::string to_string(ScheduleKind kind) { return name_of(kKinds, kind); }
std::optional<ScheduleKind> parse_schedule_kind(std::string_view text) { return value_of(kKinds, text); }
std::string to_string(ScheduleState state) { return name_of(kStates, state); }
std::optional<ScheduleState> parse_schedule_state(std::string_view text) { return value_of(kStates, text); }

Time next_occurrence(const Schedule& schedule, Time now) {
    if (!schedule.recurs() || schedule.due_at > now) return schedule.due_at;
    const auto missed = (now - schedule.due_at) / schedule.every;   // whole periods already past
    return schedule.due_at + (missed + 1) * schedule.every;
}

}  // namespace warroom
