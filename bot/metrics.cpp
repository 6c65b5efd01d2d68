#include "bot/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "bot/store.hpp"
#include "commands/command.hpp"

#ifndef WARROOM_VERSION
#define WARROOM_VERSION "unknown"
#endif

namespace warroom::metrics {
namespace {

using prometheus::Counter;
using prometheus::Gauge;
using prometheus::Histogram;

constexpr std::array kOutcomes = {CommandOutcome::ok,      CommandOutcome::refused,     CommandOutcome::invalid,
                                  CommandOutcome::ignored, CommandOutcome::unavailable, CommandOutcome::error};
using CommandCounters = std::array<Counter*, kOutcomes.size()>;

// What the engine counts besides the subcommands' own names (a card decision
// counts as its subcommand: approve, changes, reject).
constexpr std::string_view kOtherSources[] = {"escalation", "membership", "unknown"};

constexpr std::array kSeverities = {Severity::sev1, Severity::sev2, Severity::sev3, Severity::sev4};

double seconds(std::chrono::steady_clock::duration duration) {
    return std::chrono::duration<double>(duration).count();
}

std::string_view bool_label(bool value) { return value ? "true" : "false"; }

// A platform's series, made when its adapter first reports: a Slack bot
// exports no Matrix connection (which an alert would see as down), and the
// other way round.
struct Platform {
    Counter* reconnects = nullptr;
    Gauge* connected = nullptr;
};

struct Instruments {
    prometheus::Registry registry;

    prometheus::Family<Counter>& commands = prometheus::BuildCounter()
        .Name("warroom_commands_total")
        .Help("Commands and card or escalation answers the engine handled, by subcommand (approve, changes or reject "
              "for a card decision; escalation for an executive's answer; membership for someone leaving a channel; "
              "unknown for a command naming no subcommand) and outcome (ok, refused, invalid, ignored: a redelivery "
              "or a silenced repeat refusal, unavailable: the database could not be reached, error: a storage error)")
        .Register(registry);
    // Every known subcommand's counters, sorted by name, made once and never
    // changed: the engine finds its counter without a lock.
    std::vector<std::pair<std::string_view, CommandCounters>> known_commands;
    // Anything else a caller names (none today), made on first use.
    std::mutex other_commands_mutex;
    std::map<std::string, CommandCounters, std::less<>> other_commands;

    Histogram& commits = prometheus::BuildHistogram()
        .Name("warroom_store_commit_seconds")
        .Help("How long each COMMIT that makes writes durable took: a transaction's own, or a SQLite group's (group "
              "commit of Slack envelopes that arrive together); savepoints released inside a group are not counted")
        .Register(registry)
        .Add({}, Histogram::BucketBoundaries{0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                             0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});

    Counter& publishes = prometheus::BuildCounter()
        .Name("warroom_publishes_total")
        .Help("Approved drafts delivered to their audience and marked published")
        .Register(registry)
        .Add({});
    Counter& jobs_done = prometheus::BuildCounter()
        .Name("warroom_outbox_jobs_done_total")
        .Help("Outbox jobs (effects on the platform) performed and marked done")
        .Register(registry)
        .Add({});
    Counter& job_failures = prometheus::BuildCounter()
        .Name("warroom_outbox_failures_total")
        .Help("Attempts to perform an outbox job that failed; the job stays first in its lane and is repeated")
        .Register(registry)
        .Add({});

    prometheus::Family<Counter>& pauses = prometheus::BuildCounter()
        .Name("warroom_rate_limit_pauses_total")
        .Help("Rate limits: cause=pacing, a Slack Web API call held back by warroom's own spacing of Slack's "
              "published limits; cause=server, a call the server refused as over its limit (Slack HTTP 429, Matrix "
              "M_LIMIT_EXCEEDED), after which calls wait for its Retry-After")
        .Register(registry);
    Counter& paced = pauses.Add({{"cause", "pacing"}});
    Counter& server_limited = pauses.Add({{"cause", "server"}});

