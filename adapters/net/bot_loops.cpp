#include "adapters/net/bot_loops.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bot/outbox.hpp"

namespace warroom::net {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::milliseconds;

constexpr std::size_t kOutboxBatch = 32;
constexpr std::size_t kLanesAtOnce = 16;
constexpr milliseconds kFirstRetry{500};
constexpr milliseconds kStopGrace{5000};

}  // namespace

awaitable<void> sleep(asio::steady_timer& timer, asio::steady_timer::duration how_long) {
    timer.expires_after(how_long);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

void run_until_done(asio::io_context& io, const std::optional<std::chrono::steady_clock::time_point>& stopped_at) {
    while (!io.stopped()) {
        io.run_for(std::chrono::milliseconds(100));
        if (stopped_at && std::chrono::steady_clock::now() - *stopped_at > kStopGrace) io.stop();
    }
}

awaitable<void> stop_on_signal(std::function<void()> stop, std::string what) {
    asio::signal_set signals(co_await asio::this_coro::executor, SIGINT, SIGTERM);
    boost::system::error_code error;
    const int signal = co_await signals.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return;
    // SIGTERM is how systemd, docker and Ctrl-C ask a service to stop: expected, not a warning.
    spdlog::info("{} received: {}", signal == SIGTERM ? "SIGTERM" : "SIGINT", what);
    stop();
}

void log_unexpected_end(const char* what, std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::critical("{} stopped unexpectedly: {}", what, e.what());
    }
}

const char* effect_name(const Effect& effect) {
    static constexpr const char* kNames[] = {"create channel", "invite",     "post",              "post card",
                                             "update card",    "publish",    "escalation",        "escalation update",
                                             "hand over channels", "deliver", "resolve status page", "page"};
    static_assert(std::size(kNames) == std::variant_size_v<Effect>, "one name per kind of effect");
    return kNames[effect.index()];
}

OutboxLoop::OutboxLoop(asio::any_io_executor executor, OutboxQueue& queue, Perform perform,
                       milliseconds retry_max, milliseconds idle_poll)
    : queue_(queue),
      perform_(std::move(perform)),
      retry_max_(retry_max),
      idle_poll_(idle_poll),
      wake_timer_(executor),
      renew_timer_(executor) {}

void OutboxLoop::wake() {
    dirty_ = true;
    wake_timer_.cancel();
}

void OutboxLoop::stop() {
    stopping_ = true;
    wake_timer_.cancel();
    renew_timer_.cancel();
}

awaitable<void> OutboxLoop::keep_leases() {
    // A job may take longer than the lease (a long Retry-After): the heartbeat
    // keeps this replica's lanes its own meanwhile.
    const auto beat = std::chrono::duration_cast<milliseconds>(queue_.lease()) / 4;
    while (!stopping_) {
        co_await sleep(renew_timer_, beat);
        if (stopping_) co_return;
        try {
            queue_.renew();
        } catch (const StorageError& error) {
            spdlog::warn("cannot renew the outbox lanes' lease: {}", error.what());
        }
    }
}

awaitable<void> OutboxLoop::run() {
    asio::co_spawn(renew_timer_.get_executor(), keep_leases(),
                   [](std::exception_ptr e) { log_unexpected_end("the outbox lease", e); });
    Backoff storage_backoff(kFirstRetry, retry_max_);
    while (!stopping_) {
        dirty_ = false;
        std::vector<LaneJobs> lanes;
        bool readable = true;
        milliseconds pause{0};
        try {
            lanes = queue_.claim(kLanesAtOnce, kOutboxBatch);
            storage_backoff.reset();
        } catch (const StorageError& error) {
            pause = storage_backoff.next();
            spdlog::error("cannot read the outbox, trying again in {} ms: {}", pause.count(), error.what());
            readable = false;
        }
        if (!readable) {
            co_await sleep(wake_timer_, pause);
            continue;
        }
        const auto claimed_at = std::chrono::steady_clock::now();
        const Time claimed_on_clock = queue_.clock().now();
        bool performed_any = false;
        for (LaneJobs& lane : lanes) {
            // A lane that failed waits out its pause; it stays ours meanwhile.
            if (auto waiting = retry_at_.find(lane.lane);
                waiting != retry_at_.end() && waiting->second.at > claimed_at)
                continue;
            if (lane.jobs.empty() || running_.contains(lane.lane)) continue;
            if (is_outside(lane.jobs.front().effect)) {
                // An outside destination's lane runs beside everything else:
                // one slow to answer holds up nothing but itself.
                const std::string name = lane.lane;
                running_.insert(name);
                asio::co_spawn(wake_timer_.get_executor(), perform_lane(std::move(lane), claimed_on_clock),
                               [this, name](std::exception_ptr error, bool) {
                                   running_.erase(name);
                                   log_unexpected_end("an outside destination's lane", error);
                                   wake();
                               });
                continue;
            }
            // Chat lanes one after another: the platform paces them anyway.
            if (co_await perform_lane(std::move(lane), claimed_on_clock)) performed_any = true;
            if (stopping_) co_return;
        }
        if (performed_any || dirty_) continue;
        // Nothing to do now: wait for a commit of ours (wake), the next lane
        // retry, or the idle poll that finds jobs other replicas committed.
        auto wait = std::chrono::steady_clock::duration(idle_poll_);
        for (const auto& [name, retry] : retry_at_)
            wait = std::min(wait, std::max(retry.at - std::chrono::steady_clock::now(),
                                           std::chrono::steady_clock::duration::zero()));
        co_await sleep(wake_timer_, wait);
    }
}

