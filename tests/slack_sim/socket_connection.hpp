#pragma once
// One Socket Mode WebSocket as the server holds it: frames written one at a
// time in the order they were queued, a graceful close after `disconnect`,
// and an abrupt drop. Used only on the simulator's I/O thread.
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <variant>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace warroom::slack_sim {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using WebSocket = boost::beast::websocket::stream<TlsStream>;

class SocketConnection : public std::enable_shared_from_this<SocketConnection> {
public:
    SocketConnection(int id, TlsStream stream);

    int id() const { return id_; }
    WebSocket& websocket() { return websocket_; }
    bool closed() const { return closed_; }

    // Queues a text frame; ignored once the socket is closed or dropped.
    void send_text(std::string text);
    // Queues `disconnect_frame`, then a close frame after `grace` unless the client closed first.
    void send_disconnect(std::string disconnect_frame, std::chrono::milliseconds grace);
    // TCP reset, no close frame: the client sees the connection vanish.
    void drop();
    // Queues the first half of `text` as a non-final frame, after which the connection closes (no close
    // frame): the client has part of a message and then nothing. Beast writes the fragment, so it cannot
    // collide with a pong Beast is writing; a frame cut at the TLS layer could.
    void send_cut(std::string text);
    // The read loop saw the socket end; nothing more will be written.
    void mark_closed() { closed_ = true; }

private:
    struct CloseFrame {};
    struct CutMessage {
        std::string text;
    };
    using Outgoing = std::variant<std::string, CloseFrame, CutMessage>;

    void enqueue(Outgoing item);
    boost::asio::awaitable<void> write_outgoing();
    void close_after_cut();

    int id_;
    WebSocket websocket_;
    std::deque<Outgoing> outgoing_;
    bool writing_ = false;
    bool closed_ = false;
    bool close_sent_ = false;          // a close frame went out: nothing may follow it
};

}  // namespace warroom::slack_sim
