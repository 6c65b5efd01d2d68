// Where connections go: URLs checked so that a token never crosses a network
// unencrypted, with messages that say what to fix.
#include <catch2/catch.hpp>

#include "adapters/net/endpoint.hpp"

using namespace warroom::net;
using Catch::Contains;

namespace {

Endpoint parsed(std::string_view url, std::string_view scheme = "https") {
    auto result = parse_endpoint(url, scheme, "SLACK_API_URL");
    if (auto* error = std::get_if<EndpointError>(&result)) FAIL(error->message);
    return std::get<Endpoint>(result);
}

std::string refusal(std::string_view url, std::string_view scheme = "https") {
    auto result = parse_endpoint(url, scheme, "SLACK_API_URL");
    if (std::holds_alternative<Endpoint>(result)) FAIL("accepted " << url);
    return std::get<EndpointError>(result).message;
}

}  // namespace

TEST_CASE("Endpoint parses an https URL with default port and path", "[slack_client]") {
    const Endpoint slack = parsed("https://slack.com/api/");
    CHECK(slack.tls);
    CHECK(slack.host == "slack.com");
    CHECK(slack.port == "443");
    CHECK(slack.target == "/api/");

    const Endpoint bare = parsed("https://slack.com");
    CHECK(bare.target == "/");
    const Endpoint with_port = parsed("HTTPS://localhost:8443/api/");
    CHECK(with_port.port == "8443");
    CHECK(with_port.host == "localhost");
}

TEST_CASE("Endpoint accepts plain http only on loopback", "[slack_client]") {
    const Endpoint local = parsed("http://127.0.0.1:8080/api/");
    CHECK_FALSE(local.tls);
    CHECK(local.port == "8080");
    CHECK(parsed("http://localhost/api/").port == "80");
    CHECK(parsed("http://[::1]:9000/api/").host == "::1");

    CHECK(is_loopback_host("localhost"));
    CHECK(is_loopback_host("127.1.2.3"));
    CHECK(is_loopback_host("::1"));
    CHECK(is_loopback_host("[::1]"));
    CHECK_FALSE(is_loopback_host("10.0.0.1"));
    CHECK_FALSE(is_loopback_host("localhost.example.com"));
    CHECK_FALSE(is_loopback_host("127.0.0.1.example.com"));
}

TEST_CASE("Endpoint refuses plain http to a non-loopback host, naming the setting", "[slack_client]") {
    const std::string message = refusal("http://slack.com/api/");
    CHECK_THAT(message, Contains("SLACK_API_URL"));
    CHECK_THAT(message, Contains("loopback"));
    CHECK_THAT(message, Contains("https://"));
    CHECK_THAT(refusal("ws://example.com/link/", "wss"), Contains("wss://"));
}

TEST_CASE("Endpoint keeps a wss URL's query in the target and out of messages", "[slack_client]") {
    const Endpoint socket = parsed("wss://wss-primary.slack.com/link/?ticket=abc-123&app_id=A1", "wss");
    CHECK(socket.tls);
    CHECK(socket.host == "wss-primary.slack.com");
    CHECK(socket.port == "443");
    CHECK(socket.target == "/link/?ticket=abc-123&app_id=A1");
    CHECK(parsed("ws://localhost:7000/link/?ticket=t", "wss").target == "/link/?ticket=t");

    // A refused URL is named without its query: the ticket is a credential.
    const std::string message = refusal("ws://wss.slack.com/link/?ticket=secret-ticket", "wss");
    CHECK_THAT(message, !Contains("secret-ticket"));
}

TEST_CASE("Endpoint refuses malformed URLs and other schemes with a readable message", "[slack_client]") {
    CHECK_THAT(refusal("not a url"), Contains("SLACK_API_URL"));
    CHECK_THAT(refusal("slack.com/api/"), Contains("SLACK_API_URL"));
    CHECK_THAT(refusal("ftp://slack.com/api/"), Contains("https://"));
    CHECK_THAT(refusal("https://:443/api/"), Contains("no host"));
    CHECK_THAT(refusal("https://slack.com:99999/api/"), Contains("port"));
    CHECK_THAT(refusal("https://user:pw@slack.com/api/"), Contains("credentials"));
}