awaitable<bool> OutboxLoop::perform_lane(LaneJobs lane, Time claimed_on_clock) {
    bool performed_any = false;
    for (const OutboxJob& job : lane.jobs) {
        if (stopping_) co_return performed_any;
        // Claimed again in the next round before going on.
        if (!queue_.still_held(claimed_on_clock)) break;
        const Delivery delivery = co_await perform_(job);
        if (stopping_) co_return performed_any;
        if (!delivery.done) {
            if (!failed(lane.lane, job, delivery)) break;
            performed_any = true;   // given up: the lane goes on with its next job
            continue;
        }
        retry_at_.erase(lane.lane);
        performed_any = true;
        try {
            // The lane's last job gives the lane back with it.
            queue_.complete(job, delivery.reference, lane.all && &job == &lane.jobs.back());
        } catch (const StorageError& error) {
            // It will be repeated, harmlessly; the log says why.
            spdlog::error("outbox job {} was done but could not be marked done: {}", job.id.value(), error.what());
            delay_lane(lane.lane, std::nullopt);
            break;
        }
    }
    co_return performed_any;
}

void OutboxLoop::delay_lane(const std::string& lane, std::optional<Duration> at_least) {
    LaneRetry& retry = retry_at_.try_emplace(lane, Backoff(kFirstRetry, retry_max_)).first->second;
    // The destination's own Retry-After, when it is longer (and within the bound the client keeps).
    std::optional<milliseconds> floor;
    if (at_least) floor = std::chrono::duration_cast<milliseconds>(*at_least);
    retry.pause = retry.backoff.next(floor);
    retry.at = std::chrono::steady_clock::now() + retry.pause;
}

bool OutboxLoop::failed(const std::string& lane, const OutboxJob& job, const Delivery& delivery) {
    bool gave_up = false;
    try {
        gave_up = queue_.failed(job, delivery);
    } catch (const StorageError& error) {
        spdlog::error("could not record the failed delivery of job {}: {}", job.id.value(), error.what());
    }
    if (gave_up) {
        retry_at_.erase(lane);
        return true;
    }
    delay_lane(lane, delivery.retry_after);
    spdlog::warn("outbox job {} ({}) not done yet, repeating in {} ms: {}", job.id.value(), effect_name(job.effect),
                 retry_at_.at(lane).pause.count(), delivery.problem);
    return false;
}

ScheduleLoop::ScheduleLoop(asio::any_io_executor executor, Engine& engine, const Clock& clock,
                           std::function<void()> fired, milliseconds poll)
    : engine_(engine), clock_(clock), fired_(std::move(fired)), poll_(poll), wake_timer_(executor) {}

void ScheduleLoop::wake() {
    dirty_ = true;
    wake_timer_.cancel();
}

void ScheduleLoop::stop() {
    stopping_ = true;
    wake_timer_.cancel();
}

awaitable<void> ScheduleLoop::run() {
    while (!stopping_) {
        dirty_ = false;
        std::optional<Time> next;
        try {
            if (engine_.run_due_schedules() > 0) fired_();
            next = engine_.next_due_time();
        } catch (const StorageError& error) {
            spdlog::error("schedules could not run: {}; trying again in a minute", error.what());
            next = clock_.now() + std::chrono::minutes(1);
        }
        if (dirty_) continue;
        // Never longer than the poll: another replica may have added an earlier schedule.
        const auto wait = std::min<Duration>(
            next ? std::max<Duration>(*next - clock_.now(), Duration::zero()) : Duration::max(),
            std::chrono::duration_cast<Duration>(poll_));
        co_await sleep(wake_timer_, std::chrono::duration_cast<asio::steady_timer::duration>(wait));
    }
}

}  // namespace warroom::net
