#pragma once
// What warroom counts for Prometheus: commands handled, acks, commits,
// publishes, the outbox, rate limits, platform connections, and (read from
// the store when scraped) the backlog an operator alerts on.
//
// The instruments are process-wide, like spdlog's default logger: the bot has
// one engine, one store and one connection to its platform, so there is one
// of each thing it counts, and threading a registry through every layer
// (engine, storage backends, adapters, the outbox) would buy nothing but
// parameters. Every function is safe to call from any thread; the ones on a
// hot path (commands, commits, acks) take no lock of warroom's own.
//
// Counters only go up for the life of the process: tests compare before and
// after (metrics::value), never absolute values.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/clock.hpp"

namespace warroom {
class Transaction;
}

namespace warroom::metrics {

// How the engine answered a command (Reply::Kind, with OutcomeKind's
// refused and invalid told apart).
enum class CommandOutcome { ok, refused, invalid, ignored, unavailable, error };
std::string_view to_string(CommandOutcome outcome);

// warroom_commands_total{subcommand,outcome}. `subcommand` is a subcommand's
// name, or "approve"/"changes"/"reject" for a card decision, "escalation" for
// an executive's answer, "membership" for someone leaving a channel,
// "unknown" for a command naming no subcommand warroom has.
void command_handled(std::string_view subcommand, CommandOutcome outcome);

// warroom_ack_latency_seconds: from reading a Socket Mode envelope to its ack
// written (Slack only: Matrix acknowledges nothing).
void envelope_acked(std::chrono::steady_clock::duration from_receipt);

// warroom_store_commit_seconds: one COMMIT that makes writes durable (a
// transaction's own, or a SQLite group's).
void store_committed(std::chrono::steady_clock::duration took);

// warroom_publishes_total: an approved draft delivered to its audience and
// marked published.
void published();
// warroom_outbox_jobs_done_total and warroom_outbox_failures_total: jobs
// performed and marked done; attempts that failed and will be repeated.
void outbox_job_done();
void outbox_failure();

// warroom_rate_limit_pauses_total{cause}: pacing, a Slack call held back by
// warroom's own spacing of Slack's limits; server, a call the server refused
// as over its limit (Slack's HTTP 429, Matrix' M_LIMIT_EXCEEDED).
enum class PauseCause { pacing, server };
void rate_limit_paused(PauseCause cause = PauseCause::pacing);

// warroom_platform_reconnects_total{platform} and
// warroom_platform_connected{platform} ("slack", "matrix"). A platform's
// series exist once the adapter first reported on it.
void reconnected(std::string_view platform);
void set_connected(std::string_view platform, bool up);
bool connected(std::string_view platform);   // false until set

// warroom_matrix_sync_lag_seconds: now minus the newest event's
// origin_server_ts in the last /sync answer (or how long that /sync took,
// when it carried no event).
void matrix_sync_lag(std::chrono::milliseconds lag);

// warroom_schedule_lag_seconds: how late a due schedule was handled.
void schedule_fired(Duration lateness);

// Reads the backlog through `tx` (outbox depth and oldest job, open incidents
// by severity, drafts waiting for approval and the oldest one's wait, as of
// `now`), sets those gauges, and returns every metric of the process in
// Prometheus' text exposition format (version 0.0.4). Only reads: the caller
// may roll `tx` back.
std::string scrape(Transaction& tx, Time now);

// The current value of one metric with exactly these labels (a histogram: how
// many it observed); nothing when there is no such series. For tests and
// health checks.
using Labels = std::vector<std::pair<std::string, std::string>>;
std::optional<double> value(std::string_view name, const Labels& labels = {});

}  // namespace warroom::metrics
