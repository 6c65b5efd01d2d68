#include "adapters/net/http_client.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "adapters/net/connect.hpp"
#include "adapters/net/connection_error.hpp"

namespace warroom::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

// One kept-alive connection to the origin; exactly one request uses it at a time.
struct Connection {
    std::unique_ptr<asio::ssl::stream<beast::tcp_stream>> tls_stream;   // when the origin uses TLS
    std::unique_ptr<beast::tcp_stream> plain_stream;                    // on loopback without TLS
    beast::flat_buffer buffer;
    int responses = 0;                                                   // > 0: a reused connection

    bool connected() const { return tls_stream || plain_stream; }
};

// The failures by which a kept-alive connection shows that the server closed
// it while it sat idle.
bool closed_by_peer(const error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
           ec == asio::ssl::error::stream_truncated;
}

// delay-seconds is any number of digits (RFC 9110 10.2.3): one too long for
// an integer is a very long wait, so it is read as the longest one.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    // An HTTP date is allowed too, but Slack and Matrix servers send seconds; a date is ignored.
    if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::uint64_t seconds = 0;
    const std::from_chars_result parsed = std::from_chars(value.data(), value.data() + value.size(), seconds);
    const auto most = static_cast<std::uint64_t>(HttpClient::kMaxRetryAfter.count());
    if (parsed.ec == std::errc::result_out_of_range || seconds > most) return HttpClient::kMaxRetryAfter;
    return std::chrono::seconds(static_cast<std::chrono::seconds::rep>(seconds));
}

// Not in a coroutine: GCC 12 mishandles temporaries of a ?: in coroutine bodies (double free).
std::string host_header(const Endpoint& origin) {
    const bool default_port = origin.port == (origin.tls ? "443" : "80");
    const std::string host = origin.host.find(':') != std::string::npos ? "[" + origin.host + "]" : origin.host;
    return default_port ? host : host + ":" + origin.port;
}

struct ExchangeResult {
    error_code ec;
    bool got_response_bytes = false;
    bool too_large = false;            // the head was read, the body is over the limit and was left unread
    http::response<http::string_body> response;
};

template <class Stream>
asio::awaitable<ExchangeResult> exchange(Stream& stream, beast::flat_buffer& buffer,
                                         const http::request<http::string_body>& request,
                                         std::chrono::milliseconds timeout, std::uint64_t max_body) {
    beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
    ExchangeResult result;

    tcp.expires_after(timeout);
    auto [write_ec, written] = co_await http::async_write(stream, request, kAwaitTuple);
    (void)written;
    if (write_ec) {
        result.ec = write_ec;
        co_return result;
    }

    http::response_parser<http::string_body> parser;
    parser.body_limit(max_body);
    tcp.expires_after(timeout);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kAwaitTuple);
    (void)read;
    tcp.expires_never();
    if (read_ec == http::error::body_limit && parser.is_header_done()) {
        // An answer, only too long to read: the caller learns its status and that it must ask for less.
        result.too_large = true;
        result.got_response_bytes = true;
        result.response.base() = parser.get().base();
        co_return result;
    }
    if (read_ec) {
        result.ec = read_ec;
        result.got_response_bytes = parser.got_some();
        co_return result;
    }
    result.got_response_bytes = true;
    result.response = parser.release();
    co_return result;
}

// HttpClient::State, defined here so that the helpers below can name it.
struct Pool {
    asio::any_io_executor executor;
    asio::ssl::context& tls;
    Endpoint origin;
    std::chrono::milliseconds timeout;
    std::size_t max_body;

    std::vector<std::unique_ptr<Connection>> idle;
    std::size_t open = 0;                                    // idle and in use
    std::deque<std::shared_ptr<asio::steady_timer>> waiting; // callers waiting for a free slot, in arrival order

    Pool(asio::any_io_executor executor, asio::ssl::context& tls, Endpoint origin, std::chrono::milliseconds timeout,
         std::size_t max_body)
        : executor(std::move(executor)), tls(tls), origin(std::move(origin)), timeout(timeout), max_body(max_body) {}

    std::string describe() const { return origin.host + ":" + origin.port; }

    // Lets the longest-waiting caller try again; a waiter whose wait is gone is skipped.
    void wake_one() {
        while (!waiting.empty()) {
            auto timer = std::move(waiting.front());
            waiting.pop_front();
            if (timer->cancel() > 0) return;
        }
    }

    asio::awaitable<void> connect(Connection& connection);
};

// A connection taken from the pool for one request. When the request ends,
// the connection goes back to the pool if it may be reused, or is closed;
// either way the next waiting caller gets its chance.
class Lease {
public:
    Lease(std::shared_ptr<Pool> state, std::unique_ptr<Connection> connection)
        : state_(std::move(state)), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
        if (!state_) return;
        if (connection_ && reusable_) {
            state_->idle.push_back(std::move(connection_));
        } else {
            connection_.reset();
            --state_->open;
        }
        state_->wake_one();
    }

    Connection& connection() { return *connection_; }
    void keep() { reusable_ = true; }
    // Replaces a connection the server closed with a new, unconnected one.
    void renew() { connection_ = std::make_unique<Connection>(); }