    prometheus::Family<Counter>& reconnects = prometheus::BuildCounter()
        .Name("warroom_platform_reconnects_total")
        .Help("Connections to the platform after the first: Slack, every Socket Mode connection that said hello "
              "after the first (the refreshes Slack asks for included); Matrix, a /sync answered after one failed")
        .Register(registry);
    prometheus::Family<Gauge>& connected = prometheus::BuildGauge()
        .Name("warroom_platform_connected")
        .Help("1 while connected to the platform: Slack, from a Socket Mode hello until no connection is left; "
              "Matrix, while the last /sync was answered (0 from a failed one until one is answered again)")
        .Register(registry);
    std::mutex platforms_mutex;
    std::map<std::string, Platform, std::less<>> platforms;

    // Platform-specific: made when first observed, like the platforms' series.
    std::once_flag ack_made;
    Histogram* ack_latency = nullptr;   // set once, under ack_made
    std::once_flag sync_lag_made;
    Gauge* sync_lag = nullptr;          // set once, under sync_lag_made

    Histogram& schedule_lag = prometheus::BuildHistogram()
        .Name("warroom_schedule_lag_seconds")
        .Help("How late each due schedule (reminder, sync, summary) was handled: the time it fired, or was cancelled "
              "because its incident is over, minus the time it was due")
        .Register(registry)
        .Add({}, Histogram::BucketBoundaries{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600});

    // Read from the store at each scrape.
    Gauge& outbox_depth = prometheus::BuildGauge()
        .Name("warroom_outbox_depth")
        .Help("Outbox jobs committed and not yet performed (every replica's)")
        .Register(registry)
        .Add({});
    Gauge& outbox_oldest = prometheus::BuildGauge()
        .Name("warroom_outbox_oldest_job_age_seconds")
        .Help("Age of the oldest outbox job not yet performed; 0 when there is none")
        .Register(registry)
        .Add({});
    prometheus::Family<Gauge>& incidents = prometheus::BuildGauge()
        .Name("warroom_open_incidents")
        .Help("Incidents not resolved, by severity, exercises (exercise=\"true\") apart")
        .Register(registry);
    std::array<std::array<Gauge*, 2>, kSeverities.size()> open_incidents{};   // [severity][exercise]
    prometheus::Family<Gauge>& drafts = prometheus::BuildGauge()
        .Name("warroom_drafts_waiting")
        .Help("Drafts of open incidents waiting for approval, exercises (exercise=\"true\") apart")
        .Register(registry);
    std::array<Gauge*, 2> drafts_waiting{};                                      // [exercise]
    prometheus::Family<Gauge>& draft_waits = prometheus::BuildGauge()
        .Name("warroom_oldest_draft_wait_seconds")
        .Help("How long the oldest draft waiting for approval has waited, since it was written (a revised draft "
              "since its first revision); 0 when none waits")
        .Register(registry);
    std::array<Gauge*, 2> oldest_draft_wait{};                                   // [exercise]
    std::mutex scrape_mutex;   // one scrape sets and reads the gauges at a time

    Instruments() {
        prometheus::BuildGauge()
            .Name("warroom_build_info")
            .Help("Always 1; the version of warroom that runs is its label")
            .Register(registry)
            .Add({{"version", WARROOM_VERSION}})
            .Set(1);
        for (const CommandSpec* command : all_commands())
            known_commands.emplace_back(command->name, make(command->name));
        for (std::string_view source : kOtherSources) known_commands.emplace_back(source, make(source));
        std::sort(known_commands.begin(), known_commands.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t s = 0; s < kSeverities.size(); ++s)
            for (bool exercise : {false, true})
                open_incidents[s][exercise] = &incidents.Add(
                    {{"severity", to_string(kSeverities[s])}, {"exercise", std::string(bool_label(exercise))}});
        for (bool exercise : {false, true}) {
            drafts_waiting[exercise] = &drafts.Add({{"exercise", std::string(bool_label(exercise))}});
            oldest_draft_wait[exercise] = &draft_waits.Add({{"exercise", std::string(bool_label(exercise))}});
        }
    }

