#pragma once
// The tests' side of a simulator's HTTPS: a small Beast client that checks a
// simulator from the outside. It verifies the simulator exactly as the bot
// does (chain to the run's test CA, host "localhost"), and every exchange has
// a deadline, so a broken simulator fails a test instead of hanging it.
// Header-only: only the simulator tests include it, and they use Beast anyway.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <future>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/url_encoding.hpp"

namespace warroom::sim_common {

// "https://localhost:PORT/api/", "wss://localhost:PORT/link/?..." or "https://localhost:PORT" -> PORT
inline unsigned short port_of(const std::string& url) {
    static const std::string host = "localhost:";
    std::size_t at = url.find(host);
    if (at == std::string::npos) throw std::invalid_argument("not a localhost URL: " + url);
    return static_cast<unsigned short>(std::stoi(url.substr(at + host.size())));
}

// RFC 3986: everything but the unreserved characters as %XX, as clients encode an id in a path or a form value
// (net::encode_path_segment, as the bot does).
inline std::string percent_encode(const std::string& text) { return net::encode_path_segment(text); }

struct HttpReply {
    unsigned status = 0;
    std::string retry_after;
    std::string content_type;
    std::string text;
    nlohmann::json body;               // null unless the body is JSON
};

class HttpsTestClient {
public:
    using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    static constexpr std::chrono::milliseconds kDeadline{5000};

    // `url` names the simulator's port ("https://localhost:PORT..."); `ca_file` is the CA it wrote.
    HttpsTestClient(const std::string& url, const std::string& ca_file) : port_(port_of(url)) {
        tls_.set_verify_mode(boost::asio::ssl::verify_peer);
        tls_.load_verify_file(ca_file);
    }

    // A request with Host set, and Authorization: Bearer when `token` is not "".
    Request request(boost::beast::http::verb method, const std::string& target, const std::string& token) const {
        Request request{method, target, 11};
        request.set(boost::beast::http::field::host, "localhost:" + std::to_string(port_));
        if (!token.empty()) request.set(boost::beast::http::field::authorization, "Bearer " + token);
        return request;
    }

    // A verified TLS connection, for several requests in turn (keep-alive) or a WebSocket.
    TlsStream connect(std::chrono::milliseconds deadline = kDeadline) {
        TlsStream stream(io_, tls_);
        run(handshake(stream, deadline));
        return stream;
    }

    // One request on a fresh connection, or on `connection` when given; the exchange must finish
    // within `deadline`, or it throws.
    HttpReply send(Request& request, TlsStream* connection = nullptr, std::chrono::milliseconds deadline = kDeadline) {
        request.prepare_payload();
        if (connection) return run(exchange(*connection, request, deadline));
        TlsStream fresh = connect(deadline);
        return run(exchange(fresh, request, deadline));
    }

    boost::asio::io_context& io() { return io_; }

private:
    template <class T>
    T run(boost::asio::awaitable<T> task) {
        std::future<T> result = boost::asio::co_spawn(io_, std::move(task), boost::asio::use_future);
        io_.restart();
        io_.run();
        return result.get();
    }

    boost::asio::awaitable<void> handshake(TlsStream& stream, std::chrono::milliseconds deadline) {
        namespace asio = boost::asio;
        // What the bot's client sets too: SNI, and the certificate must name "localhost".
        SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
        stream.set_verify_callback(asio::ssl::host_name_verification("localhost"));
        boost::beast::get_lowest_layer(stream).expires_after(deadline);
        asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port_);
        co_await boost::beast::get_lowest_layer(stream).async_connect(server, asio::use_awaitable);
        co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        boost::beast::get_lowest_layer(stream).expires_never();
    }

    boost::asio::awaitable<HttpReply> exchange(TlsStream& stream, Request& request,
                                               std::chrono::milliseconds deadline) {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        boost::beast::get_lowest_layer(stream).expires_after(deadline);
        co_await http::async_write(stream, request, asio::use_awaitable);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> response;
        co_await http::async_read(stream, buffer, response, asio::use_awaitable);
        // A kept connection waits for its next request without a clock running.
        boost::beast::get_lowest_layer(stream).expires_never();

        HttpReply reply;
        reply.status = response.result_int();
        reply.retry_after = std::string(response[http::field::retry_after]);
        reply.content_type = std::string(response[http::field::content_type]);
        reply.text = response.body();
        reply.body = nlohmann::json::parse(reply.text, nullptr, false);
        if (reply.body.is_discarded()) reply.body = nullptr;
        co_return reply;
    }

    boost::asio::io_context io_;
    boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
    unsigned short port_;
};

}  // namespace warroom::sim_common
