#include "slack_sim/socket_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sim_common/use_nothrow.hpp"

namespace warroom::slack_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using sim_common::use_nothrow;

SocketConnection::SocketConnection(int id, TlsStream stream) : id_(id), websocket_(std::move(stream)) {}

void SocketConnection::send_text(std::string text) {
    enqueue(std::move(text));
}

void SocketConnection::send_disconnect(std::string disconnect_frame, std::chrono::milliseconds grace) {
    enqueue(std::move(disconnect_frame));
    // Slack closes a socket it told to go away after a while; the timer must not keep the connection alive.
    asio::co_spawn(
        websocket_.get_executor(),
        [weak = weak_from_this(), grace]() -> asio::awaitable<void> {
            asio::steady_timer timer(co_await asio::this_coro::executor, grace);
            co_await timer.async_wait(use_nothrow);
            if (auto self = weak.lock()) self->enqueue(CloseFrame{});
        },
        asio::detached);
}

void SocketConnection::drop() {
    if (closed_) return;
    closed_ = true;
    outgoing_.clear();
    auto& socket = beast::get_lowest_layer(websocket_).socket();
    boost::system::error_code ignored;
    // SO_LINGER 0: close() sends RST instead of FIN, as a crashed load balancer would.
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
}

void SocketConnection::send_cut(std::string text) {
    enqueue(CutMessage{std::move(text)});
}

void SocketConnection::close_after_cut() {
    closed_ = true;
    outgoing_.clear();
    // FIN after the fragment rather than a reset, so the fragment reaches the client before the end does.
    auto& socket = beast::get_lowest_layer(websocket_).socket();
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

void SocketConnection::enqueue(Outgoing item) {
    if (closed_ || close_sent_) return;
    outgoing_.push_back(std::move(item));
    if (writing_) return;
    writing_ = true;
    asio::co_spawn(
        websocket_.get_executor(), [self = shared_from_this()] { return self->write_outgoing(); }, asio::detached);
}

asio::awaitable<void> SocketConnection::write_outgoing() {
    // One write at a time, as Beast requires; frames leave in the order they were queued.
    while (!outgoing_.empty() && !closed_) {
        Outgoing item = std::move(outgoing_.front());
        outgoing_.pop_front();
        if (auto* text = std::get_if<std::string>(&item)) {
            websocket_.text(true);
            auto [error, written] = co_await websocket_.async_write(asio::buffer(*text), use_nothrow);
            if (error) break;
        } else if (auto* cut = std::get_if<CutMessage>(&item)) {
            const std::string& whole = cut->text;
            const std::size_t half = whole.size() / 2;
            websocket_.text(true);
            co_await websocket_.async_write_some(false, asio::buffer(whole.data(), half), use_nothrow);
            close_after_cut();
            break;
        } else {
            close_sent_ = true;
            outgoing_.clear();
            co_await websocket_.async_close(websocket::close_code::normal, use_nothrow);   // errors: gone anyway
            break;
        }
    }
    writing_ = false;
}

}  // namespace warroom::slack_sim
