#pragma once
// The simulator's insides, shared by slack_simulator.cpp (public API,
// lifetime), http_server.cpp (Web API routing) and socket_mode_server.cpp
// (the WebSocket side of Socket Mode).
//
// Threads: the public API runs on the tests' threads and only touches
// `state` (under its mutex); all I/O runs on the server's I/O thread, which
// owns `sockets`.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "sim_common/guarded_state.hpp"
#include "sim_common/http_message.hpp"
#include "sim_common/loopback_tls_server.hpp"
#include "slack_sim/sim_state.hpp"
#include "slack_sim/slack_simulator.hpp"
#include "slack_sim/socket_connection.hpp"

namespace warroom::slack_sim {

using sim_common::HttpRequest;
using sim_common::HttpResponse;

inline constexpr sim_common::EscapedExceptionReporter report_escaped_exception{"slack simulator"};

// How long Slack lets a told-to-disconnect socket live, and how often it pings an idle one.
inline constexpr std::chrono::seconds kDisconnectGrace{10};
inline constexpr std::chrono::seconds kPingInterval{10};

struct SlackSimulator::Impl {
    Impl();
    ~Impl();

    // Asks the I/O thread to send what waits (from any thread).
    void post_delivery();

    // --- http_server.cpp (I/O thread) ---
    boost::asio::awaitable<void> serve_http(boost::asio::ip::tcp::socket socket);
    // A Socket Mode upgrade takes the connection over; anything else is answered by respond().
    boost::asio::awaitable<std::optional<HttpResponse>> handle_request(HttpRequest& request, TlsStream& stream);
    HttpResponse respond(const HttpRequest& request);

    // --- socket_mode_server.cpp (I/O thread) ---
    // The upgrade request arrived on `stream`: checks the ticket, then serves the WebSocket until it ends.
    boost::asio::awaitable<void> serve_socket_mode(TlsStream stream, HttpRequest upgrade);
    void deliver_pending();
    // The state already records these connections as told to disconnect / closed; now the sockets follow.
    void send_disconnect_to(int connection_id);
    void drop_sockets(const std::vector<int>& connection_ids);
    boost::asio::awaitable<void> redeliver_if_unacked(std::string envelope_key, int send_number,
                                                      std::chrono::milliseconds timeout);
    void socket_ended(int connection_id);

    // --- load_driver.cpp (I/O thread) ---
    struct LoadRun;
    boost::asio::awaitable<void> drive_load(std::shared_ptr<LoadRun> run);
    // A frame from the bot that acks a load envelope: recorded, true. Anything else: false.
    bool take_load_ack(std::string_view text);
    void send_load_frames(LoadRun& run);

    // Declared before the server, so it outlives the coroutine frames the server frees.
    sim_common::GuardedState<SimState> state;
    sim_common::LoopbackTlsServer server{"slack simulator", "slack-sim"};
    // Declared after the server, so its sockets close before the io_context goes (the destructor stops the
    // I/O thread first).
    std::map<int, std::shared_ptr<SocketConnection>> sockets;   // I/O thread only
    int last_connection_id = 0;                                 // I/O thread only
    std::shared_ptr<LoadRun> load;                              // I/O thread only; the run under way
};

}  // namespace warroom::slack_sim
