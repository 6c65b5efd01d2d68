#include "adapters/slack/socket_mode_client.hpp"

#include "bot/overloaded.hpp"

#include <algorithm>
#include <deque>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include "adapters/net/connect.hpp"
#include "adapters/net/connection_error.hpp"
#include "adapters/net/endpoint.hpp"
#include "bot/backoff.hpp"
#include "bot/metrics.hpp"

namespace warroom::slack {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

// Resolving, TCP connect, TLS handshake and the WebSocket upgrade each get
// this long; so does the closing handshake.
constexpr milliseconds kConnectTimeout{10000};
// After stop(), sockets that have not finished their closing handshake by then are cut.
constexpr milliseconds kStopGrace{1000};
// Slack redelivers an envelope it did not see acked, possibly on another
// connection; ids this recent are recognised.
constexpr std::size_t kRememberedEnvelopes = 1000;
// Before handling the envelopes that wait, the handler lets the readers run
// this many times, so that frames already received join the same group (a
// turn with nothing to read costs about a microsecond); a group is at most
// kMaxGroup envelopes, which bounds the wait of its first ack.
constexpr int kGatherTurns = 16;
constexpr std::size_t kMaxGroup = 256;

// Waits until `when` or until the timer is cancelled, whichever comes first.
asio::awaitable<void> wait_on(asio::steady_timer& timer, Clock::time_point when) {
    timer.expires_at(when);
    error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

// GCC 12 mishandles the temporaries of a ?: in a coroutine body (a double
// free), so coroutines below call small functions like these instead.
std::string host_header(const net::Endpoint& endpoint) {
    const bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
    const std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    return default_port ? host : host + ":" + endpoint.port;
}

std::string or_else(const std::string& text, const char* fallback) { return text.empty() ? fallback : text; }

std::string end_reason(const error_code& ec) {
    return ec == websocket::error::closed ? "closed by Slack" : ec.message();
}

// One WebSocket, over TLS or (loopback only) plain TCP. Reads, writes and
// control frames are issued by the Connection, one write at a time.
class Socket {
public:
    virtual ~Socket() = default;
    // Throws boost::system::system_error naming the step that failed.
    virtual asio::awaitable<void> open(const net::Endpoint& endpoint) = 0;
    virtual asio::awaitable<std::pair<error_code, std::string>> read() = 0;
    virtual asio::awaitable<error_code> write_text(const std::string& text) = 0;
    virtual asio::awaitable<error_code> ping(const std::string& payload) = 0;
    virtual asio::awaitable<error_code> close() = 0;
    // Closes the TCP socket at once: every pending operation ends with an error.
    virtual void cut() = 0;
    virtual void on_pong(std::function<void(std::string_view)> callback) = 0;
};

template <class NextLayer>
class WebSocketOver final : public Socket {
public:
    static constexpr bool kTls = std::is_same_v<NextLayer, asio::ssl::stream<beast::tcp_stream>>;

    template <class... Args>
    explicit WebSocketOver(Args&&... args) : ws_(std::forward<Args>(args)...) {}

    asio::awaitable<void> open(const net::Endpoint& endpoint) override {
        const std::string where = endpoint.host + ":" + endpoint.port;
        beast::tcp_stream& tcp_layer = beast::get_lowest_layer(ws_);
        if constexpr (kTls) co_await net::connect_tls(ws_.next_layer(), endpoint, kConnectTimeout);
        else co_await net::connect_tcp(tcp_layer, endpoint, kConnectTimeout);

        // From here the WebSocket's own timeouts apply; the heartbeat watches an idle socket.
        tcp_layer.expires_never();
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = kConnectTimeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws_.set_option(timeouts);
        ws_.set_option(websocket::stream_base::decorator(
            [](websocket::request_type& request) { request.set(beast::http::field::user_agent, "warroom"); }));

        const std::string host = host_header(endpoint);
        auto [upgrade_ec] = co_await ws_.async_handshake(host, endpoint.target, kAwaitTuple);
        if (upgrade_ec)
            throw net::ConnectionError(upgrade_ec,
                                       "WebSocket handshake with " + where + " failed: " + upgrade_ec.message());
    }

    asio::awaitable<std::pair<error_code, std::string>> read() override {
        buffer_.clear();
        auto [ec, size] = co_await ws_.async_read(buffer_, kAwaitTuple);
        (void)size;
        if (ec) co_return std::pair{ec, std::string()};
        co_return std::pair{error_code(), beast::buffers_to_string(buffer_.data())};
    }

    asio::awaitable<error_code> write_text(const std::string& text) override {
        ws_.text(true);
        auto [ec, size] = co_await ws_.async_write(asio::buffer(text), kAwaitTuple);
        (void)size;
        co_return ec;
    }

    asio::awaitable<error_code> ping(const std::string& payload) override {
        auto [ec] = co_await ws_.async_ping(websocket::ping_data(payload.c_str()), kAwaitTuple);
        co_return ec;
    }

    asio::awaitable<error_code> close() override {
        auto [ec] = co_await ws_.async_close(websocket::close_code::normal, kAwaitTuple);
        co_return ec;
    }

    void cut() override {
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
    }

    void on_pong(std::function<void(std::string_view)> callback) override {
        ws_.control_callback([callback = std::move(callback)](websocket::frame_type kind, beast::string_view payload) {
            if (kind == websocket::frame_type::pong) callback(std::string_view(payload.data(), payload.size()));
        });
    }

private:
    websocket::stream<NextLayer> ws_;
    beast::flat_buffer buffer_;
};

struct Outgoing {
    enum class Kind { text, ping, close };
    Kind kind = Kind::text;
    std::string data;
    Clock::time_point envelope_read{};   // an ack: when its envelope was read (the metrics' ack latency)
};

struct Connection {
    Connection(asio::any_io_executor executor, int number, std::string host)
        : number(number), host(std::move(host)), heartbeat(executor), events(executor) {}

    const int number;                  // 1, 2, ... in the order opened, for logs
    const std::string host;            // for logs: never the URL, whose query holds a ticket
    std::unique_ptr<Socket> socket;

    bool open = false;                 // the WebSocket handshake succeeded
    bool ready = false;                // Slack said hello
    bool ended = false;                // reading stopped: closed, dropped or cut
    bool disconnect_announced = false; // Slack sent `disconnect`
    bool closing = false;              // our close frame is queued or sent
    std::string end_reason;

    std::deque<Outgoing> outgoing;     // written one at a time, in order
    bool writing = false;

    std::optional<std::string> awaited_pong;
    unsigned pings = 0;
    asio::steady_timer heartbeat;      // the ping loop's timer; a pong cancels it
    asio::steady_timer events;         // cancelled to wake whoever waits for news of this connection
};

// What one attempt to open a connection came to.
struct Attempt {
    std::shared_ptr<Connection> connection;   // ready (hello received), or null
    std::string failure;                      // why not, for the log
    bool token_refused = false;               // retrying soon will not help
};

struct Core {
    Core(asio::any_io_executor executor, asio::ssl::context& tls, WebApi& api, std::string app_token,
         SocketModeClient::EnvelopeHandler handler, SocketModeTimings timings)
        : executor(executor), tls(tls), api(api), app_token(std::move(app_token)), handler(std::move(handler)),
          timings(timings), backoff_timer(executor), tasks_done(executor), stop_timer(executor) {}

    asio::any_io_executor executor;
    asio::ssl::context& tls;
    WebApi& api;
    const std::string app_token;
    const SocketModeClient::EnvelopeHandler handler;
    SocketModeClient::EnvelopePreparer prepare;
    SocketModeClient::EnvelopeGroup group;
    const SocketModeTimings timings;

    // Envelopes read (and prepared) that wait for the handler, in order.
    struct Waiting {
        std::shared_ptr<Connection> connection;
        Envelope envelope;
        Clock::time_point read_at;
    };
    std::vector<Waiting> waiting;
    bool handler_scheduled = false;

    bool running = false;
    bool stopping = false;
    std::size_t ready_count = 0;
    std::size_t handled_count = 0;
    int opened_count = 0;
    int newest_ready = 0;              // number of the newest connection that said hello

    std::vector<std::shared_ptr<Connection>> live;   // connecting or open
    // Recent envelope ids, oldest first, with the ack payload each got: a
    // redelivery (its first ack lost with a dropped socket) gets the same answer.
    std::deque<std::string> recent_order;
    std::unordered_map<std::string, std::optional<nlohmann::json>> recent_answers;

    asio::steady_timer backoff_timer;
    // Cancels a pending apps.connections.open, which may be waiting out a rate limit.
    asio::cancellation_signal cancel_open;
    int tasks = 0;                     // coroutines spawned per connection and still running
    asio::steady_timer tasks_done;
    asio::steady_timer stop_timer;
};

void forget(Core& core, const std::shared_ptr<Connection>& connection) {
    std::erase(core.live, connection);
}

// Whether a connection that said hello is still reading.
bool any_ready(const Core& core) {
    return std::any_of(core.live.begin(), core.live.end(),
                       [](const auto& connection) { return connection->ready && !connection->ended; });
}

// Keeps the ack payload sent for an envelope, forgetting the oldest beyond kRememberedEnvelopes.
void remember(Core& core, const std::string& envelope_id, std::optional<nlohmann::json> payload) {
    core.recent_answers.emplace(envelope_id, std::move(payload));
    core.recent_order.push_back(envelope_id);
    if (core.recent_order.size() > kRememberedEnvelopes) {
        core.recent_answers.erase(core.recent_order.front());
        core.recent_order.pop_front();
    }
}

void spawn(const std::shared_ptr<Core>& core, asio::awaitable<void> task, const char* what) {
    ++core->tasks;
    asio::co_spawn(core->executor, std::move(task), [core, what](std::exception_ptr error) {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                spdlog::error("Socket Mode {} ended unexpectedly: {}", what, e.what());
            }
        }
        if (--core->tasks == 0) core->tasks_done.cancel();
    });
}

