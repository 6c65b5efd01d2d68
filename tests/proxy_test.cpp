// HTTPS_PROXY / NO_PROXY: reading the variables (curl's forms, lower case
// first, credentials percent-decoded, errors naming the variable, the
// password never shown), NO_PROXY's matching rules, and outbound TLS through
// the loopback CONNECT proxy (tests/sim_common/connect_proxy): the tunnel to
// the real host with its certificate checked by name, credentials sent,
// NO_PROXY going direct, a 407, a 403 and a dropped tunnel as one-line
// failures, and Slack's Web API and Socket Mode WebSocket through the proxy.
// The process environment is never read: settings come from a map.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/system/system_error.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/connection_error.hpp"
#include "adapters/net/proxy_settings.hpp"
#include "adapters/net/tls.hpp"
#include "adapters/outside/webhook_client.hpp"
#include "adapters/slack/socket_mode_client.hpp"
#include "adapters/slack/web_api.hpp"
#include "captured_log.hpp"
#include "fake_environment.hpp"
#include "outside_sim/http_client_world.hpp"
#include "outside_sim/webhook_receiver.hpp"
#include "sim_common/connect_proxy.hpp"
#include "slack_sim/slack_simulator.hpp"

using namespace warroom;
using namespace std::chrono_literals;
using Catch::Contains;
using Catch::StartsWith;
using net::NoProxyEntry;
using net::ProxyServer;
using net::ProxySettings;
using net::ProxySettingsError;
using outside_sim::HttpClientWorld;
using outside_sim::WebhookReceiver;
using sim_common::ConnectProxy;
using sim_common::ProxyCredentials;

namespace {

const std::string kUser = "warroom bot";                  // written %-encoded: warroom%20bot
const std::string kPassword = "pr0xy-s3cret/p@ss:w0rd";   // written %-encoded below
const std::string kPasswordWritten = "pr0xy-s3cret%2Fp%40ss%3Aw0rd";
const std::string kWebhookSecret = "whsec_proxy-test";
const std::string kWho = "webhook 'ticketing'";

EnvironmentLookup environment(std::map<std::string, std::string> variables) {
    return warroom::test::fake_environment(std::move(variables));
}

ProxySettings settings_from(std::map<std::string, std::string> variables) {
    auto parsed = net::proxy_settings_from(environment(std::move(variables)));
    if (auto* problem = std::get_if<ProxySettingsError>(&parsed)) FAIL("unexpected error: " << problem->message);
    return std::get<ProxySettings>(std::move(parsed));
}

std::string error_from(std::map<std::string, std::string> variables) {
    auto parsed = net::proxy_settings_from(environment(std::move(variables)));
    if (auto* problem = std::get_if<ProxySettingsError>(&parsed)) return problem->message;
    FAIL("the settings were accepted");
    return {};
}

ProxyServer server_of(const std::string& url) {
    auto parsed = net::parse_proxy_url(url, "HTTPS_PROXY");
    if (auto* problem = std::get_if<ProxySettingsError>(&parsed))
        FAIL(url << ": unexpected error: " << problem->message);
    return std::get<ProxyServer>(std::move(parsed));
}

// The proxy with our credentials, as HTTPS_PROXY would name it.
std::string proxy_url(const ConnectProxy& proxy, const std::string& password = kPasswordWritten) {
    return "http://warroom%20bot:" + password + "@127.0.0.1:" + std::to_string(proxy.port());
}

outside::WebhookPost signed_post(const std::string& key) {
    outside::WebhookPost post;
    post.body = nlohmann::json{{"incident", "INC-9"}, {"key", key}}.dump();
    post.idempotency_key = key;
    post.secret = kWebhookSecret;
    post.timestamp = static_cast<std::int64_t>(std::time(nullptr));
    return post;
}

// The webhook receiver (TLS on loopback, certificate for "localhost"), and an HttpClient for
// https://localhost:PORT trusting its CA.
struct TlsWorld {
    WebhookReceiver receiver{kWebhookSecret};
    HttpClientWorld client;

