#pragma once
// Slack Socket Mode: one WebSocket (TLS) at a time, two during a refresh.
//
// Each connection: apps.connections.open with the app token for a single-use
// wss:// URL, connect, wait for `hello`, then read frames. Every envelope is
// acked on the socket it came on, by its envelope_id, with the payload the
// handler returns; an envelope id seen before is acked again with the same
// payload (its first ack may have been lost) but not handled twice. On `disconnect` the next connection is opened first and the old one
// closed only once the new one said hello, so no envelope falls in a gap. The
// client pings every ping_interval and drops a socket whose pong has not come
// within pong_timeout; a lost connection is reopened with jittered
// exponential backoff (never a hot loop on apps.connections.open).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <nlohmann/json.hpp>

#include "adapters/slack/socket_mode.hpp"
#include "adapters/slack/web_api.hpp"

namespace warroom::slack {

struct SocketModeTimings {
    std::chrono::milliseconds ping_interval{5000};
    std::chrono::milliseconds pong_timeout{10000};
    std::chrono::milliseconds hello_timeout{10000};
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_max{30000};
    // How long a socket that announced `disconnect` is kept open while the next one connects.
    std::chrono::milliseconds refresh_grace{10000};
};

// Thrown by an EnvelopeHandler that could not handle an envelope for now (the
// database is unreachable): the envelope is not acked, so Slack delivers it
// again, and nothing of it was recorded.
class EnvelopeNotHandled : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SocketModeClient {
public:
    // Called on the client's executor for each new envelope; returns the ack's
    // payload (a slash command's ephemeral answer) or nothing for a bare ack.
    // It must not block for long: Slack shows the user an error after 3 s.
    using EnvelopeHandler = std::function<std::optional<nlohmann::json>(const Envelope&)>;

    // Awaited before the handler for each new envelope, on the reading
    // coroutine (so envelopes stay in order): what the handler needs from the
    // Web API (users.info for who is a guest) is fetched here. It must be
    // quick for known users: the envelope is acked after it.
    using EnvelopePreparer = std::function<boost::asio::awaitable<void>(const Envelope&)>;

    // Group commit: envelopes that arrive together are handled one after
    // another between begin() and commit(), and acked only once commit()
    // returned, so one write of the database serves them all. begin() says
    // whether the handlers' work is held until commit() (false: each handler
    // commits on its own, as without a group). commit() throws
    // EnvelopeNotHandled when nothing held became durable; abort() drops what
    // is held when a handler could not go on. Unset: every envelope alone.
    struct EnvelopeGroup {
        std::function<bool()> begin;
        std::function<void()> commit;
        std::function<void()> abort;
    };

    // `tls` and `api` must outlive the client.
    SocketModeClient(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, WebApi& api,
                     std::string app_token, EnvelopeHandler handler, SocketModeTimings timings = {});
    ~SocketModeClient();

    // Connects and stays connected until stop(); returns once stopped.
    boost::asio::awaitable<void> run();
    // Sets the preparer; call before run().
    void set_preparer(EnvelopePreparer prepare);
    // Sets the group commit; call before run().
    void set_group(EnvelopeGroup group);
    // Closes every socket and ends run(). Call on the client's executor.
    void stop();

    // For logs and tests: connections that reached `hello`, envelopes handled.
    std::size_t connections_ready() const;
    std::size_t envelopes_handled() const;
    // True from a connection's hello until no connection that said hello is
    // left (a refresh keeps it true: the old socket reads until the new one is ready).
    bool connected() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace warroom::slack
