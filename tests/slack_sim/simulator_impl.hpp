#pragma once
// The simulator's insides, shared by slack_simulator.cpp (public API,
// lifetime), http_server.cpp (TLS, HTTP/1.1, Web API routing) and
// socket_mode_server.cpp (the WebSocket side of Socket Mode).
//
// Threads: the public API runs on the tests' threads and only touches
// `state` under `mutex`; all I/O runs on `io_thread`, which owns `sockets`.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "slack_sim/sim_state.hpp"
#include "slack_sim/slack_simulator.hpp"
#include "slack_sim/socket_connection.hpp"

namespace warroom::slack_sim {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// How long Slack lets a told-to-disconnect socket live, and how often it pings an idle one.
inline constexpr std::chrono::seconds kDisconnectGrace{10};
inline constexpr std::chrono::seconds kPingInterval{10};

struct SlackSimulator::Impl {
    Impl();
    ~Impl();

    // Runs `change` on the state under the mutex, then wakes wait_for.
    template <class Change>
    auto update(Change&& change) {
        std::unique_lock lock(mutex);
        if constexpr (std::is_void_v<std::invoke_result_t<Change, SimState&>>) {
            change(*state);
            ++version;
            lock.unlock();
            changed.notify_all();
        } else {
            auto result = change(*state);
            ++version;
            lock.unlock();
            changed.notify_all();
            return result;
        }
    }

    template <class Query>
    auto read(Query&& query) const {
        std::lock_guard lock(mutex);
        return query(std::as_const(*state));
    }

    // Asks the I/O thread to send what waits (from any thread).
    void post_delivery();

    // --- http_server.cpp (I/O thread) ---
    boost::asio::awaitable<void> accept_connections();
    boost::asio::awaitable<void> serve_http(boost::asio::ip::tcp::socket socket);
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

    // Guarded by `mutex`.
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::uint64_t version = 0;         // bumped on every change, so wait_for sees each one
    std::unique_ptr<SimState> state;

    std::string ca_path;

    // I/O. Declared so that the io_context is destroyed after everything using it and before the TLS context.
    boost::asio::ssl::context tls{boost::asio::ssl::context::tls_server};
    boost::asio::io_context io{1};
    boost::asio::ip::tcp::acceptor acceptor{io};
    unsigned short port = 0;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running{io.get_executor()};
    std::map<int, std::shared_ptr<SocketConnection>> sockets;   // I/O thread only
    int last_connection_id = 0;                                 // I/O thread only
    std::thread io_thread;
};

// Completion handler for co_spawn: a coroutine's escaped exception is a simulator bug; say so on stderr.
void report_escaped_exception(std::exception_ptr error);

}  // namespace warroom::slack_sim