asio::awaitable<void> write_queued(std::shared_ptr<Connection> connection);

// Queues a frame; acks, pings and the close frame never overlap on a socket.
void send(const std::shared_ptr<Core>& core, const std::shared_ptr<Connection>& connection, Outgoing frame) {
    if (connection->ended || connection->closing) return;
    if (frame.kind == Outgoing::Kind::close) connection->closing = true;
    connection->outgoing.push_back(std::move(frame));
    if (!connection->writing) {
        connection->writing = true;
        spawn(core, write_queued(connection), "writer");
    }
}

asio::awaitable<void> write_queued(std::shared_ptr<Connection> connection) {
    while (!connection->outgoing.empty() && !connection->ended) {
        Outgoing frame = std::move(connection->outgoing.front());
        connection->outgoing.pop_front();
        error_code ec;
        switch (frame.kind) {
            case Outgoing::Kind::text: ec = co_await connection->socket->write_text(frame.data); break;
            case Outgoing::Kind::ping: ec = co_await connection->socket->ping(frame.data); break;
            case Outgoing::Kind::close: ec = co_await connection->socket->close(); break;
        }
        if (ec && !connection->ended) {
            if (!connection->closing) {
                spdlog::warn("Socket Mode connection {}: sending failed ({}); dropping it", connection->number,
                             ec.message());
            }
            connection->socket->cut();
        }
        if (ec || frame.kind == Outgoing::Kind::close) break;
        if (frame.envelope_read != Clock::time_point{}) metrics::envelope_acked(Clock::now() - frame.envelope_read);
    }
    connection->outgoing.clear();
    connection->writing = false;
}