    CommandCounters make(std::string_view subcommand) {
        CommandCounters counters{};
        for (std::size_t i = 0; i < kOutcomes.size(); ++i)
            counters[i] = &commands.Add(
                {{"subcommand", std::string(subcommand)}, {"outcome", std::string(to_string(kOutcomes[i]))}});
        return counters;
    }

    CommandCounters& counters_of(std::string_view subcommand) {
        const auto known =
            std::lower_bound(known_commands.begin(), known_commands.end(), subcommand,
                             [](const auto& entry, std::string_view name) { return entry.first < name; });
        if (known != known_commands.end() && known->first == subcommand) return known->second;
        const std::lock_guard lock(other_commands_mutex);
        auto other = other_commands.find(subcommand);
        if (other == other_commands.end())
            other = other_commands.emplace(std::string(subcommand), make(subcommand)).first;
        return other->second;   // map nodes stay put
    }

    Platform& platform(std::string_view name) {   // with platforms_mutex held
        auto found = platforms.find(name);
        if (found == platforms.end()) {
            const prometheus::Labels labels{{"platform", std::string(name)}};
            found = platforms.emplace(std::string(name), Platform{&reconnects.Add(labels), &connected.Add(labels)})
                        .first;
        }
        return found->second;
    }

    Histogram& ack_histogram() {
        std::call_once(ack_made, [this] {
            ack_latency = &prometheus::BuildHistogram()
                               .Name("warroom_ack_latency_seconds")
                               .Help("Slack only (Matrix acknowledges nothing): from reading a Socket Mode envelope "
                                     "to its ack written on the socket; Slack shows the user an error after 3 s")
                               .Register(registry)
                               .Add({}, Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                    0.1, 0.25, 0.5, 1, 2, 3});
        });
        return *ack_latency;
    }

    Gauge& sync_lag_gauge() {
        std::call_once(sync_lag_made, [this] {
            sync_lag = &prometheus::BuildGauge()
                            .Name("warroom_matrix_sync_lag_seconds")
                            .Help("Matrix: when the last /sync answer arrived minus the origin_server_ts of the "
                                  "newest event in it; for an answer with no event, how long that /sync took (a "
                                  "long poll's timeout when all is quiet)")
                            .Register(registry)
                            .Add({});
        });
        return *sync_lag;
    }
};

// Made on first use and never destroyed: a thread still counting while the
// process exits must not find it gone.
Instruments& instruments() {
    static Instruments* const made = new Instruments;
    return *made;
}

std::size_t index_of(CommandOutcome outcome) { return static_cast<std::size_t>(outcome); }

double age_seconds(Time now, std::optional<Time> since) {
    if (!since || *since > now) return 0;
    return std::chrono::duration<double>(now - *since).count();
}

}  // namespace

std::string_view to_string(CommandOutcome outcome) {
    switch (outcome) {
        case CommandOutcome::ok: return "ok";
        case CommandOutcome::refused: return "refused";
        case CommandOutcome::invalid: return "invalid";
        case CommandOutcome::ignored: return "ignored";
        case CommandOutcome::unavailable: return "unavailable";
        case CommandOutcome::error: return "error";
    }
    return "error";
}

void command_handled(std::string_view subcommand, CommandOutcome outcome) {
    instruments().counters_of(subcommand)[index_of(outcome)]->Increment();
}

void envelope_acked(std::chrono::steady_clock::duration from_receipt) {
    instruments().ack_histogram().Observe(seconds(from_receipt));
}

void store_committed(std::chrono::steady_clock::duration took) { instruments().commits.Observe(seconds(took)); }

void published() { instruments().publishes.Increment(); }

void outbox_job_done() { instruments().jobs_done.Increment(); }

