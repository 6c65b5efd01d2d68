#pragma once
// The simulator's insides, shared by matrix_simulator.cpp (public API,
// lifetime) and http_server.cpp (HTTP requests in, long-polls held).
//
// Threads: the public API runs on the tests' threads and touches `state`
// only under its mutex; all I/O runs on the server's I/O thread,
// which alone touches `held_syncs`. Asio and Beast's message types only here:
// Beast's I/O stays in sim_common's https_connection (its stream passes through
// handle_request for the delivery fault switches to hold or cut an answer).
#include <cstdint>
#include <optional>
#include <set>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "matrix_sim/homeserver.hpp"
#include "matrix_sim/matrix_simulator.hpp"
#include "sim_common/guarded_state.hpp"
#include "sim_common/http_message.hpp"
#include "sim_common/https_connection.hpp"
#include "sim_common/loopback_tls_server.hpp"

namespace warroom::matrix_sim {

inline constexpr sim_common::EscapedExceptionReporter report_escaped_exception{"matrix simulator"};

struct MatrixSimulator::Impl {
    Impl();

    // Runs `change` on the state (under its mutex, waking wait_for), and wakes the held long-polls
    // when the change moved the event stream.
    template <class Change>
    auto update(Change&& change) {
        return state.update([&](Homeserver& homeserver) {
            WakeHeldSyncsIfStreamMoves wake(*this, homeserver);
            return change(homeserver);
        });
    }

    // --- http_server.cpp (I/O thread) ---
    boost::asio::awaitable<void> serve_http(boost::asio::ip::tcp::socket socket);
    // Hands the request to the client API; a /sync with nothing new is held until the stream moves or its
    // time is up.
    // The delivery switches may hold the answer or cut it short on `stream` (then nullopt: the connection is over).
    boost::asio::awaitable<std::optional<sim_common::HttpResponse>> handle_request(
        const sim_common::HttpRequest& request, sim_common::TlsStream& stream);
    void wake_held_syncs();

    // Wakes the held long-polls if the event stream moved while it lived: around one change, under the
    // state's mutex. Posting only queues the wake-up for the I/O thread, so the mutex may be held.
    class WakeHeldSyncsIfStreamMoves {
    public:
        WakeHeldSyncsIfStreamMoves(Impl& impl, const Homeserver& homeserver)
            : impl_(impl), homeserver_(homeserver), head_before_(homeserver.head()) {}
        ~WakeHeldSyncsIfStreamMoves() {
            if (homeserver_.head() == head_before_) return;
            boost::asio::post(impl_.server.io(), [impl = &impl_] { impl->wake_held_syncs(); });
        }
        WakeHeldSyncsIfStreamMoves(const WakeHeldSyncsIfStreamMoves&) = delete;
        WakeHeldSyncsIfStreamMoves& operator=(const WakeHeldSyncsIfStreamMoves&) = delete;

    private:
        Impl& impl_;
        const Homeserver& homeserver_;
        std::int64_t head_before_;
    };

    // Declared before the server, so they outlive the coroutine frames it frees (a held sync's frame
    // takes its timer out of `held_syncs`). Change `state` only through update(), which wakes long-polls.
    sim_common::GuardedState<Homeserver> state;
    std::set<boost::asio::steady_timer*> held_syncs;   // I/O thread only: the timers of long-polls waiting now
    sim_common::LoopbackTlsServer server{"matrix simulator", "matrix-sim"};
};

}  // namespace warroom::matrix_sim
