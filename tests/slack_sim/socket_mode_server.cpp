// Socket Mode's WebSocket side: the ticketed upgrade, hello, envelopes to the
// newest ready connection, acks, redelivery on timeout or a lost socket, and
// the fault switches that send `disconnect` or drop sockets.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "sim_common/request_target.hpp"
#include "sim_common/use_nothrow.hpp"
#include "slack_sim/http_args.hpp"
#include "slack_sim/simulator_impl.hpp"

namespace warroom::slack_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using sim_common::use_nothrow;

namespace {

std::string disconnect_frame() {
    return nlohmann::json{{"type", "disconnect"}, {"reason", "refresh_requested"}, {"debug_info", {{"host", "sim"}}}}
        .dump();
}

}  // namespace

asio::awaitable<void> SlackSimulator::Impl::serve_socket_mode(TlsStream stream, HttpRequest upgrade) {
    auto [path, query] = sim_common::split_target(upgrade.target());
    std::string ticket = parse_form(query).value("ticket", "");

    // Tickets are single-use: Slack refuses a reused or unknown one before the upgrade.
    bool admitted = (path == "/link/" || path == "/link") && state.update([&](SimState& s) {
                        auto it = s.tickets.find(ticket);
                        if (it == s.tickets.end() || it->second) return false;
                        it->second = true;
                        return true;
                    });
    if (!admitted) {
        HttpResponse refusal{http::status::unauthorized, upgrade.version()};
        refusal.set(http::field::server, "slack-sim");
        refusal.set(http::field::content_type, "text/plain");
        refusal.body() = "invalid or already used Socket Mode ticket\n";
        refusal.keep_alive(false);
        refusal.prepare_payload();
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        co_await http::async_write(stream, refusal, use_nothrow);
        co_await stream.async_shutdown(use_nothrow);
        co_return;
    }

    auto connection = std::make_shared<SocketConnection>(++last_connection_id, std::move(stream));
    WebSocket& ws = connection->websocket();
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = std::chrono::seconds(5);
    timeouts.idle_timeout = 2 * kPingInterval;   // Beast pings at half of it when nothing arrived
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(http::field::server, "slack-sim"); }));
    if (auto [error] = co_await ws.async_accept(upgrade, use_nothrow); error) co_return;

    int id = connection->id();
    sockets[id] = connection;
    nlohmann::json hello =
        state.update([&](SimState& s) { return s.socket_mode.open_connection(id, s.workspace.app_id); });
    connection->send_text(hello.dump());
    deliver_pending();

    for (;;) {
        beast::flat_buffer frame;
        if (auto [error, read] = co_await ws.async_read(frame, use_nothrow); error) break;
        std::string text = beast::buffers_to_string(frame.data());
        if (take_load_ack(text)) continue;
        state.update([&](SimState& s) { s.socket_mode.receive(id, text, Clock::now()); });
    }
    socket_ended(id);
}

void SlackSimulator::Impl::socket_ended(int connection_id) {
    auto it = sockets.find(connection_id);
    if (it != sockets.end()) {
        it->second->mark_closed();
        sockets.erase(it);
    }
    state.update([&](SimState& s) { s.socket_mode.close_connection(connection_id); });
    deliver_pending();
}

void SlackSimulator::Impl::deliver_pending() {
    for (;;) {
        std::chrono::milliseconds ack_timeout{};
        auto delivery = state.update([&](SimState& s) {
            ack_timeout = s.socket_mode.ack_timeout;
            return s.socket_mode.next_delivery(Clock::now());
        });
        if (!delivery) return;
        auto it = sockets.find(delivery->connection);
        if (it == sockets.end()) {
            // The state and `sockets` change together on this thread, so this means a bug, not a race.
            report_escaped_exception(std::make_exception_ptr(
                std::logic_error("envelope routed to unknown connection " + std::to_string(delivery->connection))));
            state.update([&](SimState& s) { s.socket_mode.close_connection(delivery->connection); });
            continue;
        }
        if (delivery->cut) {
            // The state already counts the socket as closed (the envelope queued again); now the socket follows.
            it->second->send_cut(std::move(delivery->text));
            sockets.erase(it);
            continue;
        }
        it->second->send_text(std::move(delivery->text));
        if (delivery->expects_ack)
            asio::co_spawn(server.io(), redeliver_if_unacked(delivery->key, delivery->send_number, ack_timeout),
                           report_escaped_exception);
        if (delivery->then_disconnect) it->second->send_disconnect(disconnect_frame(), kDisconnectGrace);
    }
}

asio::awaitable<void> SlackSimulator::Impl::redeliver_if_unacked(std::string envelope_key, int send_number,
                                                                 std::chrono::milliseconds timeout) {
    asio::steady_timer timer(server.io(), timeout);
    if (auto [error] = co_await timer.async_wait(use_nothrow); error) co_return;
    if (state.update([&](SimState& s) { return s.socket_mode.ack_timed_out(envelope_key, send_number); }))
        deliver_pending();
}

void SlackSimulator::Impl::send_disconnect_to(int connection_id) {
    if (auto it = sockets.find(connection_id); it != sockets.end())
        it->second->send_disconnect(disconnect_frame(), kDisconnectGrace);
}

void SlackSimulator::Impl::drop_sockets(const std::vector<int>& connection_ids) {
    for (int id : connection_ids) {
        if (auto it = sockets.find(id); it != sockets.end()) {
            it->second->drop();
            sockets.erase(it);
        }
    }
    deliver_pending();
}


}  // namespace warroom::slack_sim