    explicit TlsWorld(std::chrono::milliseconds timeout = 3s) : client(receiver.port(), receiver.ca_file(), timeout) {}

    Delivery deliver(const std::string& key) {
        return client.await(outside::send_webhook(client.http(), receiver.path(), signed_post(key), kWho));
    }

    // The one line a failed request throws; "" when it succeeded. Callers catch system_error: it must be one.
    std::string failure() {
        net::HttpRequest request;
        request.target = receiver.path();
        request.content_type = "application/json";
        request.body = "{}";
        try {
            client.await(client.http().send(request));
        } catch (const boost::system::system_error& error) {
            return error.what();
        }
        return {};
    }
};

std::string target_of(const WebhookReceiver& receiver) { return "localhost:" + std::to_string(receiver.port()); }

void check_one_line(const std::string& text) {
    CHECK_THAT(text, !Contains("[asio") && !Contains(".hpp") && !Contains("boost::") && !Contains("\n"));
}

void check_password_hidden(const std::string& text) {
    CHECK_THAT(text, !Contains(kPassword) && !Contains(kPasswordWritten) && !Contains("s3cret"));
    // Nor the header that carries it.
    const std::string header = ProxyServer{"h", "1", kUser, kPassword, ""}.authorization();
    CHECK_THAT(text, !Contains(header.substr(6)));
}

}  // namespace

TEST_CASE("proxy: HTTPS_PROXY's forms, as curl accepts them", "[proxy]") {
    const ProxyServer full = server_of("http://proxy.corp.example:3128");
    CHECK(full.host == "proxy.corp.example");
    CHECK(full.port == "3128");
    CHECK_FALSE(full.user);
    CHECK(full.authorization().empty());

    CHECK(server_of("http://proxy.corp.example").port == "80");
    CHECK(server_of("http://proxy.corp.example/").port == "80");
    CHECK(server_of("HTTP://proxy.corp.example:8080/").port == "8080");

    // A bare host[:port], as curl takes it.
    const ProxyServer bare = server_of("proxy.corp.example:3128");
    CHECK(bare.host == "proxy.corp.example");
    CHECK(bare.port == "3128");
    CHECK(server_of("proxy.corp.example").port == "80");
    CHECK(server_of("10.1.2.3:8080").host == "10.1.2.3");

    const ProxyServer v6 = server_of("http://[fd00::1]:3128");
    CHECK(v6.host == "fd00::1");
    CHECK(v6.where() == "[fd00::1]:3128");

    // Credentials are percent-decoded and sent as Basic.
    const ProxyServer credentials = server_of("http://warroom%20bot:" + kPasswordWritten + "@proxy.corp.example:3128");
    CHECK(credentials.user == kUser);
    CHECK(credentials.password == kPassword);
    CHECK(credentials.where() == "proxy.corp.example:3128");
    // base64("warroom bot:pr0xy-s3cret/p@ss:w0rd"), worked out with `printf %s ... | base64`.
    CHECK(credentials.authorization() == "Basic d2Fycm9vbSBib3Q6cHIweHktczNjcmV0L3BAc3M6dzByZA==");
    CHECK(server_of("http://alice@proxy:3128").authorization() == "Basic YWxpY2U6");
}

TEST_CASE("proxy: the lower-case variable wins, as in curl, and unset means direct", "[proxy]") {
    const ProxySettings both =
        settings_from({{"https_proxy", "http://lower:3128"}, {"HTTPS_PROXY", "http://upper:3128"}});
    REQUIRE(both.server);
    CHECK(both.server->host == "lower");
    CHECK(both.variable == "https_proxy");

    const ProxySettings upper = settings_from({{"HTTPS_PROXY", "http://upper:3128"}, {"no_proxy", "a.example"},
                                               {"NO_PROXY", "b.example"}});
    REQUIRE(upper.server);
    CHECK(upper.server->host == "upper");
    CHECK(upper.variable == "HTTPS_PROXY");
    CHECK(upper.describe_exceptions() == "a.example");

    const ProxySettings none = settings_from({{"NO_PROXY", "example.com"}});
    CHECK_FALSE(none.server);
    CHECK(none.describe() == "none");
    CHECK_FALSE(none.applies_to("slack.com", "443"));
    // HTTP_PROXY is for plain http://, which warroom speaks to loopback only.
    CHECK_FALSE(settings_from({{"HTTP_PROXY", "http://proxy:3128"}}).server);
}

