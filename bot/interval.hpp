#pragma once
// Intervals typed by people and written in playbooks: "45s", "30m", "2h",
// "1h30m", "1d". Used for sync cadences, deadlines and exercise offsets.
#include <string>
#include <string_view>
#include <variant>

#include "bot/clock.hpp"

namespace warroom {

struct IntervalError {
    std::string message;               // says what to write instead
};

// Parses TEXT as an interval within [min, max]; both bounds are named in the
// error so the user knows what would be accepted.
std::variant<Duration, IntervalError> parse_interval(std::string_view text, Duration min, Duration max);

// "30m", "1h30m", "45s": the shortest text parse_interval reads back as `d`.
std::string format_interval(Duration d);

}  // namespace warroom
