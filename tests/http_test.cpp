// The bot's HTTP listener, read from outside while the whole Slack bot runs
// against the simulator: health and readiness, the board, /metrics, and
// readers that misbehave (a huge request line, a byte a second, a thousand
// connections, no token or a wrong one). The bot must go on handling
// commands meanwhile, and never show an incident to a reader without the token.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/http/board_pages.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/tls.hpp"
#include "http_probe.hpp"
#include "sim_common/test_ca.hpp"
#include "console_support.hpp"
#include "slack_support.hpp"
#include "test_support.hpp"

namespace warroom::test {
namespace {

using namespace std::string_literals;

// The main channel warroom names after the title below.
constexpr const char* kMain = "inc-1-leaked-signing-key-img-src-x-onerror-alert-1";

http::HttpSettings loopback_listener() {
    http::HttpSettings settings;
    settings.address = "127.0.0.1";
    settings.port = 0;
    return settings;
}

// Starts the bot with its listener on `settings`; the port it listens on.
unsigned short start_with_listener(SlackWorld& world, http::HttpSettings settings = loopback_listener()) {
    world.http = std::move(settings);
    world.start();
    const auto url = world.bot->http_url();
    REQUIRE(url);
    return port_of(*url);
}

// INC-1, its title hostile markup; returns once its lead is in its channel.
void declare(SlackWorld& world) {
    REQUIRE_THAT(world.command("alice", "general", "declare sev1 Leaked signing key <img src=x onerror=alert(1)>"),
                 Catch::Contains("INC-1"));
    world.wait_until_member(kMain, "alice");
}

}  // namespace

TEST_CASE("http: /healthz answers, /readyz follows the Slack connection down and back up", "[http]") {
    SlackWorld world;
    const unsigned short port = start_with_listener(world);

    CHECK(http_get(port, "/healthz").status == 200);
    CHECK(world.sim.wait_for([&] { return http_get(port, "/readyz").status == 200; }, 10s));

    // Slack refuses new connections and the socket drops: not ready, and it says why.
    world.sim.fail("apps.connections.open", 100000);
    world.sim.drop_sockets();
    HttpAnswer down;
    CHECK(world.sim.wait_for([&] { return (down = http_get(port, "/readyz")).status == 503; }, 10s));
    CHECK_THAT(down.body, Catch::Contains("not connected to Slack"));
    CHECK(http_get(port, "/healthz").status == 200);   // the process itself still answers

    world.sim.fail("apps.connections.open", 0);
    CHECK(world.sim.wait_for([&] { return http_get(port, "/readyz").status == 200; }, 15s));
    CHECK_THAT(world.command("alice", "general", "list"), Catch::Contains("No open incidents"));
}

TEST_CASE("http: the board lists the incident with what waits, escaped, and each page has its own headers",
          "[http]") {
    SlackWorld world;
    const unsigned short port = start_with_listener(world);
    declare(world);
    CHECK_THAT(world.command("alice", kMain, "draft exec Key rotated; no customer impact so far"),
               Catch::Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "escalate Take the build farm offline --by 30m"),
               Catch::Contains("E-1"));

    const HttpAnswer board = http_get(port, "/");
    REQUIRE(board.status == 200);
    CHECK_THAT(board.body, Catch::Contains("data-incident=\"INC-1\""));
    // The title is text, never markup.
    CHECK_THAT(board.body, Catch::Contains("Leaked signing key &lt;img src=x onerror=alert(1)&gt;"));
    CHECK(board.body.find("<img") == std::string::npos);
    CHECK_THAT(board.body, Catch::Contains("data-draft=\"D-1\""));
    CHECK_THAT(board.body, Catch::Contains("data-escalation=\"E-1\""));
    CHECK_THAT(board.body, Catch::Contains("http-equiv=\"refresh\""));
    CHECK(board.has_header("Content-Security-Policy: default-src 'none'; style-src 'self'"));
    CHECK(board.has_header("Cache-Control: no-store"));
    CHECK(board.body.find("<script") == std::string::npos);

