#pragma once
// The console adapter: people type lines, the bot's actions come out as
// transcript lines. It runs the same engine and outbox as Slack and Matrix.
#include "adapters/outside/blocking_performer.hpp"
#include <cstdint>
#include <optional>
#include <istream>
#include <mutex>
#include <ostream>
#include <string>

#include "bot/engine.hpp"
#include "bot/outbox.hpp"

namespace warroom::console {

class ConsoleAdapter final : public EffectPerformer {
public:
    // With `simulated` set, time moves only when told (`:advance 30m`) and
    // `clock` must be that same clock; otherwise schedules fire as real time passes.
    ConsoleAdapter(Engine& engine, Store& store, const Clock& clock, std::ostream& out, std::ostream& err,
                   ManualClock* simulated = nullptr);

    Delivery perform(const OutboxJob& job) override;

    // Performs what an earlier run committed but did not finish, and fires
    // what came due while the bot was down (once).
    void resume();
    // Fires the schedules due now and performs their effects.
    void run_due();
    // Simulated time only: moves the clock forward, firing each schedule at its due time.
    void advance(Duration by);
    // The current user leaves `channel` (:leave), reported to the engine as a platform would.
    void leave(const std::string& channel);
    // Handles one input line; false once the user asked to quit.
    bool feed(std::string_view line);
    // Reads lines until the end (script mode); 0, or 1 if some line was malformed.
    int run_script(std::istream& in);
    // A terminal session with line editing and history.
    int run_interactive();

    // Held while the console touches the engine or storage; a reader on
    // another thread (the HTTP listener) takes it too, so the two never meet
    // inside the store or the simulated clock.
    std::unique_lock<std::recursive_mutex> hold_store() { return std::unique_lock(store_lock_); }

    const std::string& user() const { return user_; }
    const std::string& channel() const { return channel_; }
    bool echo_input = true;            // script mode shows what was typed, so the transcript reads in order

private:
    void handle_directive(std::string_view name, std::string_view argument);
    void print_clock();
    std::optional<std::string> read_line(const std::string& prompt);
    void save_simulated_time();
    EventId next_event_id();

    Engine& engine_;
    Store& store_;
    std::recursive_mutex store_lock_;
    const Clock& clock_;
    outside::BlockingOutsidePerformer outside_;
    ManualClock* simulated_;
    std::optional<Time> last_clock_line_;
    std::ostream& out_;
    std::ostream& err_;
    std::string user_ = "alice";
    std::string channel_ = "general";
    std::string session_;
    std::uint64_t sequence_ = 0;
    std::size_t line_number_ = 0;
    int malformed_ = 0;
    bool quit_ = false;
};

}  // namespace warroom::console
