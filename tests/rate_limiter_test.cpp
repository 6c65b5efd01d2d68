// Slack's rate limits kept before sending: bursts, then calls spread evenly;
// chat.postMessage per channel; a 429's pause holds every call.
#include <catch2/catch.hpp>

#include <vector>

#include "adapters/slack/rate_limiter.hpp"

using namespace warroom::slack;
using namespace std::chrono_literals;
using TimePoint = RateLimiter::TimePoint;

namespace {

// A fixed start far from the clock's epoch: no clock is read.
const TimePoint kStart = TimePoint{} + 1000h;

}  // namespace

TEST_CASE("Rate limiter knows Slack's tiers", "[slack_client]") {
    CHECK(tier_calls_per_minute("apps.connections.open") == 1);
    CHECK(tier_calls_per_minute("conversations.create") == 20);
    CHECK(tier_calls_per_minute("conversations.setTopic") == 20);
    CHECK(tier_calls_per_minute("conversations.invite") == 50);
    CHECK(tier_calls_per_minute("chat.update") == 50);
    CHECK(tier_calls_per_minute("chat.postEphemeral") == 100);
    CHECK(tier_calls_per_minute("some.future.method") == 50);
}

TEST_CASE("Rate limiter allows a burst, then spaces calls evenly", "[slack_client]") {
    RateLimiter limits;
    // Tier 2: 20 a minute, a burst of 5, then one every 3 s.
    for (int i = 0; i < 5; ++i) CHECK(limits.reserve("conversations.create", "", kStart) == kStart);
    CHECK(limits.reserve("conversations.create", "", kStart) == kStart + 3s);
    CHECK(limits.reserve("conversations.create", "", kStart) == kStart + 6s);
    // Other methods have budgets of their own.
    CHECK(limits.reserve("chat.update", "", kStart) == kStart);

    // After a quiet minute the burst is back.
    const TimePoint later = kStart + 2min;
    for (int i = 0; i < 5; ++i) CHECK(limits.reserve("conversations.create", "", later) == later);
    CHECK(limits.reserve("conversations.create", "", later) == later + 3s);
}

TEST_CASE("Rate limiter refills gradually rather than all at once", "[slack_client]") {
    RateLimiter limits;
    for (int i = 0; i < 5; ++i) limits.reserve("conversations.create", "", kStart);
    // 3 s later one call's worth has come back, no more.
    CHECK(limits.reserve("conversations.create", "", kStart + 3s) == kStart + 3s);
    CHECK(limits.reserve("conversations.create", "", kStart + 3s) == kStart + 6s);
}

TEST_CASE("Rate limiter spaces chat.postMessage per channel, channels independent", "[slack_client]") {
    RateLimiter limits;
    // A short burst of 3 in one channel, then one a second.
    for (int i = 0; i < 3; ++i) CHECK(limits.reserve("chat.postMessage", "C1", kStart) == kStart);
    CHECK(limits.reserve("chat.postMessage", "C1", kStart) == kStart + 1s);
    CHECK(limits.reserve("chat.postMessage", "C1", kStart) == kStart + 2s);
    // Another channel is not held up by the first.
    for (int i = 0; i < 3; ++i) CHECK(limits.reserve("chat.postMessage", "C2", kStart) == kStart);
    CHECK(limits.reserve("chat.postMessage", "C2", kStart) == kStart + 1s);
}

TEST_CASE("Rate limiter holds chat.postMessage to a workspace-wide cap", "[slack_client]") {
    RateLimiter limits;
    const int per_minute = tier_calls_per_minute("chat.postMessage");
    REQUIRE(per_minute >= 100);
    TimePoint last = kStart;
    // One message in each of many channels: the per-channel buckets never bind,
    // the workspace's does once its burst is spent.
    for (int i = 0; i < per_minute; ++i) last = limits.reserve("chat.postMessage", "C" + std::to_string(i), kStart);
    CHECK(last > kStart + 30s);
    CHECK(last < kStart + 1min);
}

TEST_CASE("Rate limiter pause_until delays every method", "[slack_client]") {
    RateLimiter limits;
    limits.pause_until(kStart + 10s);
    CHECK(limits.paused_until() == kStart + 10s);
    CHECK(limits.reserve("chat.update", "", kStart) == kStart + 10s);
    CHECK(limits.reserve("chat.postMessage", "C1", kStart + 1s) == kStart + 10s);
    CHECK(limits.reserve("users.info", "", kStart + 11s) == kStart + 11s);
    // An earlier pause does not shorten a later one.
    limits.pause_until(kStart + 5s);
    CHECK(limits.paused_until() == kStart + 10s);
}

TEST_CASE("Rate limiter keeps reservations in order", "[slack_client]") {
    RateLimiter limits;
    std::vector<TimePoint> slots;
    // Callers arriving one after another get slots that never go backwards,
    // and after the burst they are exactly one interval (1.2 s, Tier 3) apart.
    for (int i = 0; i < 30; ++i) slots.push_back(limits.reserve("conversations.invite", "", kStart + i * 100ms));
    for (std::size_t i = 1; i < slots.size(); ++i) CHECK(slots[i] >= slots[i - 1]);
    CHECK(slots.back() - slots[slots.size() - 2] == 1200ms);
}

TEST_CASE("Rate limiter lets Tier 1 reopen every Socket Mode connection at once, then one a minute", "[slack_client]") {
    RateLimiter limits;
    for (int i = 0; i < 10; ++i) CHECK(limits.reserve("apps.connections.open", "", kStart) == kStart);
    CHECK(limits.reserve("apps.connections.open", "", kStart) == kStart + 1min);
}
