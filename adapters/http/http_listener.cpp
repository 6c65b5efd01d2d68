#include "adapters/http/http_listener.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <set>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace warroom::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// A connection is a routine thing to lose: errors come back as values.
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// The body a GET may carry is ignored, but read within this bound.
constexpr std::size_t kMaxBodyBytes = 16 * 1024;

// Written at once, without waiting, to a connection past the limit.
constexpr std::string_view kBusy =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 39\r\nConnection: close\r\n"
    "Retry-After: 5\r\n\r\ntoo many connections; try again shortly\n";

asio::ssl::context server_tls(const HttpSettings& settings) {
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    boost::system::error_code ec;
    context.use_certificate_chain_file(*settings.cert_file, ec);
    if (ec)
        throw std::runtime_error("WARROOM_HTTP_CERT=" + *settings.cert_file +
                                 ": not a PEM certificate chain warroom can load (" + ec.message() + ")");
    context.use_private_key_file(*settings.key_file, asio::ssl::context::pem, ec);
    if (ec)
        throw std::runtime_error("WARROOM_HTTP_KEY=" + *settings.key_file +
                                 ": not a PEM private key for WARROOM_HTTP_CERT (" + ec.message() + ")");
    return context;
}

}  // namespace

struct HttpListener::State {
    State(asio::any_io_executor executor, const HttpSettings& settings, Handler handler)
        : settings(settings), handler(std::move(handler)), acceptor(executor) {
        if (settings.tls()) tls.emplace(server_tls(settings));
        boost::system::error_code ec;
        const asio::ip::address address = asio::ip::make_address(settings.address, ec);
        if (ec) throw std::runtime_error("WARROOM_HTTP: \"" + settings.address + "\" is not an IP address");
        const tcp::endpoint endpoint(address, settings.port);
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            throw std::runtime_error("WARROOM_HTTP: cannot listen on " + settings.url(settings.port) + ": " +
                                     ec.message());
        port = acceptor.local_endpoint().port();
    }

    HttpSettings settings;
    Handler handler;
    std::optional<asio::ssl::context> tls;
    tcp::acceptor acceptor;
    unsigned short port = 0;
    std::set<tcp::socket*> open;       // every connection's socket, closed by stop()
    std::size_t connections = 0;       // accepted and not yet ended (counted at accept, before the coroutine runs)
    bool stopping = false;
};

namespace {

template <class Stream>
tcp::socket& socket_of(Stream& stream) {
    return beast::get_lowest_layer(stream).socket();
}

WebRequest to_web_request(const bhttp::request<bhttp::string_body>& request) {
    WebRequest web;
    web.method = std::string(request.method_string());
    web.target = std::string(request.target());
    if (auto it = request.find(bhttp::field::authorization); it != request.end()) web.authorization = it->value();
    return web;
}

bhttp::response<bhttp::string_body> to_response(WebResponse web, bool head_only, bool keep_alive, unsigned version) {
    bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(web.status), version};
    response.set(bhttp::field::server, "warroom");
    response.set(bhttp::field::content_type, web.content_type);
    for (const auto& [name, value] : common_headers()) response.set(name, value);
    for (const auto& [name, value] : web.headers) response.set(name, value);
    response.keep_alive(keep_alive);
    const std::size_t length = web.body.size();
    if (!head_only) response.body() = std::move(web.body);
    response.content_length(length);
    return response;
}

// What a request that cannot be read whole is answered, if anything: 431
// for too long a request line or headers, 413 for a body, 400 for the rest;
// a timeout or a closed connection gets nothing.
std::optional<WebResponse> read_failure_answer(const boost::system::error_code& ec) {
    if (ec == bhttp::error::header_limit)
        return WebResponse{431, "text/plain; charset=utf-8", "the request line and headers are too long\n", {}};
    if (ec == bhttp::error::body_limit)
        return WebResponse{413, "text/plain; charset=utf-8", "the request body is too long\n", {}};
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::bad_descriptor)
        return std::nullopt;
    return WebResponse{400, "text/plain; charset=utf-8", "not an HTTP/1.1 request warroom can read\n", {}};
}

// Half-closes, then reads and drops what the client still sends, for at most a second or 4 MiB.
asio::awaitable<void> drain(beast::tcp_stream& transport) {
    boost::system::error_code ignored;
    transport.socket().shutdown(tcp::socket::shutdown_send, ignored);
    transport.expires_after(std::chrono::seconds(1));
    std::array<char, 16384> sink;
    for (std::size_t dropped = 0; dropped < 4 * 1024 * 1024;) {
        auto [error, n] = co_await transport.async_read_some(asio::buffer(sink), use_nothrow);
        if (error) co_return;
        dropped += n;
    }
}