TEST_CASE("proxy: a bad proxy URL is an error naming the variable, never the password", "[proxy]") {
    const std::string https = error_from({{"HTTPS_PROXY", "https://proxy.corp.example:443"}});
    CHECK_THAT(https, Contains("HTTPS_PROXY") && Contains("only http:// proxies are supported"));
    CHECK_THAT(error_from({{"HTTPS_PROXY", "socks5://proxy:1080"}}), Contains("HTTPS_PROXY") && Contains("socks5://"));
    // The bad lower-case one is named, not its upper-case sibling.
    CHECK_THAT(error_from({{"https_proxy", "ftp://proxy"}, {"HTTPS_PROXY", "http://fine:3128"}}),
               Contains("https_proxy:"));

    const std::map<std::string, std::string> bad_ones[] = {
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten + "@proxy:99999"}},     // port out of range
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten + "@proxy:31x8"}},      // port not a number
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten + "%zz@proxy:3128"}},   // a malformed %-escape
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten}},                     // no '@': the "port" is the password
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten + "@proxy:3128/path"}},
        {{"HTTPS_PROXY", "http://:" + kPasswordWritten + "@proxy:3128"}},         // a password without a user
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten + "@pro xy:3128"}},
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten + "@[fd00::1:3128"}},
        {{"HTTPS_PROXY", "http://user:" + kPasswordWritten + "@proxy:"}},
    };
    for (const auto& variables : bad_ones) {
        const std::string message = error_from(variables);
        INFO(message);
        CHECK_THAT(message, StartsWith("HTTPS_PROXY: "));
        check_password_hidden(message);
    }
}

TEST_CASE("proxy: describe() shows the proxy for a log line without its password", "[proxy]") {
    const ProxySettings settings =
        settings_from({{"https_proxy", "http://warroom%20bot:" + kPasswordWritten + "@proxy.corp:3128"},
                       {"no_proxy", "localhost, .internal.example,10.0.0.1:8443"}});
    CHECK(settings.describe() == "http://warroom%20bot:***@proxy.corp:3128");
    CHECK(settings.describe_exceptions() == "localhost, internal.example, 10.0.0.1:8443");
    check_password_hidden(settings.describe());
    CHECK(settings_from({{"HTTPS_PROXY", "proxy.corp:3128"}}).describe() == "http://proxy.corp:3128");
}