void close_gracefully(const std::shared_ptr<Core>& core, const std::shared_ptr<Connection>& connection) {
    if (connection->open) send(core, connection, Outgoing{Outgoing::Kind::close, {}});
    else connection->socket->cut();
}

void on_hello(Core& core, const std::shared_ptr<Connection>& connection, const Hello& hello) {
    if (connection->ready) return;
    connection->ready = true;
    ++core.ready_count;
    if (core.ready_count > 1) metrics::reconnected("slack");
    metrics::set_connected("slack", true);
    core.newest_ready = std::max(core.newest_ready, connection->number);
    spdlog::info("Socket Mode connection {} to {} is ready (Slack counts {} connection(s) for this app)",
                 connection->number, connection->host, hello.num_connections);
    connection->events.cancel();
    // Connections retiring after a `disconnect` can close now.
    for (const auto& other : core.live)
        if (other != connection && other->disconnect_announced) other->events.cancel();
}

asio::awaitable<void> handle_waiting(std::shared_ptr<Core> core);

void on_envelope(const std::shared_ptr<Core>& core, const std::shared_ptr<Connection>& connection,
                 Envelope envelope, Clock::time_point read_at) {
    if (auto seen = core->recent_answers.find(envelope.envelope_id); seen != core->recent_answers.end()) {
        spdlog::info("Socket Mode: envelope {} ({}) arrived again (retry {}, {}); acked with the same answer, not "
                     "handled twice",
                     envelope.envelope_id, envelope.type, envelope.retry_attempt,
                     envelope.retry_reason.empty() ? "no reason given" : envelope.retry_reason);
        send(core, connection,
             Outgoing{Outgoing::Kind::text, ack_frame(envelope.envelope_id, seen->second), read_at});
        return;
    }
    core->waiting.push_back({connection, std::move(envelope), read_at});
    if (!core->handler_scheduled) {
        core->handler_scheduled = true;
        spawn(core, handle_waiting(core), "handler");
    }
}

