// The simulator's front door: TLS on one loopback port, HTTP/1.1 with
// keep-alive, routing to the Web API, response_urls and Socket Mode upgrades.
#include <iostream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "slack_sim/simulator_impl.hpp"
#include "slack_sim/web_api.hpp"

namespace warroom::slack_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kTlsHandshakeTimeout{10};
constexpr std::chrono::seconds kKeepAliveIdle{60};
constexpr std::size_t kMaxRequestBody = 16 * 1024 * 1024;

HttpResponse text_response(const HttpRequest& request, http::status status, const std::string& text) {
    HttpResponse response{status, request.version()};
    response.set(http::field::content_type, "text/plain");
    response.body() = text;
    return response;
}

}  // namespace

void report_escaped_exception(std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::cerr << "slack simulator: internal error: " << e.what() << '\n';
    }
}

asio::awaitable<void> SlackSimulator::Impl::accept_connections() {
    for (;;) {
        auto [error, socket] = co_await acceptor.async_accept(use_nothrow);
        if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        if (error) continue;   // e.g. the client reset before we accepted; keep serving the others
        asio::co_spawn(io, serve_http(std::move(socket)), report_escaped_exception);
    }
}

asio::awaitable<void> SlackSimulator::Impl::serve_http(tcp::socket socket) {
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

        if (beast::websocket::is_upgrade(request)) {
            beast::get_lowest_layer(stream).expires_never();   // the WebSocket keeps its own timeouts
            co_await serve_socket_mode(std::move(stream), std::move(request));
            co_return;
        }

        HttpResponse response = respond(request);
        response.keep_alive(request.keep_alive());
        response.set(http::field::server, "slack-sim");
        response.prepare_payload();
        if (auto [error, written] = co_await http::async_write(stream, response, use_nothrow); error) co_return;
        if (!response.keep_alive()) {
            beast::get_lowest_layer(stream).expires_after(kTlsHandshakeTimeout);
            co_await stream.async_shutdown(use_nothrow);
            co_return;
        }
    }
}

HttpResponse SlackSimulator::Impl::respond(const HttpRequest& request) {
    std::string target(request.target());
    std::size_t question = target.find('?');
    std::string path = target.substr(0, question);
    std::string query = question == std::string::npos ? "" : target.substr(question + 1);

    static const std::string api_prefix = "/api/";
    static const std::string response_prefix = "/response/";
    if (path.rfind(api_prefix, 0) == 0) {
        // Slack takes POST (and GET with query arguments) for every method.
        if (request.method() != http::verb::post && request.method() != http::verb::get)
            return text_response(request, http::status::method_not_allowed, "use POST\n");
        ApiHttpRequest call;
        call.method = path.substr(api_prefix.size());
        if (auto header = request.find(http::field::authorization); header != request.end())
            call.authorization = std::string(header->value());
        call.content_type = std::string(request[http::field::content_type]);
        call.body = request.body();
        call.query = query;
        ApiHttpResponse answer = update([&](SimState& s) { return handle_api_request(s, call); });

        HttpResponse response{static_cast<http::status>(answer.status), request.version()};
        response.set(http::field::content_type, answer.content_type);
        if (answer.retry_after_seconds)
            response.set(http::field::retry_after, std::to_string(*answer.retry_after_seconds));
        response.body() = std::move(answer.body);
        return response;
    }
    if (path.rfind(response_prefix, 0) == 0 && request.method() == http::verb::post) {
        std::string id = path.substr(response_prefix.size());
        ApiHttpResponse answer = update([&](SimState& s) { return handle_response_url(s, id, request.body()); });
        HttpResponse response{static_cast<http::status>(answer.status), request.version()};
        response.set(http::field::content_type, answer.content_type);
        response.body() = std::move(answer.body);
        return response;
    }
    return text_response(request, http::status::not_found, "no such path on the slack simulator: " + path + "\n");
}

}  // namespace warroom::slack_sim