void outbox_failure() { instruments().job_failures.Increment(); }

void rate_limit_paused(PauseCause cause) {
    Instruments& m = instruments();
    (cause == PauseCause::server ? m.server_limited : m.paced).Increment();
}

void reconnected(std::string_view platform) {
    Instruments& m = instruments();
    const std::lock_guard lock(m.platforms_mutex);
    m.platform(platform).reconnects->Increment();
}

void set_connected(std::string_view platform, bool up) {
    Instruments& m = instruments();
    const std::lock_guard lock(m.platforms_mutex);
    m.platform(platform).connected->Set(up ? 1 : 0);
}

bool connected(std::string_view platform) {
    Instruments& m = instruments();
    const std::lock_guard lock(m.platforms_mutex);
    const auto found = m.platforms.find(platform);
    return found != m.platforms.end() && found->second.connected->Value() > 0;
}

void matrix_sync_lag(std::chrono::milliseconds lag) {
    instruments().sync_lag_gauge().Set(std::chrono::duration<double>(std::max(lag, Duration::zero())).count());
}

void schedule_fired(Duration lateness) {
    instruments().schedule_lag.Observe(std::chrono::duration<double>(std::max(lateness, Duration::zero())).count());
}

std::string scrape(Transaction& tx, Time now) {
    const OutboxBacklog backlog = tx.outbox_backlog();
    std::array<std::array<int, 2>, kSeverities.size()> open{};
    std::array<int, 2> waiting{};
    std::array<std::optional<Time>, 2> oldest_waiting{};
    for (const Incident& incident : tx.incidents(true)) {
        const auto severity = std::find(kSeverities.begin(), kSeverities.end(), incident.severity);
        if (severity != kSeverities.end())
            ++open[static_cast<std::size_t>(severity - kSeverities.begin())][incident.exercise];
        for (const Draft& draft : tx.drafts(incident.id)) {
            if (draft.state != DraftState::pending) continue;
            ++waiting[incident.exercise];
            std::optional<Time>& oldest = oldest_waiting[incident.exercise];
            if (!oldest || draft.created_at < *oldest) oldest = draft.created_at;
        }
    }

    Instruments& m = instruments();
    const std::lock_guard lock(m.scrape_mutex);
    m.outbox_depth.Set(static_cast<double>(backlog.jobs));
    m.outbox_oldest.Set(age_seconds(now, backlog.oldest));
    for (std::size_t s = 0; s < kSeverities.size(); ++s)
        for (std::size_t exercise = 0; exercise < 2; ++exercise) m.open_incidents[s][exercise]->Set(open[s][exercise]);
    for (std::size_t exercise = 0; exercise < 2; ++exercise) {
        m.drafts_waiting[exercise]->Set(waiting[exercise]);
        m.oldest_draft_wait[exercise]->Set(age_seconds(now, oldest_waiting[exercise]));
    }
    return prometheus::TextSerializer().Serialize(m.registry.Collect());
}

std::optional<double> value(std::string_view name, const Labels& labels) {
    for (const prometheus::MetricFamily& family : instruments().registry.Collect()) {
        if (family.name != name) continue;
        for (const prometheus::ClientMetric& metric : family.metric) {
            if (metric.label.size() != labels.size()) continue;
            const bool same = std::all_of(labels.begin(), labels.end(), [&](const auto& wanted) {
                return std::any_of(metric.label.begin(), metric.label.end(), [&](const auto& label) {
                    return label.name == wanted.first && label.value == wanted.second;
                });
            });
            if (!same) continue;
            switch (family.type) {
                case prometheus::MetricType::Counter: return metric.counter.value;
                case prometheus::MetricType::Gauge: return metric.gauge.value;
                case prometheus::MetricType::Histogram: return static_cast<double>(metric.histogram.sample_count);
                default: return metric.untyped.value;
            }
        }
    }
    return std::nullopt;
}

}  // namespace warroom::metrics
