// The bot's TLS client against a server whose certificate a trusted CA signed
// for some other name: the handshake fails and no request (no token) is sent.
// The same server with a certificate for the name the client asked for is
// answered, so it is the name, and nothing else, that is refused.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net/tls.hpp"
#include "sim_common/https_connection.hpp"
#include "sim_common/loopback_tls_server.hpp"

using namespace warroom;
using namespace std::chrono_literals;

namespace {

namespace asio = boost::asio;

// A loopback HTTPS server answering every request 200, its certificate valid for `names` only.
class NamedServer {
public:
    explicit NamedServer(const std::string& names) : server_("tls test server", "tls-test", names) {
        server_.start([this](asio::ip::tcp::socket socket) {
            return sim_common::serve_https(
                std::move(socket), server_.tls(), "tls test",
                [this](sim_common::HttpRequest&, sim_common::TlsStream&)
                    -> asio::awaitable<std::optional<sim_common::HttpResponse>> {
                    ++requests_;
                    sim_common::HttpResponse ok{boost::beast::http::status::ok, 11};
                    ok.body() = "ok";
                    ok.prepare_payload();
                    co_return ok;
                });
        });
    }
    unsigned short port() const { return server_.port(); }
    const std::string& ca_file() const { return server_.ca_file(); }
    int requests() const { return requests_; }

private:
    std::atomic<int> requests_{0};
    sim_common::LoopbackTlsServer server_;
};

// One request to https://HOST:PORT/ with the server's CA trusted and a bearer token, as the adapters send.
// The status, or the error's message when the request failed.
std::string request(const NamedServer& server, const std::string& host) {
    asio::io_context io;
    auto tls = net::make_client_tls_context(server.ca_file());
    net::HttpClient client(io.get_executor(), tls, net::Endpoint{true, host, std::to_string(server.port()), "/"}, 10s);
    net::HttpRequest get;
    get.target = "/api/auth.test";
    get.authorization = "Bearer xoxb-secret";
    get.method = "GET";
    auto answer = asio::co_spawn(io, client.send(get), asio::use_future);
    io.run();
    try {
        return std::to_string(answer.get().status);
    } catch (const boost::system::system_error& e) {
        return e.what();
    }
}

}  // namespace

TEST_CASE("tls: a certificate for the asked name is answered", "[tls]") {
    NamedServer server(sim_common::kLoopbackNames);
    CHECK(request(server, "localhost") == "200");
    CHECK(request(server, "127.0.0.1") == "200");
    CHECK(server.requests() == 2);
}

TEST_CASE("tls: a certificate a trusted CA signed for another host name is refused before any request",
          "[tls][hostile]") {
    NamedServer server("DNS:chat.example.org");
    CHECK_THAT(request(server, "localhost"), Catch::Contains("certificate verify failed"));
    CHECK(server.requests() == 0);
}

TEST_CASE("tls: a certificate for a host name does not cover its address", "[tls][hostile]") {
    NamedServer server("DNS:localhost");
    CHECK(request(server, "localhost") == "200");
    CHECK_THAT(request(server, "127.0.0.1"), Catch::Contains("certificate verify failed"));
    CHECK(server.requests() == 1);
}
