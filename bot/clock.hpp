#pragma once
// Time as the core sees it: an injected clock, so tests and the console's
// simulated mode run without sleeping.
#include <chrono>
#include <optional>
#include <string_view>
#include <string>

namespace warroom {

using Time = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

class Clock {
public:
    virtual ~Clock() = default;
    virtual Time now() const = 0;
};

class SystemClock final : public Clock {
public:
    Time now() const override;
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
public:
    explicit ManualClock(Time start) : now_(start) {}
    Time now() const override { return now_; }
    void advance(Duration by) { now_ += by; }
    void set(Time to) { now_ = to; }

private:
    Time now_;
};

std::int64_t to_unix_ms(Time t);
Time from_unix_ms(std::int64_t ms);
std::string format_utc(Time t);             // "2026-11-29 01:56 UTC"
std::string format_duration(Duration d);    // "2h 05m", "45s"
// "2026-11-29T09:00Z", "2026-11-29T09:00:30Z" or "2026-11-29 09:00" (always UTC).
std::optional<Time> parse_utc(std::string_view text);

}  // namespace warroom
