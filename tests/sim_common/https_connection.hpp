#pragma once
// HTTP/1.1 over TLS as both simulators serve it: the handshake, then requests
// one after another on the connection (keep-alive) until the client closes it,
// goes quiet or asks to close, each answered by the simulator's handler; and
// the answers the delivery fault switches hold back or cut short.
// Beast: include this only where requests are turned into answers.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "sim_common/http_message.hpp"

namespace warroom::sim_common {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Answers one request, taking as long as it needs (a held long-poll: the idle timeout is off meanwhile).
// Returns the response, to which the connection adds keep-alive and the Server header; or nullopt when the
// handler took the connection over, moving `request` and `stream` away (a WebSocket upgrade), which ends
// the request loop.
using RequestHandler =
    std::function<boost::asio::awaitable<std::optional<HttpResponse>>(HttpRequest& request, TlsStream& stream)>;

// Serves `socket` with `tls` until the connection ends; every response says `Server: server_name`.
boost::asio::awaitable<void> serve_https(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                                         std::string server_name, RequestHandler handle);

// For the delivery fault switches (delivery_faults.hpp), in a RequestHandler.
// Waits `delay` on a timer of the calling coroutine's executor: the I/O thread serves others meanwhile.
boost::asio::awaitable<void> hold_answer(std::chrono::milliseconds delay);

// Writes `response`'s head and half its body (Content-Length still promising all of it; for an empty body,
// half the head), then closes the connection without a TLS close_notify. `server_name` as serve_https sets it.
boost::asio::awaitable<void> write_cut_short(TlsStream& stream, HttpResponse response, std::string server_name);

}  // namespace warroom::sim_common