template <class Stream>
asio::awaitable<void> serve_requests(HttpListener::State& state, Stream& stream) {
    beast::flat_buffer buffer;
    auto& transport = beast::get_lowest_layer(stream);
    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(state.settings.max_header_bytes));
        parser.body_limit(kMaxBodyBytes);
        // The whole request within the timeout, however slowly it trickles in.
        transport.expires_after(state.settings.request_timeout);
        auto [read_error, read_bytes] = co_await bhttp::async_read(stream, buffer, parser, use_nothrow);
        (void)read_bytes;
        WebResponse answer;
        bool keep_alive = false;
        bool head_only = false;
        unsigned version = 11;
        if (read_error) {
            std::optional<WebResponse> failure = read_failure_answer(read_error);
            if (!failure) co_return;
            answer = std::move(*failure);
        } else {
            const auto& request = parser.get();
            keep_alive = request.keep_alive();
            head_only = request.method() == bhttp::verb::head;
            version = request.version();
            try {
                answer = state.handler(to_web_request(request));
            } catch (const std::exception& error) {
                spdlog::error("HTTP {} {}: {}", std::string(request.method_string()), std::string(request.target()),
                              error.what());
                answer = WebResponse{500, "text/plain; charset=utf-8", "warroom could not answer this request\n", {}};
            }
        }
        auto response = to_response(std::move(answer), head_only, keep_alive, version);
        transport.expires_after(state.settings.request_timeout);
        auto [write_error, written] = co_await bhttp::async_write(stream, response, use_nothrow);
        (void)written;
        if (write_error || !keep_alive || state.stopping) {
            // After refusing a request not read whole, what the client is still
            // sending is read and dropped for a moment: closing on unread bytes
            // would reset the connection and lose the answer on its way.
            if (read_error && !write_error) co_await drain(transport);
            co_return;
        }
    }
}

// Keeps a connection's socket in the listener's list while it is served.
class Registration {
public:
    Registration(HttpListener::State& state, tcp::socket& socket) : state_(state), socket_(&socket) {
        state_.open.insert(socket_);
    }
    ~Registration() { state_.open.erase(socket_); }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

private:
    HttpListener::State& state_;
    tcp::socket* socket_;
};

// Counts a connection out of the listener's limit when its coroutine ends.
struct ConnectionSlot {
    explicit ConnectionSlot(HttpListener::State& state) : state(state) {}
    ~ConnectionSlot() { --state.connections; }
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;
    HttpListener::State& state;
};

asio::awaitable<void> serve_connection(std::shared_ptr<HttpListener::State> state, tcp::socket socket) {
    const ConnectionSlot slot(*state);
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (!state->tls) {
        beast::tcp_stream stream(std::move(socket));
        Registration registered(*state, stream.socket());
        co_await serve_requests(*state, stream);
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *state->tls);
    Registration registered(*state, socket_of(stream));
    beast::get_lowest_layer(stream).expires_after(state->settings.request_timeout);
    auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, use_nothrow);
    if (handshake_error) co_return;   // not TLS, or too slow: nothing to answer
    co_await serve_requests(*state, stream);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(use_nothrow);
}

}  // namespace

HttpListener::HttpListener(asio::any_io_executor executor, const HttpSettings& settings, Handler handler)
    : state_(std::make_shared<State>(std::move(executor), settings, std::move(handler))) {}

HttpListener::~HttpListener() = default;

asio::awaitable<void> HttpListener::run() {
    const std::shared_ptr<State> state = state_;
    while (!state->stopping) {
        auto [error, socket] = co_await state->acceptor.async_accept(use_nothrow);
        if (state->stopping) co_return;
        if (error) {
            // Out of descriptors, say: the listener waits a moment rather than spinning.
            spdlog::warn("HTTP listener: accepting a connection failed: {}", error.message());
            asio::steady_timer pause(state->acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(use_nothrow);
            continue;
        }
        if (state->connections >= state->settings.max_connections) {
            // Answered without waiting on the reader, then closed.
            boost::system::error_code ignored;
            socket.non_blocking(true, ignored);
            if (!state->tls) socket.write_some(asio::buffer(kBusy), ignored);
            socket.close(ignored);
            continue;
        }
        ++state->connections;
        asio::co_spawn(state->acceptor.get_executor(), serve_connection(state, std::move(socket)), asio::detached);
    }
}

void HttpListener::stop() {
    state_->stopping = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    for (tcp::socket* socket : state_->open) socket->close(ignored);
}

unsigned short HttpListener::port() const { return state_->port; }

std::string HttpListener::url() const { return state_->settings.url(state_->port); }

std::size_t HttpListener::open_connections() const { return state_->connections; }

}  // namespace warroom::http
