#pragma once
// A token bucket per user (no one person can flood the bot): at
// most `burst` at once, and one more every `refill`. Kept in memory, per
// process: a restart forgets it, which only ever lets someone do more.
#include <map>
#include <optional>

#include "bot/clock.hpp"
#include "bot/ids.hpp"

namespace warroom {

struct UserLimit {
    int burst = 1;                       // how many at once
    Duration refill = std::chrono::minutes(1);   // one more after each such interval
};

class UserLimiter {
public:
    explicit UserLimiter(UserLimit limit) : limit_(limit) {}

    // How long `user` must wait before the next one is allowed; nullopt: now.
    std::optional<Duration> wait_before(const UserId& user, Time now) const;
    // Counts one for `user`, allowed or not (the caller asked wait_before).
    void take(const UserId& user, Time now);

    // True the first time a user is refused since they last had room: the one
    // time they are told so, rather than at every attempt.
    bool first_refusal(const UserId& user, Time now);

    const UserLimit& limit() const { return limit_; }

private:
    // The generic cell rate algorithm: one time per user, the moment their
    // bucket would be full again. Users whose bucket is full are forgotten.
    struct State {
        Time full_at;
        bool told = false;
    };
    void forget_the_full(Time now);

    UserLimit limit_;
    std::map<UserId, State> users_;
    std::size_t takes_since_sweep_ = 0;
};

}  // namespace warroom
