// A failed connection reads as one human line: the step, the host and the
// reason, without the source location, category and template names that
// boost::system::system_error::what() appends ("[asio.netdb:1 at
// /usr/include/boost/asio/...hpp:...]"); and it is still a system_error, as
// the callers that catch one expect.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/system_error.hpp>

#include "adapters/net/connect.hpp"
#include "adapters/net/connection_error.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/proxy_settings.hpp"
#include "adapters/net/tls.hpp"
#include "adapters/outside/webhook_client.hpp"
#include "captured_log.hpp"
#include "outside_sim/http_client_world.hpp"
#include "outside_sim/webhook_receiver.hpp"

using namespace warroom;
using namespace std::chrono_literals;
using Catch::Contains;
using Catch::StartsWith;

namespace {

namespace asio = boost::asio;

void check_one_line(const std::string& text) {
    INFO(text);
    CHECK_FALSE(text.empty());
    CHECK_THAT(text, !Contains("[asio") && !Contains(".hpp") && !Contains("boost::") && !Contains(" at /") &&
                         !Contains("\n"));
}

// A port on 127.0.0.1 nothing listens on: bound, then closed.
unsigned short closed_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const unsigned short port = acceptor.local_endpoint().port();
    acceptor.close();
    return port;
}

// The message a request to `origin` fails with; it must be a system_error, as callers catch.
std::string send_failure(const net::Endpoint& origin, std::chrono::milliseconds timeout = 3s) {
    asio::io_context io;
    auto tls = net::make_client_tls_context();
    net::HttpClient http(io.get_executor(), tls, origin, timeout);
    net::HttpRequest request;
    request.target = "/api/chat.postMessage?token=never-shown";
    request.method = "GET";
    auto result = asio::co_spawn(io, http.send(request), asio::use_future);
    io.run_for(timeout + 10s);
    REQUIRE(result.wait_for(0s) == std::future_status::ready);
    try {
        result.get();
    } catch (const boost::system::system_error& error) {
        CHECK(error.code());
        return error.what();
    }
    FAIL("the request succeeded");
    return {};
}

}  // namespace

TEST_CASE("connection errors: a refused connection names the host and port, in one line", "[connection-errors]") {
    net::ScopedProxy direct(net::ProxySettings{});
    const std::string port = std::to_string(closed_port());

    const std::string tls = send_failure(net::Endpoint{true, "127.0.0.1", port, "/"});
    CHECK(tls == "cannot connect to 127.0.0.1:" + port + ": Connection refused");
    check_one_line(tls);

    const std::string plain = send_failure(net::Endpoint{false, "127.0.0.1", port, "/"});
    CHECK(plain == "cannot connect to 127.0.0.1:" + port + ": Connection refused");
    CHECK_THAT(plain, !Contains("never-shown"));
}

TEST_CASE("connection errors: a name that does not resolve is named, in one line", "[connection-errors]") {
    net::ScopedProxy direct(net::ProxySettings{});
    const std::string message = send_failure(net::Endpoint{true, "nonexistent.invalid", "443", "/"});
    // "Host not found (authoritative)", or a timeout where no resolver answers: either way the step and the host.
    CHECK_THAT(message, StartsWith("cannot resolve nonexistent.invalid: ") ||
                            StartsWith("resolving nonexistent.invalid timed out after"));
    check_one_line(message);
}

TEST_CASE("connection errors: a failed TLS handshake says why, in one line", "[connection-errors]") {
    net::ScopedProxy direct(net::ProxySettings{});
    outside_sim::WebhookReceiver receiver("whsec_x");
    // The system's trust store does not know the test CA.
    const std::string message = send_failure(net::Endpoint{true, "localhost", std::to_string(receiver.port()), "/"});
    CHECK_THAT(message, StartsWith("TLS handshake with localhost:" + std::to_string(receiver.port()) +
                                   " failed: certificate verify failed ("));
    check_one_line(message);
}

TEST_CASE("connection errors: an outside destination's problem and the log read as one sentence",
          "[connection-errors]") {
    net::ScopedProxy direct(net::ProxySettings{});
    test::CapturedLog log;
    outside_sim::WebhookReceiver receiver("whsec_x");   // for its CA file; nothing connects to it
    const unsigned short port = closed_port();
    outside_sim::HttpClientWorld client(port, receiver.ca_file(), 3s);
    outside::WebhookPost post;
    post.body = "{}";
    post.secret = "whsec_x";
    post.idempotency_key = "K";
    const Delivery delivery = client.await(outside::send_webhook(client.http(), "/hooks", post, "webhook 'ticketing'"));
    CHECK_FALSE(delivery.done);
    CHECK(delivery.problem == "webhook 'ticketing' could not be reached: cannot connect to localhost:" +
                                  std::to_string(port) + ": Connection refused");
    check_one_line(delivery.problem);
    CHECK_THAT(log.text(), !Contains("[asio") && !Contains(".hpp"));
}

TEST_CASE("connection errors: error_text shortens any system_error and keeps ConnectionError's line",
          "[connection-errors]") {
    const boost::system::error_code refused = asio::error::connection_refused;
    const net::ConnectionError mine(refused, "cannot connect to slack.com:443: Connection refused");
    CHECK(std::string(mine.what()) == "cannot connect to slack.com:443: Connection refused");
    CHECK(mine.code() == refused);
    CHECK(net::error_text(mine) == mine.what());
    const net::ConnectionError copy = mine;   // exceptions are copied when thrown
    CHECK(std::string(copy.what()) == mine.what());

    // A system_error thrown with a source location, as Asio's own throw_error does.
    static constexpr boost::source_location here = BOOST_CURRENT_LOCATION;
    const boost::system::error_code located(asio::error::host_not_found, &here);
    const boost::system::system_error theirs(located, "cannot resolve slack.com");
    CHECK_THAT(std::string(theirs.what()), Contains("["));
    CHECK(net::error_text(theirs) == "cannot resolve slack.com: " + located.message());
    check_one_line(net::error_text(theirs));

    const std::runtime_error other("anything else");
    CHECK(net::error_text(other) == "anything else");
}
