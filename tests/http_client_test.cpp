// The HTTP client against a small plain-HTTP server on loopback: keep-alive
// reuse, a kept-alive connection the server closed, concurrent callers,
// Retry-After (huge values included) and a body over the client's limit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net/tls.hpp"

using namespace warroom::net;
using namespace std::chrono_literals;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Answers every POST with its own body, on a thread per connection; a body
// "retry-after:VALUE" is answered 429 with that Retry-After header, and
// "large:N" with N bytes. With
// close_after_each it closes each connection after one answer without saying
// so, as a server does whose keep-alive timeout passed. With hold_until_open
// above 1, each answer waits until that many connections were open at once
// (or a deadline passed), so a test sees whether the client really overlaps
// its callers.
class EchoServer {
public:
    explicit EchoServer(bool close_after_each, int hold_until_open = 1)
        : close_after_each_(close_after_each), hold_until_open_(hold_until_open) {
        acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        acceptor_.listen();
        accepting_ = std::thread([this] { accept_all(); });
    }
    ~EchoServer() {
        stopping_ = true;
        // Wakes the blocking accept with a connection of its own.
        tcp::socket wake(io_);
        boost::system::error_code ignored;
        wake.connect(acceptor_.local_endpoint(), ignored);
        accepting_.join();
        for (auto& connection : connections_) connection.join();
    }

    Endpoint endpoint() const {
        return Endpoint{false, "127.0.0.1", std::to_string(acceptor_.local_endpoint().port()), "/"};
    }
    int connections() const { return accepted_; }
    int requests() const { return requests_; }
    int most_at_once() const { return most_at_once_; }

private:
    void accept_all() {
        for (;;) {
            tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            ++accepted_;
            connections_.emplace_back([this, socket = std::move(socket)]() mutable { serve(socket); });
        }
    }

    void serve(tcp::socket& socket) {
        {
            std::lock_guard lock(mutex_);
            most_at_once_ = std::max(most_at_once_.load(), ++open_);
        }
        opened_.notify_all();
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> request;
            boost::system::error_code ec;
            http::read(socket, buffer, request, ec);
            if (ec) break;
            ++requests_;
            {
                std::unique_lock lock(mutex_);
                opened_.wait_for(lock, 5s, [&] { return most_at_once_ >= hold_until_open_; });
            }
            const std::string& body = request.body();
            http::response<http::string_body> response{http::status::ok, 11};
            response.body() = body;
            if (body == "busy") {
                response.result(http::status::too_many_requests);
                response.set(http::field::retry_after, "7");
            } else if (body.starts_with("retry-after:")) {
                response.result(http::status::too_many_requests);
                response.set(http::field::retry_after, body.substr(body.find(':') + 1));
            } else if (body.starts_with("large:")) {
                response.body() = std::string(std::stoul(body.substr(body.find(':') + 1)), 'x');
            }
            response.prepare_payload();
            http::write(socket, response, ec);
            if (ec || close_after_each_) break;
        }
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        --open_;
    }

    const bool close_after_each_;
    const int hold_until_open_;
    std::mutex mutex_;
    std::condition_variable opened_;
    asio::io_context io_;
    tcp::acceptor acceptor_{io_, tcp::v4()};
    std::thread accepting_;
    std::vector<std::thread> connections_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::atomic<int> requests_{0};
    std::atomic<int> open_{0};
    std::atomic<int> most_at_once_{0};
};

HttpRequest echo(std::string body) { return HttpRequest{"/echo", "text/plain", std::move(body), "Bearer xoxb-test"}; }

struct ClientRun {
    asio::io_context io;
    asio::ssl::context tls = make_client_tls_context();

    // Runs the posts concurrently on one thread and returns their answers in order.
    std::vector<HttpResponse> posts(HttpClient& client, const std::vector<std::string>& bodies) {
        std::vector<std::future<HttpResponse>> pending;
        for (const auto& body : bodies)
            pending.push_back(asio::co_spawn(io, client.post(echo(body)), asio::use_future));
        io.restart();
        io.run();
        std::vector<HttpResponse> responses;
        for (auto& answer : pending) responses.push_back(answer.get());
        return responses;
    }
};

}  // namespace

TEST_CASE("HttpClient keeps a connection alive for the next request", "[slack_client]") {
    EchoServer server(false);
    ClientRun run;
    HttpClient client(run.io.get_executor(), run.tls, server.endpoint(), 5s);
    CHECK(run.posts(client, {"one"})[0].body == "one");
    CHECK(run.posts(client, {"two"})[0].body == "two");
    CHECK(server.connections() == 1);
    CHECK(server.requests() == 2);
}

