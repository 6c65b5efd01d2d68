#pragma once
// The two loops every networked adapter runs beside its inbound connection:
// the outbox loop, which performs committed effects in order, and the
// schedule loop, which fires stored schedules on time. Both run as
// coroutines on the adapter's single thread; wake() tells a loop that new
// work was committed, stop() ends it.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "adapters/net/delivery.hpp"
#include "bot/backoff.hpp"
#include "bot/clock.hpp"
#include "bot/effect.hpp"
#include "bot/engine.hpp"
#include "bot/outbox.hpp"
#include "bot/store.hpp"

namespace warroom::net {

using Perform = std::function<boost::asio::awaitable<Delivery>(const OutboxJob&)>;

// Waits on the timer for `how_long`; a cancel() ends the wait early, which is how loops are woken.
boost::asio::awaitable<void> sleep(boost::asio::steady_timer& timer, boost::asio::steady_timer::duration how_long);

// Performs committed effects: claims outbox lanes (bot/outbox.hpp
// OutboxQueue), performs each lane's jobs in order, and gives drained lanes
// back. A job that fails stays first in its lane, which is repeated after a
// growing pause (0.5 s doubling up to retry_max, jittered: bot/backoff.hpp;
// longer if the destination said Retry-After) while the other lanes go on: later effects of that lane
// may depend on it (a post needs its channel), and the performer makes every
// repeat harmless. An outside delivery the engine gives up on is done, and
// its lane goes on. Chat lanes are performed one after another; each outside
// destination's lane runs on a coroutine of its own beside them, so a
// destination slow to answer (up to its timeout) holds up no chat message.
class OutboxLoop {
public:
    // `idle_poll`: how often an idle loop looks for jobs other replicas committed.
    OutboxLoop(boost::asio::any_io_executor executor, OutboxQueue& queue, Perform perform,
               std::chrono::milliseconds retry_max, std::chrono::milliseconds idle_poll = std::chrono::seconds(2));

    boost::asio::awaitable<void> run();
    void wake();
    void stop();

private:
    struct LaneRetry {
        explicit LaneRetry(Backoff pauses) : backoff(std::move(pauses)) {}
        Backoff backoff;                                  // from kFirstRetry, doubling up to retry_max, jittered
        std::chrono::milliseconds pause{0};               // the pause now waited
        std::chrono::steady_clock::time_point at;         // when it ends
    };
    // Performs the lane's jobs in order until one is not done; true if any was done (or given up).
    boost::asio::awaitable<bool> perform_lane(LaneJobs lane, Time claimed_on_clock);
    // Pauses the lane: a growing pause, at least `at_least` (a destination's Retry-After).
    void delay_lane(const std::string& lane, std::optional<Duration> at_least);
    // The lane's job was not done: recorded, and either given up (true: the
    // lane goes on) or the lane paused.
    bool failed(const std::string& lane, const OutboxJob& job, const Delivery& delivery);

    OutboxQueue& queue_;
    Perform perform_;
    std::chrono::milliseconds retry_max_;
    std::chrono::milliseconds idle_poll_;
    boost::asio::awaitable<void> keep_leases();

    boost::asio::steady_timer wake_timer_;
    boost::asio::steady_timer renew_timer_;
    std::map<std::string, LaneRetry> retry_at_;
    std::set<std::string> running_;    // outside destinations' lanes being performed beside the loop
    bool dirty_ = false;
    bool stopping_ = false;
};

// Fires the engine's due schedules, then sleeps until the next one is due
// (or until woken, when a command may have added one).
class ScheduleLoop {
public:
    // `fired` is called after schedules fired, so the adapter can wake its outbox. It looks at least every
    // `poll`, for schedules other replicas added.
    ScheduleLoop(boost::asio::any_io_executor executor, Engine& engine, const Clock& clock, std::function<void()> fired,
                 std::chrono::milliseconds poll = std::chrono::seconds(15));

    boost::asio::awaitable<void> run();
    void wake();
    void stop();

private:
    Engine& engine_;
    const Clock& clock_;
    std::function<void()> fired_;
    std::chrono::milliseconds poll_;
    boost::asio::steady_timer wake_timer_;
    bool dirty_ = false;
    bool stopping_ = false;
};

// Runs `io` until every coroutine on it has ended. Once `stopped_at` is set
// (by the adapter's shutdown), what is still in flight, such as a long-poll
// or a slow HTTP call, gets five seconds to finish and is then abandoned.
void run_until_done(boost::asio::io_context& io,
                    const std::optional<std::chrono::steady_clock::time_point>& stopped_at);

// Waits for SIGINT or SIGTERM, logs it, and calls `stop`.
boost::asio::awaitable<void> stop_on_signal(std::function<void()> stop, std::string what);

// Logs why a coroutine that should have run until stop() ended (co_spawn's completion handler).
void log_unexpected_end(const char* what, std::exception_ptr error);

// A short name for the kind of effect, for log lines ("create channel", "publish", ...).
const char* effect_name(const Effect& effect);

}  // namespace warroom::net
