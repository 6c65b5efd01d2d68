#include "adapters/net/bot_loops.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>

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
    spdlog::warn("signal {}: {}", signal, what);
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
                                             "hand over channels"};
    static_assert(std::size(kNames) == std::variant_size_v<Effect>, "one name per kind of effect");
    return kNames[effect.index()];
}

OutboxLoop::OutboxLoop(asio::any_io_executor executor, Store& store, const Clock& clock, Perform perform,
                       milliseconds retry_max)
    : store_(store),
      clock_(clock),
      perform_(std::move(perform)),
      retry_max_(retry_max),
      wake_timer_(executor),
      retry_timer_(executor) {}

void OutboxLoop::wake() {
    dirty_ = true;
    wake_timer_.cancel();
}

void OutboxLoop::stop() {
    stopping_ = true;
    wake_timer_.cancel();
    retry_timer_.cancel();
}

awaitable<void> OutboxLoop::pause(milliseconds& backoff) {
    co_await sleep(retry_timer_, backoff);
    backoff = std::min(backoff * 2, retry_max_);
}

awaitable<void> OutboxLoop::run() {
    milliseconds backoff = kFirstRetry;
    while (!stopping_) {
        dirty_ = false;
        std::vector<OutboxJob> jobs;
        bool readable = true;
        try {
            auto tx = store_.begin();
            jobs = tx->pending_jobs(kOutboxBatch);
        } catch (const StorageError& error) {
            spdlog::error("cannot read the outbox, trying again in {} ms: {}", backoff.count(), error.what());
            readable = false;
        }
        if (!readable) {
            co_await pause(backoff);
            continue;
        }
        if (jobs.empty()) {
            if (!dirty_) co_await sleep(wake_timer_, asio::steady_timer::duration::max());
            continue;
        }
        for (const OutboxJob& job : jobs) {
            if (stopping_) co_return;
            const Delivery delivery = co_await perform_(job);
            if (stopping_) co_return;
            if (!delivery.done) {
                spdlog::warn("outbox job {} ({}) not done yet, repeating in {} ms: {}", job.id.value(),
                             effect_name(job.effect), backoff.count(), delivery.problem);
                try {
                    record_delivery_failure(store_, job, clock_, delivery.problem);
                } catch (const StorageError& error) {
                    spdlog::error("could not record the failed delivery of job {}: {}", job.id.value(), error.what());
                }
                co_await pause(backoff);
                break;
            }
            backoff = kFirstRetry;
            bool recorded = true;
            try {
                complete_outbox_job(store_, job, clock_, delivery.reference);
            } catch (const StorageError& error) {
                // It will be repeated, harmlessly; the log says why.
                spdlog::error("outbox job {} was done but could not be marked done: {}", job.id.value(), error.what());
                recorded = false;
            }
            if (!recorded) {
                co_await pause(backoff);
                break;
            }
        }
    }
}

ScheduleLoop::ScheduleLoop(asio::any_io_executor executor, Engine& engine, const Clock& clock,
                           std::function<void()> fired)
    : engine_(engine), clock_(clock), fired_(std::move(fired)), wake_timer_(executor) {}

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
        const auto wait = next ? std::max<Duration>(*next - clock_.now(), Duration::zero())
                               : std::chrono::duration_cast<Duration>(std::chrono::hours(24));
        co_await sleep(wake_timer_, std::chrono::duration_cast<asio::steady_timer::duration>(wait));
    }
}

}  // namespace warroom::net