TEST_CASE("proxy: NO_PROXY's entries: hosts and their subdomains, addresses, ports, *", "[proxy]") {
    struct Case {
        const char* no_proxy;
        const char* host;
        const char* port;
        bool proxied;
    };
    const Case cases[] = {
        {"", "slack.com", "443", true},
        {"example.com", "example.com", "443", false},
        {"example.com", "api.example.com", "443", false},
        {".example.com", "example.com", "443", false},
        {".example.com", "api.example.com", "443", false},
        {"*.example.com", "deep.api.example.com", "443", false},
        {"example.com", "notexample.com", "443", true},
        {"example.com", "example.com.evil.org", "443", true},
        {"EXAMPLE.com", "Api.Example.COM", "443", false},
        {"example.com", "api.example.com.", "443", false},   // a fully qualified name, trailing dot
        {"*", "anything.at.all", "443", false},
        {"slack.com,*", "matrix.org", "443", false},
        {" slack.com , , .matrix.org ", "matrix.org", "443", false},
        {" slack.com , , .matrix.org ", "hooks.example", "443", true},
        {"localhost:8443", "localhost", "8443", false},
        {"localhost:8443", "localhost", "443", true},
        {"10.0.0.1", "10.0.0.1", "443", false},
        {"0.0.1", "10.0.0.1", "443", true},                    // an address is never a "subdomain"
        {"10.0.0.1:443", "10.0.0.1", "8443", true},
        {"::1", "::1", "443", false},
        {"[::1]:443", "::1", "443", false},
        {"[0:0::1]", "[::1]", "443", false},
        {"[::1]:443", "::1", "8443", true},
        // Loopback is not exempt unless named (as curl): a local TLS service behind the proxy is the
        // administrator's call.
        {"example.com", "localhost", "443", true},
        {"example.com", "127.0.0.1", "443", true},
    };
    for (const Case& c : cases) {
        ProxySettings settings;
        settings.server = server_of("http://proxy:3128");
        settings.no_proxy = net::parse_no_proxy(c.no_proxy);
        INFO("NO_PROXY=" << c.no_proxy << " host " << c.host << " port " << c.port);
        CHECK(settings.applies_to(c.host, c.port) == c.proxied);
    }
}

TEST_CASE("proxy: an HTTPS request goes through the proxy's tunnel to the real host, with credentials",
          "[proxy]") {
    test::CapturedLog log;
    ConnectProxy proxy(ProxyCredentials{kUser, kPassword});
    TlsWorld world;
    net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy_url(proxy)}}));

    const Delivery first = world.deliver("P-1");
    CHECK(first.done);
    CHECK(first.problem.empty());
    CHECK(world.receiver.accepted().size() == 1);

    const auto requests = proxy.requests();
    REQUIRE(requests.size() == 1);   // one tunnel, kept alive for the next request
    CHECK(requests[0].method == "CONNECT");
    CHECK(requests[0].target == target_of(world.receiver));
    CHECK(requests[0].host_header == target_of(world.receiver));
    CHECK(requests[0].credentials_sent);
    CHECK(requests[0].credentials_right);
    CHECK(requests[0].answered == 200);

    CHECK(world.deliver("P-2").done);
    CHECK(proxy.requests().size() == 1);
    CHECK(world.receiver.accepted().size() == 2);
    check_password_hidden(log.text());
}

TEST_CASE("proxy: through the tunnel the certificate is checked against the real host's name", "[proxy]") {
    ConnectProxy proxy;
    WebhookReceiver receiver{kWebhookSecret};
    // The receiver's certificate names localhost and 127.0.0.1, not the proxy; a client that trusts
    // no test CA must refuse it through the tunnel as it would directly.
    boost::asio::io_context io;
    auto untrusting = net::make_client_tls_context();
    net::HttpClient http(io.get_executor(), untrusting,
                         net::Endpoint{true, "localhost", std::to_string(receiver.port()), "/"}, 3s);
    net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy.url()}}));
    net::HttpRequest request;
    request.target = "/";
    request.method = "GET";
    auto result = boost::asio::co_spawn(io, http.send(request), boost::asio::use_future);
    io.run_for(10s);
    REQUIRE(result.wait_for(0s) == std::future_status::ready);
    std::string message;
    try {
        result.get();
    } catch (const boost::system::system_error& error) {
        message = error.what();
    }
    CHECK_THAT(message, Contains("TLS handshake with " + target_of(receiver) + " failed: certificate verify failed"));
    check_one_line(message);
    REQUIRE(proxy.requests().size() == 1);
    CHECK(proxy.requests()[0].target == target_of(receiver));
}

