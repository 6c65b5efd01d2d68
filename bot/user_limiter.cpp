#include "bot/user_limiter.hpp"

#include <algorithm>

namespace warroom {

namespace {

// Every so many takes, the users whose bucket filled up again are dropped, so
// the map holds only those who did something within `burst × refill`.
constexpr std::size_t kSweepEvery = 256;

}  // namespace

std::optional<Duration> UserLimiter::wait_before(const UserId& user, Time now) const {
    const auto found = users_.find(user);
    if (found == users_.end()) return std::nullopt;
    // Full at full_at; each take moved it one refill later. Room for one more
    // while full_at is at most (burst - 1) refills ahead.
    const Duration headroom = limit_.refill * (limit_.burst - 1);
    const Time allowed_from = found->second.full_at - headroom;
    if (allowed_from <= now) return std::nullopt;
    return std::chrono::duration_cast<Duration>(allowed_from - now);
}

void UserLimiter::take(const UserId& user, Time now) {
    const bool had_room = !wait_before(user, now);
    State& state = users_.try_emplace(user, State{now, false}).first->second;
    if (had_room) state.told = false;
    state.full_at = std::max(state.full_at, now) + limit_.refill;
    if (++takes_since_sweep_ >= kSweepEvery) forget_the_full(now);
}

bool UserLimiter::first_refusal(const UserId& user, Time now) {
    auto found = users_.find(user);
    if (found == users_.end() || !wait_before(user, now)) return false;
    if (found->second.told) return false;
    found->second.told = true;
    return true;
}

void UserLimiter::forget_the_full(Time now) {
    takes_since_sweep_ = 0;
    std::erase_if(users_, [&](const auto& entry) { return entry.second.full_at <= now; });
}

}  // namespace warroom
