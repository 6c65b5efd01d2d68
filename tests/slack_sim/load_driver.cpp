// The simulator as a load generator: a load plan's envelopes sent by the I/O
// thread at the offered rate (or as fast as acks free a window), and their acks
// matched by envelope id without parsing, so that the simulator is never what
// limits a measurement.
#include <charconv>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sim_common/use_nothrow.hpp"
#include "slack_sim/simulator_impl.hpp"
#include "slack_sim/user_actions.hpp"

namespace warroom::slack_sim {

namespace asio = boost::asio;
using sim_common::use_nothrow;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::string_view kLoadIdPrefix = R"("envelope_id":"L)";
// How often the pacer wakes to send what has come due: at 50,000 a second a
// tick sends about 25 frames, each at most half a millisecond late.
constexpr std::chrono::microseconds kTick{500};

}  // namespace

struct SlackSimulator::Impl::LoadRun {
    LoadPlan plan;
    LoadTimes times;
    std::size_t next = 0;              // the next frame to send
    std::size_t acked = 0;
    std::size_t next_socket = 0;       // round robin over the ready sockets
    std::promise<void> done;
    bool finished = false;

    void finish() {
        if (finished) return;
        finished = true;
        done.set_value();
    }
};

std::string SlackSimulator::slash_command_frame(const std::string& envelope_id, const std::string& user_id,
                                                const std::string& channel_id, const std::string& text,
                                                const std::string& command) {
    return impl_->state.update([&](SimState& s) {
        nlohmann::json envelope = slash_command_envelope(s, user_id, channel_id, text, command);
        envelope["envelope_id"] = envelope_id;
        return envelope.dump();
    });
}

std::string SlackSimulator::click_frame(const std::string& envelope_id, const std::string& user_id,
                                        const std::string& channel_id, const std::string& message_ts,
                                        const std::string& action_id) {
    return impl_->state.update([&](SimState& s) {
        nlohmann::json envelope = button_click_envelope(s, user_id, channel_id, message_ts, action_id);
        envelope["envelope_id"] = envelope_id;
        return envelope.dump();
    });
}

LoadTimes SlackSimulator::run_load(LoadPlan plan) {
    auto run = std::make_shared<Impl::LoadRun>();
    run->times.sent.resize(plan.frames.size());
    run->times.acked.resize(plan.frames.size());
    run->plan = std::move(plan);
    std::future<void> done = run->done.get_future();
    asio::co_spawn(impl_->server.io(), impl_->drive_load(run), report_escaped_exception);
    done.wait();
    // The I/O thread let go of the run before finishing it: the times are ours to read.
    return std::move(run->times);
}

asio::awaitable<void> SlackSimulator::Impl::drive_load(std::shared_ptr<LoadRun> run) {
    load = run;
    const std::size_t total = run->plan.frames.size();
    const Steady::time_point start = Steady::now();
    asio::steady_timer timer(server.io());
    while (run->next < total) {
        if (sockets.empty()) {
            // No bot connected (yet, or any more): nothing can be offered; the run gives up as a whole.
            if (Steady::now() - start > run->plan.give_up_after) break;
        } else if (run->plan.per_second > 0) {
            const double elapsed = std::chrono::duration<double>(Steady::now() - start).count();
            const auto due = std::min(total, static_cast<std::size_t>(elapsed * run->plan.per_second) + 1);
            while (run->next < due) send_load_frames(*run);
        } else {
            send_load_frames(*run);
        }
        timer.expires_after(kTick);
        co_await timer.async_wait(use_nothrow);
    }
    // Everything is out: wait for the acks still to come, or give up.
    const Steady::time_point last_sent = Steady::now();
    while (run->acked < total && Steady::now() - last_sent < run->plan.give_up_after) {
        timer.expires_after(std::chrono::milliseconds(1));
        co_await timer.async_wait(use_nothrow);
    }
    load.reset();
    run->finish();
}

// Rate mode: the next frame. Saturation: as many as the window has room for.
void SlackSimulator::Impl::send_load_frames(LoadRun& run) {
    const std::size_t total = run.plan.frames.size();
    const bool saturating = run.plan.per_second <= 0;
    do {
        if (run.next >= total || sockets.empty()) return;
        if (saturating && run.next - run.acked >= run.plan.window) return;
        auto socket = sockets.begin();
        std::advance(socket, static_cast<long>(run.next_socket++ % sockets.size()));
        run.times.sent[run.next] = Steady::now();
        socket->second->send_text(std::move(run.plan.frames[run.next]));
        ++run.next;
    } while (saturating);
}

bool SlackSimulator::Impl::take_load_ack(std::string_view text) {
    if (!load) return false;
    const std::size_t at = text.find(kLoadIdPrefix);
    if (at == std::string_view::npos) return false;
    const char* digits = text.data() + at + kLoadIdPrefix.size();
    std::size_t id = 0;
    const auto [end, error] = std::from_chars(digits, text.data() + text.size(), id);
    if (error != std::errc{} || end == text.data() + text.size() || *end != '"') return false;
    LoadRun& run = *load;
    const std::size_t index = id - run.plan.first_id;   // wraps to a huge value for an id below the run's
    if (index >= run.times.acked.size() || run.times.acked[index] != Steady::time_point{}) return true;
    run.times.acked[index] = Steady::now();
    ++run.acked;
    if (run.plan.per_second <= 0) send_load_frames(run);
    return true;
}

}  // namespace warroom::slack_sim
