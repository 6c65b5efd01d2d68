#include "sim_common/https_connection.hpp"

#include <chrono>
#include <sstream>

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "sim_common/use_nothrow.hpp"

namespace warroom::sim_common {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::chrono::seconds kTlsHandshakeTimeout{10};
constexpr std::chrono::seconds kKeepAliveIdle{60};
constexpr std::size_t kMaxRequestBody = 16 * 1024 * 1024;

}  // namespace

asio::awaitable<void> serve_https(asio::ip::tcp::socket socket, asio::ssl::context& tls, std::string server_name,
                                  RequestHandler handle) {
    TlsStream stream(std::move(socket), tls);
    beast::get_lowest_layer(stream).expires_after(kTlsHandshakeTimeout);
    if (auto [error] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow); error) co_return;

    beast::flat_buffer buffer;
    for (;;) {
        beast::get_lowest_layer(stream).expires_after(kKeepAliveIdle);
        http::request_parser<http::string_body> parser;
        parser.body_limit(kMaxRequestBody);
        // end_of_stream (the client closed), a reset, or the idle timeout all end the connection.
        if (auto [error, read] = co_await http::async_read(stream, buffer, parser, use_nothrow); error) co_return;
        HttpRequest request = parser.release();
        bool keep_alive = request.keep_alive();

        // The handler may hold the request (a long-poll) or keep the connection (a WebSocket with its own timeouts).
        beast::get_lowest_layer(stream).expires_never();
        std::optional<HttpResponse> response = co_await handle(request, stream);
        if (!response) co_return;

        response->keep_alive(keep_alive);
        response->set(http::field::server, server_name);
        response->prepare_payload();
        beast::get_lowest_layer(stream).expires_after(kKeepAliveIdle);
        if (auto [error, written] = co_await http::async_write(stream, *response, use_nothrow); error) co_return;
        if (!response->keep_alive()) {
            beast::get_lowest_layer(stream).expires_after(kTlsHandshakeTimeout);
            co_await stream.async_shutdown(use_nothrow);
            co_return;
        }
    }
}

asio::awaitable<void> hold_answer(std::chrono::milliseconds delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(use_nothrow);
}

namespace {

// The whole message as it would go on the wire, and where to cut it.
std::string cut_wire_text(HttpResponse& response) {
    std::ostringstream serialized;
    serialized << response;
    std::string wire = serialized.str();
    const std::size_t body = response.body().size();
    const std::size_t head = wire.size() - body;
    wire.resize(body > 0 ? head + body / 2 : head / 2);
    return wire;
}

}  // namespace

asio::awaitable<void> write_cut_short(TlsStream& stream, HttpResponse response, std::string server_name) {
    response.keep_alive(true);
    response.set(http::field::server, server_name);
    response.prepare_payload();
    const std::string wire = cut_wire_text(response);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    co_await asio::async_write(stream, asio::buffer(wire), use_nothrow);
    // No close_notify: the client reads what came and then finds the connection gone.
    auto& socket = beast::get_lowest_layer(stream).socket();
    boost::system::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

}  // namespace warroom::sim_common
