#pragma once
// The figures of one load run, from when each envelope went out and was acked.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

#include "slack_sim/slack_simulator.hpp"

namespace warroom::bench {

// Slack shows the user an error for a slash command not acked within this.
inline constexpr std::chrono::seconds kSlackAckLimit{3};

struct LoadFigures {
    std::size_t offered = 0;           // envelopes sent
    std::size_t in_time = 0;           // acked within 3 s
    std::size_t acked = 0;             // acked at all
    double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
    double sustained = 0;              // acks a second, first sending to last ack
    double cpu_per_1000 = 0;           // the client's CPU seconds per 1,000 envelopes acked
    double peak_rss_mib = 0;
};

inline LoadFigures figures_of(const slack_sim::LoadTimes& times) {
    using Steady = std::chrono::steady_clock;
    LoadFigures figures;
    std::vector<double> latencies;
    Steady::time_point first_sent = Steady::time_point::max(), last_ack{};
    for (std::size_t i = 0; i < times.sent.size(); ++i) {
        if (times.sent[i] == Steady::time_point{}) continue;
        ++figures.offered;
        first_sent = std::min(first_sent, times.sent[i]);
        if (times.acked[i] == Steady::time_point{}) continue;
        const auto latency = times.acked[i] - times.sent[i];
        latencies.push_back(std::chrono::duration<double, std::milli>(latency).count());
        figures.in_time += latency <= kSlackAckLimit;
        last_ack = std::max(last_ack, times.acked[i]);
    }
    figures.acked = latencies.size();
    if (latencies.empty()) return figures;
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double quantile) {
        return latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(quantile * latencies.size()))];
    };
    figures.p50_ms = at(0.50);
    figures.p99_ms = at(0.99);
    figures.p999_ms = at(0.999);
    figures.max_ms = latencies.back();
    const double span = std::chrono::duration<double>(last_ack - first_sent).count();
    figures.sustained = span > 0 ? static_cast<double>(figures.acked) / span : 0;
    return figures;
}

}  // namespace warroom::bench