// Runs the handler on every envelope that waits, as one group, then acks
// those whose work is durable. An envelope whose work could not be recorded
// (EnvelopeNotHandled) is not acked, so Slack delivers it again; in a group
// that holds its work, neither is any envelope of that group.
asio::awaitable<void> handle_waiting(std::shared_ptr<Core> core) {
    for (int turn = 0; turn < kGatherTurns && core->waiting.size() < kMaxGroup; ++turn)
        co_await asio::post(core->executor, asio::use_awaitable);
    std::vector<Core::Waiting> batch;
    batch.swap(core->waiting);
    core->handler_scheduled = false;
    if (batch.size() > kMaxGroup) {
        // The rest make the next group.
        core->waiting.assign(std::make_move_iterator(batch.begin() + kMaxGroup), std::make_move_iterator(batch.end()));
        batch.resize(kMaxGroup);
        core->handler_scheduled = true;
        spawn(core, handle_waiting(core), "handler");
    }

    const bool held = core->group.begin && core->group.begin();
    std::vector<std::optional<nlohmann::json>> payloads(batch.size());
    std::vector<bool> left_unacked(batch.size(), false);
    std::unordered_map<std::string, std::size_t> first_of;   // an envelope id twice in one group: one answer
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const Envelope& envelope = batch[i].envelope;
        if (auto first = first_of.find(envelope.envelope_id); first != first_of.end()) {
            payloads[i] = payloads[first->second];
            continue;
        }
        first_of.emplace(envelope.envelope_id, i);
        try {
            payloads[i] = core->handler(envelope);
        } catch (const EnvelopeNotHandled& error) {
            spdlog::warn("Socket Mode: envelope {} ({}) left unacked, for Slack to deliver again: {}",
                         envelope.envelope_id, envelope.type, error.what());
            if (!held) {
                // Each envelope stands alone: this one waits for its redelivery, the others go on.
                left_unacked[i] = true;
                first_of.erase(envelope.envelope_id);
                continue;
            }
            core->group.abort();
            spdlog::warn("Socket Mode: the {} other envelope(s) handled with it were dropped with it, unacked", i);
            co_return;
        } catch (const std::exception& error) {
            // Acked all the same: a redelivery would fail the same way.
            spdlog::error("Socket Mode: handling envelope {} ({}) failed: {}", envelope.envelope_id, envelope.type,
                          error.what());
        }
    }
    if (held) {
        try {
            core->group.commit();
        } catch (const EnvelopeNotHandled& error) {
            spdlog::warn("Socket Mode: {} envelope(s) left unacked, for Slack to deliver again: {}", batch.size(),
                         error.what());
            co_return;
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (left_unacked[i]) continue;
        const std::string& id = batch[i].envelope.envelope_id;
        if (!core->recent_answers.contains(id)) {   // else the same id came earlier in this group
            ++core->handled_count;
            remember(*core, id, payloads[i]);
        }
        send(core, batch[i].connection, Outgoing{Outgoing::Kind::text, ack_frame(id, payloads[i]), batch[i].read_at});
    }
}

