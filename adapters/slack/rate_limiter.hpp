#pragma once
// Slack's rate limits, enforced before sending rather than discovered by
// failing: each Web API method has a per-minute budget by its tier, and
// chat.postMessage about one message per second per channel (short bursts
// tolerated). A 429 pauses every call until Slack's Retry-After has passed.
// Pure bookkeeping over a time point: the caller waits until the time returned.
#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace warroom::slack {

// Calls per minute Slack allows for `method` (Tier 1: 1, Tier 2: 20, Tier 3: 50,
// Tier 4: 100); methods not listed are treated as Tier 3.
int tier_calls_per_minute(std::string_view method);

class RateLimiter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    // Reserves the earliest slot at or after `now` for one call of `method`
    // (to `channel`, "" when it names none) and returns it; the caller sends
    // at that time. Reservations are kept, so callers queue up in order.
    TimePoint reserve(std::string_view method, std::string_view channel, TimePoint now);

    // After a 429: nothing goes out before `until`.
    void pause_until(TimePoint until);
    // The end of the current pause (a time in the past when there is none). A
    // caller that reserved its slot before a 429 arrived waits for this too.
    TimePoint paused_until() const { return paused_until_; }

private:
    // A token bucket in the form of the generic cell rate algorithm: it
    // refills one call per `interval` and holds `capacity` calls. `next_due`
    // is when the next call would be due if calls were spaced evenly after
    // all reservations so far; a burst may run up to (capacity - 1) intervals
    // ahead of it.
    struct Bucket {
        TimePoint next_due{};
    };
    struct Budget {
        int capacity;                                   // calls at once, at least 1
        std::chrono::steady_clock::duration interval;   // one call's share of the minute
    };
    static TimePoint earliest(const Bucket& bucket, const Budget& budget, TimePoint at);
    static void take(Bucket& bucket, const Budget& budget, TimePoint at);

    std::map<std::string, Bucket, std::less<>> methods_;
    std::map<std::string, Bucket, std::less<>> channels_;
    TimePoint paused_until_{};
};

}  // namespace warroom::slack