TEST_CASE("HttpClient sends again on a new connection when the server closed the kept-alive one",
          "[slack_client]") {
    EchoServer server(true);
    ClientRun run;
    HttpClient client(run.io.get_executor(), run.tls, server.endpoint(), 5s);
    CHECK(run.posts(client, {"first"})[0].status == 200);
    const auto second = run.posts(client, {"second"});
    CHECK(second[0].status == 200);
    CHECK(second[0].body == "second");
    CHECK(server.connections() == 2);
    CHECK(server.requests() == 2);
}

TEST_CASE("HttpClient serves concurrent callers on at most kMaxConnections connections", "[slack_client]") {
    EchoServer server(false, 2);
    ClientRun run;
    HttpClient client(run.io.get_executor(), run.tls, server.endpoint(), 5s);
    std::vector<std::string> bodies;
    for (int i = 0; i < 10; ++i) bodies.push_back("call " + std::to_string(i));
    const auto responses = run.posts(client, bodies);
    REQUIRE(responses.size() == bodies.size());
    for (std::size_t i = 0; i < bodies.size(); ++i) CHECK(responses[i].body == bodies[i]);
    CHECK(server.connections() <= static_cast<int>(HttpClient::kMaxConnections));
    CHECK(server.most_at_once() > 1);
    CHECK(server.requests() == 10);
}

TEST_CASE("HttpClient reads a numeric Retry-After", "[slack_client]") {
    EchoServer server(false);
    ClientRun run;
    HttpClient client(run.io.get_executor(), run.tls, server.endpoint(), 5s);
    const auto responses = run.posts(client, {"busy", "fine"});
    CHECK(responses[0].status == 429);
    CHECK(responses[0].retry_after == std::chrono::seconds(7));
    CHECK_FALSE(responses[1].retry_after);
}

TEST_CASE("HttpClient reads a Retry-After of centuries as its longest wait, without overflowing", "[slack_client]") {
    EchoServer server(false);
    ClientRun run;
    HttpClient client(run.io.get_executor(), run.tls, server.endpoint(), 5s);
    // Longer than any integer, the largest signed 64-bit count of seconds, and just over the longest wait.
    const auto responses = run.posts(client, {"retry-after:99999999999999999999", "retry-after:9223372036854775807",
                                              "retry-after:3601", "retry-after:3600", "retry-after:-5"});
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(responses[i].status == 429);
        CHECK(responses[i].retry_after == HttpClient::kMaxRetryAfter);
    }
    // What a caller does next, converting to milliseconds, stays far from overflowing.
    REQUIRE(responses[1].retry_after);
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(*responses[1].retry_after) == 3600s);
    CHECK_FALSE(responses[4].retry_after);
}

TEST_CASE("HttpClient answers a body over its limit as too_large, and the next request works", "[slack_client]") {
    EchoServer server(false);
    ClientRun run;
    HttpClient client(run.io.get_executor(), run.tls, server.endpoint(), 5s, /*max_body=*/1024);
    const auto too_long = run.posts(client, {"large:4096"});
    CHECK(too_long[0].too_large);
    CHECK(too_long[0].status == 200);
    CHECK(too_long[0].body.empty());
    const auto fits = run.posts(client, {"large:1024", "fine"});
    CHECK_FALSE(fits[0].too_large);
    CHECK(fits[0].body == std::string(1024, 'x'));
    CHECK(fits[1].body == "fine");
    // The connection with the unread rest of the long body was not reused.
    CHECK(server.connections() >= 2);
}

TEST_CASE("HttpClient reports a refused connection as an error naming the host", "[slack_client]") {
    ClientRun run;
    // A port that was free a moment ago: nothing listens there now.
    unsigned short port = 0;
    {
        tcp::acceptor probe(run.io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }
    HttpClient client(run.io.get_executor(), run.tls, Endpoint{false, "127.0.0.1", std::to_string(port), "/"}, 2s);
    auto answer = asio::co_spawn(run.io, client.post(echo("x")), asio::use_future);
    run.io.run();
    try {
        answer.get();
        FAIL("expected an error");
    } catch (const boost::system::system_error& error) {
        CHECK_THAT(error.what(), Catch::Contains("127.0.0.1"));
        CHECK_THAT(error.what(), !Catch::Contains("xoxb-test"));
    }
}
