#include "bot/interval.hpp"

#include <charconv>

namespace warroom {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

std::variant<Duration, IntervalError> parse_interval(std::string_view text, Duration min, Duration max) {
    const std::string example = "write it like 45s, 30m, 2h or 1h30m";
    if (text.empty()) return IntervalError{"the interval is missing: " + example};
    if (text.front() == '-')
        return IntervalError{quoted(text) + " is negative: an interval counts forward; " + example};
    Duration total{0};
    std::string_view rest = text;
    while (!rest.empty()) {
        std::int64_t number = 0;
        auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
        if (ec == std::errc::result_out_of_range) return IntervalError{quoted(text) + " is far too long"};
        if (ec != std::errc{} || end == rest.data()) return IntervalError{quoted(text) + " is not an interval: " + example};
        rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
        if (rest.empty())
            return IntervalError{quoted(text) + " has no unit: add s, m, h or d (e.g. " + std::string(text) + "m)"};
        // Bound each part before multiplying so no overflow is possible.
        if (number > 100000) return IntervalError{quoted(text) + " is far too long"};
        switch (rest.front()) {
            case 's': total += seconds(number); break;
            case 'm': total += minutes(number); break;
            case 'h': total += hours(number); break;
            case 'd': total += days(number); break;
            default:
                return IntervalError{quoted(text) + " uses the unit \"" + std::string(1, rest.front()) +
                                     "\", which warroom does not know: use s, m, h or d"};
        }
        rest.remove_prefix(1);
    }
    if (total < min)
        return IntervalError{quoted(text) + " is too short: the shortest allowed here is " + format_interval(min)};
    if (total > max)
        return IntervalError{quoted(text) + " is too long: the longest allowed here is " + format_interval(max)};
    return total;
}

std::string format_interval(Duration d) {
    if (d <= Duration::zero()) return "0s";
    auto s = std::chrono::duration_cast<seconds>(d).count();
    std::string out;
    const std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    for (auto [size, unit] : units) {
        if (s >= size) {
            out += std::to_string(s / size) + unit;
            s %= size;
        }
    }
    return out;
}

}  // namespace warroom