    const HttpAnswer page = http_get(port, "/incidents/INC-1");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("Key rotated; no customer impact so far"));
    CHECK_THAT(page.body, Catch::Contains("Take the build farm offline"));
    CHECK_THAT(page.body, Catch::Contains("class=\"timeline\""));
    CHECK(page.body.find("/incidents/INC-1/review") == std::string::npos);   // open: no review yet

    // An exercise is on the board only when asked for.
    CHECK_THAT(world.command("alice", "general", "exercise build-dependency"), Catch::Contains("INC-2"));
    const HttpAnswer without = http_get(port, "/");
    CHECK(without.body.find("data-incident=\"INC-2\"") == std::string::npos);
    CHECK_THAT(without.body, Catch::Contains("show 1 exercise"));
    const HttpAnswer with = http_get(port, "/?exercises=show");
    CHECK_THAT(with.body, Catch::Contains("data-incident=\"INC-2\""));
    CHECK_THAT(with.body, Catch::Contains("EXERCISE"));

    CHECK(http_get(port, "/board.css").has_header("Content-Type: text/css"));
    CHECK(http_get(port, "/incidents/INC-99").status == 404);
    CHECK(http_get(port, "/incidents/../../etc/passwd").status == 404);
    CHECK(http_get(port, "/nothing-here").status == 404);
    CHECK(http_request(port, "POST", "/").status == 405);
    const HttpAnswer head = http_request(port, "HEAD", "/");
    CHECK(head.status == 200);
    CHECK(head.body.empty());

    // Resolved: off the list, and its page links the review, rendered from Markdown.
    CHECK_THAT(world.command("alice", kMain, "status resolved"), Catch::Contains("resolved"));
    CHECK(http_get(port, "/").body.find("data-incident=\"INC-1\"") == std::string::npos);
    CHECK_THAT(http_get(port, "/incidents/INC-1").body, Catch::Contains("/incidents/INC-1/review"));
    const HttpAnswer review = http_get(port, "/incidents/INC-1/review");
    REQUIRE(review.status == 200);
    CHECK_THAT(review.body, Catch::Contains("<h2>"));
    CHECK(review.body.find("## ") == std::string::npos);
    CHECK(review.body.find("<img") == std::string::npos);
}

TEST_CASE("http: /metrics is valid Prometheus text and counts what the bot did", "[http]") {
    SlackWorld world;
    const unsigned short port = start_with_listener(world);
    declare(world);
    CHECK_THAT(world.command("alice", kMain, "draft exec Rotating the key now"), Catch::Contains("D-1"));

    const HttpAnswer metrics = http_get(port, "/metrics");
    REQUIRE(metrics.status == 200);
    CHECK(metrics.has_header("Content-Type: text/plain; version=0.0.4"));
    CHECK_THAT(metrics.body, Catch::Contains("warroom_commands_total{outcome=\"ok\",subcommand=\"declare\"}"));
    CHECK_THAT(metrics.body, Catch::Contains("warroom_open_incidents{exercise=\"false\",severity=\"sev1\"} 1"));
    CHECK_THAT(metrics.body, Catch::Contains("warroom_drafts_waiting{exercise=\"false\"} 1"));
    CHECK_THAT(metrics.body, Catch::Contains("warroom_platform_connected{platform=\"slack\"} 1"));
    CHECK_THAT(metrics.body, Catch::Contains("warroom_ack_latency_seconds_bucket"));

    TempDir dir;
    const auto file = dir.path / "metrics.txt";
    std::ofstream(file) << metrics.body;
    const auto report = dir.path / "promtool.txt";
    const std::string check = "promtool check metrics < '" + file.string() + "' > '" + report.string() + "' 2>&1";
    const int status = std::system(check.c_str());
    std::ifstream said(report);
    const std::string output((std::istreambuf_iterator<char>(said)), std::istreambuf_iterator<char>());
    INFO(output);
    CHECK(status == 0);
}