asio::awaitable<void> read_frames(std::shared_ptr<Core> core, std::shared_ptr<Connection> connection) {
    for (;;) {
        auto [ec, text] = co_await connection->socket->read();
        if (ec) {
            connection->end_reason = end_reason(ec);
            break;
        }
        const Clock::time_point read_at = Clock::now();
        auto frame = parse_socket_frame(text);
        if (const auto* envelope = std::get_if<Envelope>(&frame);
            envelope && core->prepare && !core->recent_answers.contains(envelope->envelope_id)) {
            try {
                co_await core->prepare(*envelope);
            } catch (const std::exception& error) {
                spdlog::warn("Socket Mode: preparing envelope {} failed: {}", envelope->envelope_id, error.what());
            }
        }
        std::visit(Overloaded{
                       [&](const Hello& hello) { on_hello(*core, connection, hello); },
                       [&](const Disconnect& disconnect) {
                           spdlog::info("Socket Mode connection {}: Slack sent disconnect ({}); opening the next "
                                        "connection before closing this one",
                                        connection->number, or_else(disconnect.reason, "no reason"));
                           connection->disconnect_announced = true;
                           connection->events.cancel();
                       },
                       [&](Envelope& envelope) { on_envelope(core, connection, std::move(envelope), read_at); },
                       [&](const FrameError& error) {
                           spdlog::warn("Socket Mode connection {}: ignoring a frame: {}", connection->number,
                                        error.message);
                       },
                   },
                   frame);
    }
    connection->ended = true;
    connection->socket->cut();
    connection->heartbeat.cancel();
    connection->events.cancel();
    forget(*core, connection);
    if (!any_ready(*core)) metrics::set_connected("slack", false);
    if (connection->closing || core->stopping)
        spdlog::info("Socket Mode connection {} closed", connection->number);
}

// Pings every ping_interval; a socket whose pong does not come within pong_timeout is dropped.
asio::awaitable<void> keep_alive(std::shared_ptr<Core> core, std::shared_ptr<Connection> connection) {
    const auto& timings = core->timings;
    Clock::time_point next_ping = Clock::now() + timings.ping_interval;
    while (!connection->ended) {
        while (!connection->ended && Clock::now() < next_ping) co_await wait_on(connection->heartbeat, next_ping);
        if (connection->ended) break;

        const std::string payload = "warroom-" + std::to_string(++connection->pings);
        const Clock::time_point sent = Clock::now();
        connection->awaited_pong = payload;
        send(core, connection, Outgoing{Outgoing::Kind::ping, payload});
        next_ping = sent + timings.ping_interval;

        const Clock::time_point pong_deadline = sent + timings.pong_timeout;
        while (!connection->ended && connection->awaited_pong && Clock::now() < pong_deadline)
            co_await wait_on(connection->heartbeat, pong_deadline);
        if (connection->ended) break;
        if (connection->awaited_pong) {
            connection->end_reason = "no pong within " + std::to_string(timings.pong_timeout.count()) + " ms";
            spdlog::warn("Socket Mode connection {}: {}; dropping it", connection->number, connection->end_reason);
            connection->socket->cut();
            break;
        }
    }
}

// Keeps a connection that announced `disconnect` reading until a newer one
// is ready (or refresh_grace passed), then closes it.
asio::awaitable<void> retire(std::shared_ptr<Core> core, std::shared_ptr<Connection> connection) {
    const Clock::time_point deadline = Clock::now() + core->timings.refresh_grace;
    while (!connection->ended && !core->stopping && core->newest_ready <= connection->number &&
           Clock::now() < deadline) {
        co_await wait_on(connection->events, deadline);
    }
    if (connection->ended || core->stopping) co_return;
    if (core->newest_ready > connection->number) {
        spdlog::info("Socket Mode: connection {} is ready; closing connection {}", core->newest_ready,
                     connection->number);
    } else {
        spdlog::warn("Socket Mode: no new connection within {} ms; closing connection {} anyway",
                     core->timings.refresh_grace.count(), connection->number);
    }
    close_gracefully(core, connection);
}

