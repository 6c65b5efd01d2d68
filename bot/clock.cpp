#include "bot/clock.hpp"

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