TEST_CASE("http: a huge request line, a byte a second and a thousand connections are cut off, and commands go on",
          "[http]") {
    SlackWorld world;
    http::HttpSettings settings = loopback_listener();
    settings.request_timeout = 1500ms;
    const unsigned short port = start_with_listener(world, settings);
    declare(world);

    SECTION("a request line of 1 MiB is refused with 431") {
        Connection connection(port);
        const auto started = std::chrono::steady_clock::now();
        connection.send("GET /" + std::string(1024 * 1024, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
        const HttpAnswer answer = parse_answer(connection.read_until_closed(5s));
        CHECK(answer.status == 431);
        CHECK(connection.closed());
        CHECK(std::chrono::steady_clock::now() - started < 5s);
    }
    SECTION("a client sending a byte a second is closed once the request timeout passes") {
        Connection connection(port);
        const auto started = std::chrono::steady_clock::now();
        const std::string request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        std::size_t sent = 0;
        // A byte, then a second's wait for the server to give up on it.
        while (sent < request.size() && connection.send(request.substr(sent, 1))) {
            ++sent;
            if (connection.closed_within(1s)) break;
        }
        CHECK(connection.closed());
        CHECK(sent < request.size());   // it never got to finish its request
        CHECK(std::chrono::steady_clock::now() - started < 4s);
    }
    SECTION("a thousand idle connections: past the limit each is answered 503 at once") {
        std::vector<Connection> idle;
        for (int i = 0; i < 1000; ++i) idle.emplace_back(port);
        // Those past the limit are told so and closed without waiting for a request.
        std::size_t busy = 0;
        for (std::size_t i = 256; i < idle.size(); ++i) {
            const HttpAnswer answer = parse_answer(idle[i].read_until_closed(2s));
            if (answer.status == 503 && idle[i].closed()) ++busy;
        }
        CHECK(busy == idle.size() - 256);
        // Meanwhile the bot works as ever.
        CHECK_THAT(world.command("alice", "general", "list"), Catch::Contains("INC-1"));
        // The silent ones are closed at the request timeout, and readers get in again.
        for (std::size_t i = 0; i < 256; ++i) CHECK(idle[i].closed_within(4s));
        CHECK(world.sim.wait_for([&] { return http_get(port, "/").status == 200; }, 10s));
    }
    CHECK_THAT(world.command("alice", "general", "list"), Catch::Contains("INC-1"));
}

TEST_CASE("http: off loopback every page but health needs the token, compared whole", "[http]") {
    const std::string token = "a-long-random-board-token-0123456789";
    SlackWorld world;
    http::HttpSettings settings = loopback_listener();
    settings.address = "0.0.0.0";   // every address: the token is required
    settings.token = token;
    const unsigned short port = start_with_listener(world, settings);
    declare(world);

    for (const std::string& headers :
         {std::string(), "Authorization: Bearer wrong\r\n"s, "Authorization: Bearer " + token + "x\r\n",
          "Authorization: Bearer " + token.substr(0, token.size() - 1) + "\r\n", "Authorization: Basic " + token + "\r\n"})
        for (const char* target : {"/", "/incidents/INC-1", "/incidents/INC-1/review", "/metrics"}) {
            INFO(target << " with " << headers);
            const HttpAnswer refused = http_get(port, target, headers);
            CHECK(refused.status == 401);
            CHECK(refused.has_header("WWW-Authenticate: Bearer"));
            CHECK(refused.body.find("Leaked signing key") == std::string::npos);
            CHECK(refused.body.find("INC-1") == std::string::npos);
        }
    CHECK(http_get(port, "/healthz").status == 200);
    CHECK(http_get(port, "/readyz").body.find("INC-1") == std::string::npos);
    const HttpAnswer allowed = http_get(port, "/", "Authorization: Bearer " + token + "\r\n");
    CHECK(allowed.status == 200);
    CHECK_THAT(allowed.body, Catch::Contains("Leaked signing key"));
    CHECK(http_get(port, "/metrics", "authorization: bearer " + token + "\r\n").status == 200);
}

TEST_CASE("http: the listener's settings refuse what would expose the board", "[http]") {
    const auto settings_from = [](std::map<std::string, std::string> variables) {
        return http::http_settings_from(
            [variables](const std::string& name) -> std::optional<std::string> {
                auto it = variables.find(name);
                if (it == variables.end()) return std::nullopt;
                return it->second;
            });
    };
    CHECK(std::holds_alternative<std::monostate>(settings_from({})));
    const auto loopback = settings_from({{"WARROOM_HTTP", "127.0.0.1:8080"}});
    REQUIRE(std::holds_alternative<http::HttpSettings>(loopback));
    CHECK(std::get<http::HttpSettings>(loopback).port == 8080);
    CHECK(std::holds_alternative<http::HttpSettings>(settings_from({{"WARROOM_HTTP", "[::1]:9090"}})));

    const auto open = settings_from({{"WARROOM_HTTP", "0.0.0.0:8080"}});
    REQUIRE(std::holds_alternative<http::HttpSettingsError>(open));
    CHECK_THAT(std::get<http::HttpSettingsError>(open).message, Catch::Contains("WARROOM_HTTP_TOKEN"));
    const auto short_token = settings_from({{"WARROOM_HTTP", "0.0.0.0:8080"}, {"WARROOM_HTTP_TOKEN", "secret"}});
    REQUIRE(std::holds_alternative<http::HttpSettingsError>(short_token));
    CHECK(std::get<http::HttpSettingsError>(short_token).message.find("secret") == std::string::npos);
    for (const char* bad : {"8080", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000", "::1:8080", "[::1:8080"}) {
        INFO(bad);
        CHECK(std::holds_alternative<http::HttpSettingsError>(settings_from({{"WARROOM_HTTP", bad}})));
    }
    const auto half_tls = settings_from({{"WARROOM_HTTP", "127.0.0.1:8080"}, {"WARROOM_HTTP_CERT", "/x.pem"}});
    REQUIRE(std::holds_alternative<http::HttpSettingsError>(half_tls));
    CHECK_THAT(std::get<http::HttpSettingsError>(half_tls).message, Catch::Contains("WARROOM_HTTP_KEY"));

    CHECK(http::token_matches("abc", "abc"));
    CHECK_FALSE(http::token_matches("abd", "abc"));
    CHECK_FALSE(http::token_matches("", ""));
}

TEST_CASE("http: with a certificate and key the board is served over TLS only", "[http]") {
    const sim_common::TestCertificates certificates = sim_common::generate_test_certificates();
    TempDir dir;
    const auto write = [&](const char* name, const std::string& pem) {
        std::ofstream(dir.path / name) << pem;
        return (dir.path / name).string();
    };
    SlackWorld world;
    http::HttpSettings settings = loopback_listener();
    settings.cert_file = write("board.pem", certificates.server_certificate_pem);
    settings.key_file = write("board.key", certificates.server_private_key_pem);
    const std::string ca = write("ca.pem", certificates.ca_certificate_pem);
    const unsigned short port = start_with_listener(world, settings);
    CHECK(world.bot->http_url()->rfind("https://", 0) == 0);
    declare(world);

    boost::asio::io_context io;
    boost::asio::ssl::context tls = net::make_client_tls_context(ca);
    net::HttpClient client(io.get_executor(), tls, net::Endpoint{true, "localhost", std::to_string(port), "/"}, 10s);
    net::HttpRequest request;
    request.method = "GET";
    request.target = "/";
    auto answer = boost::asio::co_spawn(io, client.send(request), boost::asio::use_future);
    io.run();
    const net::HttpResponse response = answer.get();
    CHECK(response.status == 200);
    CHECK_THAT(response.body, Catch::Contains("Leaked signing key"));

    // Plain HTTP gets no page: the handshake fails and the connection closes.
    Connection plain(port);
    plain.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string said = plain.read_until_closed(5s);
    CHECK(said.find("Leaked signing key") == std::string::npos);
    CHECK(plain.closed());
}

}  // namespace warroom::test