bool is_token_problem(const std::string& error) {
    return error == "invalid_auth" || error == "not_authed" || error == "not_allowed_token_type" ||
           error == "token_revoked" || error == "account_inactive" || error == "missing_scope";
}

// Opens one connection and waits for its hello.
asio::awaitable<Attempt> open_connection(std::shared_ptr<Core> core) {
    Attempt attempt;
    const ApiRequest open_request{"apps.connections.open", nlohmann::json::object()};
    ApiResult opened;
    try {
        // In a coroutine of its own, so that stop() can cancel it.
        auto call = core->api.call_with_token(open_request, core->app_token);
        auto cancellable = asio::bind_cancellation_slot(core->cancel_open.slot(), asio::use_awaitable);
        opened = co_await asio::co_spawn(core->executor, std::move(call), std::move(cancellable));
    } catch (const std::exception& error) {
        opened.outcome = ApiResult::Outcome::transient;
        opened.error = net::error_text(error);
    }
    core->cancel_open.slot().clear();
    if (core->stopping) co_return attempt;
    if (!opened.ok()) {
        attempt.failure = describe_api_error("apps.connections.open", opened);
        attempt.token_refused =
            opened.outcome == ApiResult::Outcome::slack_error && is_token_problem(opened.error);
        co_return attempt;
    }
    const std::string url = opened.body.value("url", std::string());
    auto parsed = net::parse_endpoint(url, "wss", "Slack's Socket Mode URL");
    if (auto* error = std::get_if<net::EndpointError>(&parsed)) {
        attempt.failure = error->message;
        if (url.empty()) attempt.failure = "apps.connections.open answered no URL";
        co_return attempt;
    }
    const net::Endpoint endpoint = std::get<net::Endpoint>(std::move(parsed));

    auto connection = std::make_shared<Connection>(core->executor, ++core->opened_count, endpoint.host);
    if (endpoint.tls)
        connection->socket =
            std::make_unique<WebSocketOver<asio::ssl::stream<beast::tcp_stream>>>(core->executor, core->tls);
    else
        connection->socket = std::make_unique<WebSocketOver<beast::tcp_stream>>(core->executor);
    Connection* raw = connection.get();   // the socket, and so the callback, lives no longer than the connection
    connection->socket->on_pong([raw](std::string_view payload) {
        if (raw->awaited_pong && *raw->awaited_pong == payload) {
            raw->awaited_pong.reset();
            raw->heartbeat.cancel();
        }
    });
    core->live.push_back(connection);

    std::string open_failure;
    try {
        co_await connection->socket->open(endpoint);
    } catch (const std::exception& error) {
        open_failure = net::error_text(error);
    }
    if (!open_failure.empty() || core->stopping) {
        forget(*core, connection);
        connection->socket->cut();
        // The failure names the host and port itself ("cannot connect to wss-primary.slack.com:443: ...").
        attempt.failure = "connection " + std::to_string(connection->number) + ": " +
                          or_else(open_failure, "stopped before it opened");
        co_return attempt;
    }
    connection->open = true;
    spawn(core, read_frames(core, connection), "reader");
    spawn(core, keep_alive(core, connection), "heartbeat");

    const Clock::time_point deadline = Clock::now() + core->timings.hello_timeout;
    while (!connection->ready && !connection->ended && !core->stopping && Clock::now() < deadline)
        co_await wait_on(connection->events, deadline);
    if (connection->ready) {
        attempt.connection = connection;
        co_return attempt;
    }
    if (connection->ended) {
        attempt.failure = "connection " + std::to_string(connection->number) + " to " + endpoint.host +
                          " ended before hello: " + connection->end_reason;
    } else {
        attempt.failure = "connection " + std::to_string(connection->number) + " to " + endpoint.host +
                          ": no hello within " + std::to_string(core->timings.hello_timeout.count()) + " ms";
        connection->socket->cut();
    }
    co_return attempt;
}