private:
    std::shared_ptr<Pool> state_;
    std::unique_ptr<Connection> connection_;
    bool reusable_ = false;
};

asio::awaitable<Lease> acquire(std::shared_ptr<Pool> state) {
    for (;;) {
        if (!state->idle.empty()) {
            auto connection = std::move(state->idle.back());
            state->idle.pop_back();
            co_return Lease(state, std::move(connection));
        }
        if (state->open < HttpClient::kMaxConnections) {
            ++state->open;
            co_return Lease(state, std::make_unique<Connection>());
        }
        auto turn = std::make_shared<asio::steady_timer>(state->executor, asio::steady_timer::time_point::max());
        state->waiting.push_back(turn);
        error_code ignored;
        co_await turn->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
}

asio::awaitable<void> Pool::connect(Connection& connection) {
    if (!origin.tls) {
        auto stream = std::make_unique<beast::tcp_stream>(executor);
        co_await connect_tcp(*stream, origin, timeout);
        connection.plain_stream = std::move(stream);
        co_return;
    }
    auto stream = std::make_unique<asio::ssl::stream<beast::tcp_stream>>(executor, tls);
    co_await connect_tls(*stream, origin, timeout);
    connection.tls_stream = std::move(stream);
}

}  // namespace

struct HttpClient::State : Pool {
    using Pool::Pool;
};

HttpClient::HttpClient(asio::any_io_executor executor, asio::ssl::context& tls, Endpoint origin,
                       std::chrono::milliseconds timeout, std::size_t max_body)
    : state_(std::make_shared<State>(std::move(executor), tls, std::move(origin), timeout, max_body)) {}

HttpClient::~HttpClient() { close(); }

const Endpoint& HttpClient::origin() const { return state_->origin; }

void HttpClient::close() {
    state_->open -= state_->idle.size();
    state_->idle.clear();
}

asio::awaitable<HttpResponse> HttpClient::post(HttpRequest request) {
    request.method = "POST";
    co_return co_await send(std::move(request));
}

asio::awaitable<HttpResponse> HttpClient::send(HttpRequest request) {
    // The state outlives the client while a request is in flight.
    std::shared_ptr<State> state = state_;

    const http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) throw std::invalid_argument("unknown HTTP method " + request.method);
    http::request<http::string_body> message{verb, request.target, 11};
    message.set(http::field::host, host_header(state->origin));
    message.set(http::field::user_agent, "warroom");
    message.set(http::field::accept, "application/json");
    if (!request.authorization.empty()) message.set(http::field::authorization, request.authorization);
    for (const auto& [name, value] : request.headers) message.set(name, value);
    if (!request.content_type.empty()) message.set(http::field::content_type, request.content_type);
    message.body() = std::move(request.body);
    message.keep_alive(true);
    // A GET carries no body and so no Content-Length: 0 that some proxies refuse.
    if (verb != http::verb::get || !message.body().empty()) message.prepare_payload();

    Lease lease = co_await acquire(state);
    for (bool retried = false;; retried = true) {
        Connection& connection = lease.connection();
        const bool reused = connection.responses > 0;
        if (!connection.connected()) co_await state->connect(connection);

        ExchangeResult result;
        if (connection.tls_stream)
            result = co_await exchange(*connection.tls_stream, connection.buffer, message, state->timeout,
                                       state->max_body);
        else
            result = co_await exchange(*connection.plain_stream, connection.buffer, message, state->timeout,
                                       state->max_body);

        if (result.too_large) {
            // The rest of the body is still on the connection: it is closed, not reused (no keep()).
            spdlog::debug("an answer from {} was longer than the {} bytes read", state->describe(), state->max_body);
            HttpResponse response;
            response.status = result.response.result_int();
            response.too_large = true;
            if (auto it = result.response.find(http::field::retry_after); it != result.response.end())
                response.retry_after = parse_retry_after(it->value());
            co_return response;
        }

        if (!result.ec) {
            ++connection.responses;
            HttpResponse response;
            response.status = result.response.result_int();
            if (auto it = result.response.find(http::field::retry_after); it != result.response.end())
                response.retry_after = parse_retry_after(it->value());
            if (result.response.keep_alive()) lease.keep();
            response.body = std::move(result.response.body());
            co_return response;
        }
        // A kept-alive connection the server closed while idle: the request
        // never reached it, so sending it once more on a new one is safe.
        if (reused && !retried && !result.got_response_bytes && closed_by_peer(result.ec)) {
            spdlog::debug("HTTP connection to {} was closed by the server; sending again on a new one",
                          state->describe());
            lease.renew();
            continue;
        }
        if (result.ec == beast::error::timeout) {
            throw ConnectionError(result.ec, "no answer from " + state->describe() + " within " +
                                                 std::to_string(state->timeout.count()) + " ms");
        }
        throw ConnectionError(result.ec, "the request to " + state->describe() + " failed: " + result.ec.message());
    }
}

}  // namespace warroom::net
