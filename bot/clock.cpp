#include "bot/clock.hpp"

#include <cstdio>
#include <ctime>
#include <fmt/format.h>

namespace warroom {

Time SystemClock::now() const {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::int64_t to_unix_ms(Time t) { return t.time_since_epoch().count(); }
Time from_unix_ms(std::int64_t ms) { return Time{Duration{ms}}; }

std::string format_utc(Time t) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(
        std::chrono::time_point_cast<std::chrono::seconds>(t));
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", parts.tm_year + 1900, parts.tm_mon + 1,
                       parts.tm_mday, parts.tm_hour, parts.tm_min);
}

std::optional<Time> parse_utc(std::string_view text) {
    if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) text.remove_suffix(1);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    char separator = 0;
    const std::string copy(text);
    int consumed = 0;
    const int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2d%c%2d:%2d%n:%2d%n", &year, &month, &day, &separator,
                                   &hour, &minute, &consumed, &second, &consumed);
    if (fields < 6 || static_cast<std::size_t>(consumed) != copy.size()) return std::nullopt;
    if (separator != 'T' && separator != 't' && separator != ' ') return std::nullopt;
    using namespace std::chrono;
    const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 || second < 0)
        return std::nullopt;
    return time_point_cast<milliseconds>(sys_days{date} + hours{hour} + minutes{minute} + seconds{second});
}

std::string format_duration(Duration d) {
    using namespace std::chrono;
    if (d < Duration::zero()) d = Duration::zero();
    auto total = duration_cast<seconds>(d).count();
    auto days = total / 86400, hours = total % 86400 / 3600, minutes = total % 3600 / 60,
         secs = total % 60;
    if (days > 0) return fmt::format("{}d {:02}h {:02}m", days, hours, minutes);
    if (hours > 0) return fmt::format("{}h {:02}m", hours, minutes);
    if (minutes > 0) return fmt::format("{}m {:02}s", minutes, secs);
    return fmt::format("{}s", secs);
}

}  // namespace warroom
