#include "adapters/slack/rate_limiter.hpp"

#include <algorithm>
#include <utility>

#include "bot/metrics.hpp"

namespace warroom::slack {
namespace {

using std::chrono::steady_clock;

// Slack's documented tiers (api.slack.com/methods/<method>, "Rate limits").
// Where the lead's notes and Slack's pages differ, the lower figure is used.
constexpr std::pair<std::string_view, int> kTiers[] = {
    // Tier 1: 1+ per minute, "a small amount of burst behavior is tolerated".
    {"apps.connections.open", 1},
    // Tier 2: 20+ per minute.
    {"conversations.create", 20},
    {"conversations.list", 20},
    {"conversations.setTopic", 20},
    {"conversations.setPurpose", 20},
    {"conversations.archive", 20},
    {"users.list", 20},
    {"pins.add", 20},
    // Tier 3: 50+ per minute.
    {"conversations.invite", 50},
    {"conversations.join", 50},
    {"conversations.history", 50},
    {"conversations.info", 50},
    {"conversations.open", 50},
    {"chat.update", 50},
    {"chat.delete", 50},
    {"users.info", 50},
    // Tier 4: 100+ per minute.
    {"chat.postEphemeral", 100},
    {"conversations.members", 100},
    {"chat.getPermalink", 100},
    // Special tiers, budgeted like Tier 4.
    {"auth.test", 100},
    {"users.lookupByEmail", 100},
    // Special: about one per second per channel (see kPerChannel) under a workspace-wide cap.
    {"chat.postMessage", 300},
};

constexpr int kDefaultCallsPerMinute = 50;   // Tier 3 for anything not listed

// chat.postMessage in one channel: one a second, with a short burst, so that
// a long post split in pieces goes out at once and a stream of them is spread.
constexpr int kPerChannelBurst = 3;
constexpr auto kPerChannelInterval = std::chrono::seconds(1);

// Tier 1 ("1+ per minute", "a small amount of burst behavior is tolerated")
// is apps.connections.open. An app may hold up to 10 Socket Mode connections,
// and reopening each promptly after a refresh or a drop matters more than the
// nominal rate (a 429 is honoured anyway), so the burst covers 10; a
// connection that keeps failing is then held to one attempt a minute.
constexpr int kTier1Burst = 10;

RateLimiter::TimePoint later(RateLimiter::TimePoint a, RateLimiter::TimePoint b) { return std::max(a, b); }

}  // namespace

int tier_calls_per_minute(std::string_view method) {
    for (const auto& [name, calls] : kTiers)
        if (name == method) return calls;
    return kDefaultCallsPerMinute;
}

RateLimiter::TimePoint RateLimiter::earliest(const Bucket& bucket, const Budget& budget, TimePoint at) {
    const auto burst_allowance = (budget.capacity - 1) * budget.interval;
    return later(at, bucket.next_due - burst_allowance);
}

void RateLimiter::take(Bucket& bucket, const Budget& budget, TimePoint at) {
    bucket.next_due = later(bucket.next_due, at) + budget.interval;
}

RateLimiter::TimePoint RateLimiter::reserve(std::string_view method, std::string_view channel, TimePoint now) {
    const int per_minute = std::max(1, tier_calls_per_minute(method));
    Budget method_budget{
        per_minute == 1 ? kTier1Burst : std::max(1, per_minute / 4),
        std::chrono::duration_cast<steady_clock::duration>(std::chrono::minutes(1)) / per_minute,
    };

    auto method_bucket = methods_.find(method);
    if (method_bucket == methods_.end()) method_bucket = methods_.emplace(std::string(method), Bucket{}).first;

    // Each bucket's earliest time is "at, or a fixed time if later", so one
    // pass over the buckets finds the first time that suits them all.
    TimePoint slot = later(now, paused_until_);
    slot = earliest(method_bucket->second, method_budget, slot);

    Bucket* channel_bucket = nullptr;
    const Budget channel_budget{kPerChannelBurst, kPerChannelInterval};
    if (method == "chat.postMessage" && !channel.empty()) {
        auto it = channels_.find(channel);
        if (it == channels_.end()) it = channels_.emplace(std::string(channel), Bucket{}).first;
        channel_bucket = &it->second;
        slot = earliest(*channel_bucket, channel_budget, slot);
    }

    take(method_bucket->second, method_budget, slot);
    if (channel_bucket) take(*channel_bucket, channel_budget, slot);
    // Waiting out a 429 was counted when it came; this counts warroom's own pacing.
    if (slot > later(now, paused_until_)) metrics::rate_limit_paused();
    return slot;
}

void RateLimiter::pause_until(TimePoint until) { paused_until_ = later(paused_until_, until); }

}  // namespace warroom::slack