TEST_CASE("proxy: a host NO_PROXY names goes direct", "[proxy]") {
    ConnectProxy proxy;
    TlsWorld world;
    {
        net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy.url()}, {"NO_PROXY", "example.com,localhost"}}));
        CHECK(world.deliver("D-1").done);
        CHECK(proxy.requests().empty());
    }
    // Another port of the same host is not exempt when the entry names one.
    world.client.http().close();
    net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy.url()}, {"NO_PROXY", "localhost:1"}}));
    CHECK(world.deliver("D-2").done);
    CHECK(proxy.requests().size() == 1);
}

TEST_CASE("proxy: a 407 says the proxy wants credentials, or refused them, naming the proxy but not the password",
          "[proxy]") {
    test::CapturedLog log;
    ConnectProxy proxy(ProxyCredentials{kUser, kPassword});
    TlsWorld world;
    const std::string where = "127.0.0.1:" + std::to_string(proxy.port());

    {
        net::ScopedProxy use(settings_from({{"https_proxy", proxy.url()}}));
        const std::string message = world.failure();
        CHECK(message == "the proxy at " + where + " wants credentials for the tunnel to " + target_of(world.receiver) +
                             " (HTTP 407 Proxy Authentication Required); write them into https_proxy as "
                             "http://user:password@" + where);
        REQUIRE(proxy.requests().size() == 1);
        CHECK_FALSE(proxy.requests()[0].credentials_sent);
    }
    {
        net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy_url(proxy, "wr0ng-" + kPasswordWritten)}}));
        const std::string message = world.failure();
        CHECK(message == "the proxy at " + where + " refused the credentials in HTTPS_PROXY for the tunnel to " +
                             target_of(world.receiver) + " (HTTP 407 Proxy Authentication Required)");
        check_password_hidden(message);
        REQUIRE(proxy.requests().size() == 2);
        CHECK(proxy.requests()[1].credentials_sent);
        CHECK_FALSE(proxy.requests()[1].credentials_right);

        // As an outside destination reports it: one line, then the same.
        const Delivery delivery = world.deliver("K-1");
        CHECK_FALSE(delivery.done);
        CHECK_FALSE(delivery.refused);   // a network failure: tried again later, when the proxy may let it through
        CHECK_THAT(delivery.problem, StartsWith(kWho + " could not be reached: the proxy at " + where));
        check_password_hidden(delivery.problem);
    }
    check_password_hidden(log.text());
    CHECK(world.receiver.requests().empty());
}

TEST_CASE("proxy: a refused tunnel names the proxy, the target and the status", "[proxy]") {
    ConnectProxy proxy;
    TlsWorld world;
    net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy.url()}}));
    proxy.answer(403);

    CHECK(world.failure() == "the proxy at 127.0.0.1:" + std::to_string(proxy.port()) + " refused the tunnel to " +
                                 target_of(world.receiver) + " (HTTP 403 Forbidden)");
    proxy.answer(502);
    CHECK_THAT(world.failure(),
               Contains("refused the tunnel to " + target_of(world.receiver) + " (HTTP 502 Bad Gateway)"));
    CHECK(world.receiver.requests().empty());
}

TEST_CASE("proxy: a proxy that cannot be reached is a connection failure naming it", "[proxy]") {
    TlsWorld world;
    unsigned short closed_port = 0;
    {
        ConnectProxy gone;
        closed_port = gone.port();
    }
    net::ScopedProxy use(settings_from({{"HTTPS_PROXY", "http://127.0.0.1:" + std::to_string(closed_port)}}));
    const std::string message = world.failure();
    CHECK_THAT(message, StartsWith("cannot connect to the proxy at 127.0.0.1:" + std::to_string(closed_port) + ": "));
    check_one_line(message);
}

