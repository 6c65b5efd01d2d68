#pragma once
// The fault switches of an outside destination's simulator (webhook receiver,
// Statuspage, PagerDuty) as its tests and the crash harness turn them: the
// next answers to a kind of call replaced by a status (429 with Retry-After),
// held, or cut short, and the next TLS handshakes failed. Each simulator
// exposes one as faults() (from HttpSimulatorFront, below, which it derives
// from); it reaches the HttpFaultSwitches in the simulator's guarded state
// (waking its wait_for on every change) and its loopback server.
//
// Thread-safe, as the simulator's public members are.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace warroom::sim_common {
template <class State>
class GuardedState;
class LoopbackTlsServer;
}  // namespace warroom::sim_common

namespace warroom::outside_sim {

class HttpFaultSwitches;

class HttpFaultControl {
public:
    // Turns `state`'s member `faults` (an HttpFaultSwitches) and `server`'s handshake failures; a switch turned
    // without naming a call is for `default_call` (the simulator's one kind of call, or "*" for any).
    template <class State>
    HttpFaultControl(sim_common::GuardedState<State>& state, sim_common::LoopbackTlsServer& server,
                     std::string default_call)
        : change_([&state](const Change& change) { state.update([&](State& s) { change(s.faults); }); }),
          count_([&state](const Count& count) { return state.read([&](const State& s) { return count(s.faults); }); }),
          server_(server),
          default_call_(std::move(default_call)) {}
    HttpFaultControl(const HttpFaultControl&) = delete;
    HttpFaultControl& operator=(const HttpFaultControl&) = delete;

    // The next `calls` answers to `call` ("" for the default call):
    void fail(int calls, unsigned status = 500, const std::string& call = {});              // that status, not done
    void rate_limit(int calls, int retry_after_seconds = 1, const std::string& call = {});  // 429, not done
    void slow(int calls, std::chrono::milliseconds delay, const std::string& call = {});   // held, the call done
    void truncate(int calls, const std::string& call = {});                                // cut short, call done
    // The next `connections` connections fail the TLS handshake.
    void fail_handshakes(int connections);

    std::size_t answers_forced() const;      // fail, rate_limit
    std::size_t answers_held() const;        // slow
    std::size_t answers_cut() const;         // truncate
    std::size_t handshakes_failed() const;   // fail_handshakes

private:
    using Change = std::function<void(HttpFaultSwitches&)>;
    using Count = std::function<std::size_t(const HttpFaultSwitches&)>;

    const std::string& call_or_default(const std::string& call) const { return call.empty() ? default_call_ : call; }

    std::function<void(const Change&)> change_;             // under the state's mutex, then wakes its wait_for
    std::function<std::size_t(const Count&)> count_;        // under the state's mutex
    sim_common::LoopbackTlsServer& server_;
    std::string default_call_;
};

// What the three simulators share in front: their server's port and CA file, waiting on their state, and
// their fault switches. A simulator derives from it, handing it its Impl's state and server.
class HttpSimulatorFront {
public:
    unsigned short port() const;
    std::string ca_file() const;       // PEM of the CA that signed the server's certificate

    // Waits until `condition` holds (checked whenever the simulator's state changes, and at least every
    // 50 ms) or the deadline passes; returns whether it held.
    bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const;

    // Fault switches (fail, rate_limit, slow, truncate, fail_handshakes) and what they did.
    HttpFaultControl& faults() { return faults_; }
    const HttpFaultControl& faults() const { return faults_; }

protected:
    template <class State>
    HttpSimulatorFront(sim_common::GuardedState<State>& state, sim_common::LoopbackTlsServer& server,
                       std::string default_call)
        : wait_([&state](const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
              return state.wait_for(condition, deadline);
          }),
          server_(server),
          faults_(state, server, std::move(default_call)) {}
    ~HttpSimulatorFront() = default;
    HttpSimulatorFront(const HttpSimulatorFront&) = delete;
    HttpSimulatorFront& operator=(const HttpSimulatorFront&) = delete;

private:
    std::function<bool(const std::function<bool()>&, std::chrono::milliseconds)> wait_;
    sim_common::LoopbackTlsServer& server_;
    HttpFaultControl faults_;
};

}  // namespace warroom::outside_sim
