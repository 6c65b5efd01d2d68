#pragma once
// The growing pause between attempts at something that keeps failing (a
// reconnect, a sync, a login, a delivery, a database read), with jitter.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace warroom {

// Pauses of `first`, then doubling up to `max`; reset() after a success
// starts again from `first`. Each pause is jittered:
//
// "Equal jitter": a pause is drawn uniformly from [(1 - jitter) * base, base],
// base being the doubling value (by default between half and all of it, as
// Socket Mode's reconnects always were). Replicas restarted together, or every
// replica that lost Slack or Matrix in the same outage, would otherwise retry
// in lockstep (all at 0.5 s, 1 s, 2 s... after it) and hit the service as one
// herd each round; a random share of each pause spreads them out within a few
// rounds. Not "full jitter" ([0, base]): a pause near zero makes retrying a
// server that is down almost a hot loop, and the log's "trying again in N ms"
// would no longer say roughly how long things take. A pause never exceeds its
// base, so never `max`: a test that lowers the max keeps its speed.
class Backoff {
public:
    using milliseconds = std::chrono::milliseconds;
    // Uniform doubles in [0, 1).
    using Random = std::function<double()>;
    static constexpr double kDefaultJitter = 0.5;

    // Random from a generator seeded by std::random_device. `first` above `max`
    // is cut to `max`; negative durations count as zero; `jitter` (the random
    // share of each pause) is kept within [0, 1].
    Backoff(milliseconds first, milliseconds max, double jitter = kDefaultJitter);
    // The same with a seeded generator: the same seed, the same pauses (tests).
    Backoff(milliseconds first, milliseconds max, double jitter, std::uint64_t seed);
    // The same with any source of uniform doubles in [0, 1).
    Backoff(milliseconds first, milliseconds max, double jitter, Random random);

    // The pause to wait now (jittered: what the log should print), then the
    // base doubles for the next one, up to max.
    milliseconds next();
    // The same, but at least `at_least` (a server's Retry-After), even above
    // max: the server said when it will answer. The base doubles as usual.
    milliseconds next(std::optional<milliseconds> at_least);
    // After a success: the next pause is based on `first` again.
    void reset();

    // The base of the next pause, before jitter.
    milliseconds current() const { return base_; }
    milliseconds first() const { return first_; }
    milliseconds max() const { return max_; }

private:
    milliseconds first_;
    milliseconds max_;
    double jitter_;
    Random random_;
    milliseconds base_;
};

}  // namespace warroom