TEST_CASE("proxy: a dropped tunnel is a connection failure within the timeout, and the next request after the "
          "proxy recovers succeeds",
          "[proxy]") {
    ConnectProxy proxy;
    TlsWorld world(2s);
    net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy.url()}}));

    SECTION("closed right after its 200") {
        proxy.drop_after_answer();
        const auto started = std::chrono::steady_clock::now();
        const std::string message = world.failure();
        CHECK(std::chrono::steady_clock::now() - started < 5s);
        CHECK_THAT(message,
                   Contains(target_of(world.receiver)) && Contains("127.0.0.1:" + std::to_string(proxy.port())));
        CHECK_THAT(message, Contains("closed during the TLS handshake"));
        check_one_line(message);
    }
    SECTION("cut in the middle of the TLS handshake") {
        proxy.drop_after(100);
        const std::string message = world.failure();
        CHECK_THAT(message, Contains(target_of(world.receiver)));
        check_one_line(message);
    }
    SECTION("cut while the answer is awaited") {
        world.receiver.faults().slow(1, 1500ms);   // the receiver took the request and holds its answer
        auto failed = std::async(std::launch::async, [&] { return world.failure(); });
        REQUIRE(world.receiver.wait_for([&] { return world.receiver.requests().size() == 1; }, 5s));
        proxy.drop_open_tunnels();
        REQUIRE(failed.wait_for(5s) == std::future_status::ready);
        const std::string message = failed.get();
        CHECK_THAT(message, StartsWith("the request to " + target_of(world.receiver) + " failed: "));
        check_one_line(message);
    }
    CHECK(proxy.wait_for([&] { return proxy.tunnels_dropped() >= 1; }, 5s));

    proxy.tunnel();
    const Delivery recovered = world.deliver("after-the-drop");
    CHECK(recovered.done);
    CHECK(world.receiver.deliveries_with_key("after-the-drop") == 1);
}

TEST_CASE("proxy: Slack's Web API and the Socket Mode WebSocket go through the proxy", "[proxy]") {
    test::CapturedLog log;
    slack_sim::SlackSimulator sim;
    ConnectProxy proxy(ProxyCredentials{kUser, kPassword});
    net::ScopedProxy use(settings_from({{"HTTPS_PROXY", proxy_url(proxy)}}));

    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    boost::asio::ssl::context tls = net::make_client_tls_context(sim.ca_file());
    slack::RateLimiter limits;
    slack::WebApi api(io.get_executor(), tls, sim.api_url(), sim.bot_token(), limits);
    slack::SocketModeTimings timings;
    timings.backoff_initial = 50ms;
    timings.backoff_max = 400ms;
    timings.hello_timeout = 3s;
    std::atomic<int> commands{0};
    slack::SocketModeClient client(io.get_executor(), tls, api, sim.app_token(),
                                   [&](const slack::Envelope& envelope) -> std::optional<nlohmann::json> {
                                       if (envelope.type != "slash_commands") return std::nullopt;
                                       ++commands;
                                       return nlohmann::json{{"text", "handled"}};
                                   },
                                   timings);
    std::thread thread([&] { io.run(); });
    auto running = boost::asio::co_spawn(io, client.run(), boost::asio::use_future);

    const std::string alice = sim.add_user("alice");
    const std::string channel = sim.add_channel("general", false, {alice});
    REQUIRE(sim.wait_for([&] { return sim.connections_opened() >= 1; }, 10s));
    const std::string envelope = sim.slash_command(alice, channel, "status");
    CHECK(sim.wait_for(
        [&] {
            for (const auto& ack : sim.acks())
                if (ack.envelope_id == envelope) return true;
            return false;
        },
        10s));
    CHECK(commands == 1);

    boost::asio::post(io, [&] { client.stop(); });
    CHECK(running.wait_for(10s) == std::future_status::ready);
    work.reset();
    io.stop();
    thread.join();

    // apps.connections.open over HTTPS, then the wss:// URL it answered: both tunnelled, both authenticated.
    const auto requests = proxy.requests();
    REQUIRE(requests.size() >= 2);
    for (const auto& request : requests) {
        CHECK(request.method == "CONNECT");
        CHECK_THAT(request.target, StartsWith("localhost:"));
        CHECK(request.credentials_right);
        CHECK(request.answered == 200);
    }
    check_password_hidden(log.text());
}