asio::awaitable<void> run_connections(std::shared_ptr<Core> core) {
    const SocketModeTimings& timings = core->timings;
    // Each pause between half and all of its base, so that replicas restarted together do not reconnect in step.
    Backoff backoff(timings.backoff_initial, timings.backoff_max);
    while (!core->stopping) {
        Attempt attempt = co_await open_connection(core);
        if (core->stopping) break;

        std::shared_ptr<Connection> connection = attempt.connection;
        if (!connection) {
            milliseconds wait;
            if (attempt.token_refused) {
                wait = timings.backoff_max;
                spdlog::error("Socket Mode: {}; trying again in {} ms", attempt.failure, wait.count());
            } else {
                wait = backoff.next();
                spdlog::warn("Socket Mode: {}; reconnecting in {} ms", attempt.failure, wait.count());
            }
            co_await wait_on(core->backoff_timer, Clock::now() + wait);
            continue;
        }

        backoff.reset();
        while (!connection->ended && !connection->disconnect_announced && !core->stopping)
            co_await wait_on(connection->events, Clock::time_point::max());
        if (core->stopping) break;

        if (connection->disconnect_announced) {
            // Open the next connection at once; this one keeps reading meanwhile.
            if (!connection->ended) spawn(core, retire(core, connection), "refresh");
            continue;
        }
        const milliseconds wait = backoff.next();
        spdlog::warn("Socket Mode connection {} to {} lost ({}); reconnecting in {} ms", connection->number,
                     connection->host, or_else(connection->end_reason, "no reason"),
                     wait.count());
        co_await wait_on(core->backoff_timer, Clock::now() + wait);
    }

    // Every connection's coroutines end before run() returns, so that nothing
    // touches the TLS context or the WebApi after the caller moved on.
    while (core->tasks > 0) co_await wait_on(core->tasks_done, Clock::time_point::max());
    core->stop_timer.cancel();
}

}  // namespace

struct SocketModeClient::State : Core {
    using Core::Core;
};

SocketModeClient::SocketModeClient(asio::any_io_executor executor, asio::ssl::context& tls, WebApi& api,
                                   std::string app_token, EnvelopeHandler handler, SocketModeTimings timings)
    : state_(std::make_shared<State>(std::move(executor), tls, api, std::move(app_token), std::move(handler),
                                     timings)) {}

SocketModeClient::~SocketModeClient() = default;

asio::awaitable<void> SocketModeClient::run() {
    std::shared_ptr<Core> core = state_;
    if (core->running) throw std::logic_error("SocketModeClient::run() is already running");
    core->running = true;
    metrics::set_connected("slack", false);   // until the first hello
    co_await run_connections(core);
    core->running = false;
}

void SocketModeClient::set_preparer(EnvelopePreparer prepare) { state_->prepare = std::move(prepare); }

void SocketModeClient::set_group(EnvelopeGroup group) { state_->group = std::move(group); }

void SocketModeClient::stop() {
    std::shared_ptr<Core> core = state_;
    if (core->stopping) return;
    core->stopping = true;
    core->backoff_timer.cancel();
    core->cancel_open.emit(asio::cancellation_type::terminal);
    const auto connections = core->live;
    for (const auto& connection : connections) {
        connection->events.cancel();
        connection->heartbeat.cancel();
        close_gracefully(core, connection);
    }
    // A peer that does not answer the close frame promptly is cut off.
    core->stop_timer.expires_after(kStopGrace);
    core->stop_timer.async_wait([core](error_code ec) {
        if (ec) return;
        const auto remaining = core->live;
        for (const auto& connection : remaining) connection->socket->cut();
    });
}

std::size_t SocketModeClient::connections_ready() const { return state_->ready_count; }

std::size_t SocketModeClient::envelopes_handled() const { return state_->handled_count; }

bool SocketModeClient::connected() const { return any_ready(*state_); }

}  // namespace warroom::slack
