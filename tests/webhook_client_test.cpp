// Delivering to a webhook against the webhook receiver over TLS: the
// signature (Stripe's scheme) verifies with the receiver's secret and only
// with it, the headers arrive, and every way the receiver can answer reads
// as the Delivery the outbox acts on; the secret appears in no problem and no log line.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/outside/webhook_client.hpp"
#include "captured_log.hpp"
#include "outside_sim/http_client_world.hpp"
#include "outside_sim/webhook_receiver.hpp"

using namespace warroom;
using namespace std::chrono_literals;
using Catch::Contains;
using outside::WebhookPost;
using outside_sim::HttpClientWorld;
using outside_sim::WebhookReceiver;

namespace {

const std::string kSecret = "whsec_s3cr3t-never-shown";
const std::string kWho = "webhook 'ticketing'";

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

WebhookPost post_of(std::string key, std::string secret = kSecret) {
    WebhookPost post;
    post.body = nlohmann::json{{"incident", "INC-3"}, {"text", "Payments are degraded"}, {"key", key}}.dump();
    post.idempotency_key = std::move(key);
    post.secret = std::move(secret);
    post.timestamp = unix_now();
    return post;
}

struct WebhookWorld {
    WebhookReceiver receiver{kSecret};
    HttpClientWorld client;

    explicit WebhookWorld(std::chrono::milliseconds timeout = 5s)
        : client(receiver.port(), receiver.ca_file(), timeout) {}

    Delivery send(const WebhookPost& post, std::string target = {}) {
        if (target.empty()) target = receiver.path();
        return client.await(outside::send_webhook(client.http(), target, post, kWho));
    }
};

void check_secret_hidden(const Delivery& delivery, const test::CapturedLog& log) {
    CHECK_THAT(delivery.problem, !Contains(kSecret));
    CHECK_THAT(log.text(), !Contains(kSecret));
}

}  // namespace

TEST_CASE("webhook: the signature is HMAC-SHA256 over the timestamp and body, written as Stripe writes it",
          "[webhook]") {
    // Worked out apart from warroom (Python's hmac module).
    const std::string body = "{\"incident\":\"INC-3\"}";
    CHECK(outside::webhook_signature("whsec_test", 1700000000, body) ==
          "t=1700000000,v1=0e6ef0d5dad70f69ae15abe6d312f450e3bfab594dfbf7014d01d3eaffb8582b");
    CHECK(outside::webhook_signature("", 0, "") ==
          "t=0,v1=b849d5a581847b281957065739df36df2463d1977ea8d6e1e4e6cf33fadc68c3");
    CHECK(outside::webhook_signature("another secret", 1700000000, body) !=
          outside::webhook_signature("whsec_test", 1700000000, body));
}

TEST_CASE("webhook: a signed post is accepted with its signature, JSON type and idempotency key", "[webhook]") {
    test::CapturedLog log;
    WebhookWorld world;
    const WebhookPost post = post_of("D-7@2");

    const Delivery delivery = world.send(post);

    CHECK(delivery.done);
    CHECK(delivery.reference == "D-7@2");
    const auto requests = world.receiver.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "POST");
    CHECK(requests[0].content_type == "application/json");
    CHECK(requests[0].idempotency_key == "D-7@2");
    CHECK(requests[0].signature == outside::webhook_signature(kSecret, post.timestamp, post.body));
    const auto accepted = world.receiver.accepted();
    REQUIRE(accepted.size() == 1);
    CHECK(accepted[0].document == nlohmann::json::parse(post.body));
    CHECK(accepted[0].timestamp == post.timestamp);
    CHECK_THAT(log.text(), !Contains(kSecret));
}

TEST_CASE("webhook: a post signed with another secret is refused, and neither secret is shown", "[webhook]") {
    test::CapturedLog log;
    WebhookWorld world;
    const std::string wrong_secret = "whsec_an0ther-secret";

    const Delivery delivery = world.send(post_of("D-1@1", wrong_secret));

    CHECK_FALSE(delivery.done);
    CHECK(delivery.refused);
    CHECK_THAT(delivery.problem, Contains(kWho) && Contains("401"));
    CHECK_THAT(delivery.problem, !Contains(wrong_secret));
    CHECK_THAT(log.text(), !Contains(wrong_secret));
    check_secret_hidden(delivery, log);
    CHECK(world.receiver.accepted().empty());
    CHECK(world.receiver.signatures_refused() == 1);
}

TEST_CASE("webhook: a timestamp older than the receiver's tolerance is refused as a replay", "[webhook]") {
    WebhookWorld world;
    world.receiver.set_clock(unix_now());
    world.receiver.set_tolerance(300s);
    WebhookPost post = post_of("D-2@1");
    post.timestamp = unix_now() - 3600;

    const Delivery replayed = world.send(post);
    CHECK(replayed.refused);
    CHECK_THAT(replayed.problem, Contains("401"));

    post.timestamp = unix_now();
    CHECK(world.send(post).done);
    CHECK(world.receiver.accepted().size() == 1);
}

TEST_CASE("webhook: a 500 is not yet, and the repeat is delivered once", "[webhook]") {
    test::CapturedLog log;
    WebhookWorld world;
    world.receiver.faults().fail(1, 500);
    const WebhookPost post = post_of("D-3@1");

    const Delivery first = world.send(post);
    CHECK_FALSE(first.done);
    CHECK_FALSE(first.refused);
    CHECK_THAT(first.problem, Contains(kWho) && Contains("500"));
    check_secret_hidden(first, log);

    CHECK(world.send(post).done);
    CHECK(world.receiver.deliveries_with_key("D-3@1") == 2);
    CHECK(world.receiver.accepted().size() == 1);
    CHECK(world.receiver.duplicates().empty());
}

TEST_CASE("webhook: a 503 and a 429 are not yet, and the 429's Retry-After reaches the delivery", "[webhook]") {
    WebhookWorld world;
    world.receiver.faults().fail(1, 503);
    const Delivery unavailable = world.send(post_of("D-4@1"));
    CHECK_FALSE(unavailable.done);
    CHECK_FALSE(unavailable.refused);
    CHECK_THAT(unavailable.problem, Contains("503"));

    world.receiver.faults().rate_limit(1, 7);
    const Delivery limited = world.send(post_of("D-4@1"));
    CHECK_FALSE(limited.done);
    CHECK_FALSE(limited.refused);
    CHECK_THAT(limited.problem, Contains("429"));
    REQUIRE(limited.retry_after);
    CHECK(*limited.retry_after == 7s);
    CHECK(world.receiver.accepted().empty());
}

TEST_CASE("webhook: 400, 404 and 410 are refused with the status in the problem", "[webhook]") {
    test::CapturedLog log;
    WebhookWorld world;
    world.receiver.faults().fail(1, 400);
    const Delivery bad_request = world.send(post_of("D-5@1"));
    CHECK(bad_request.refused);
    CHECK_THAT(bad_request.problem, Contains(kWho) && Contains("400"));

    world.receiver.faults().fail(1, 410);
    const Delivery gone = world.send(post_of("D-5@1"));
    CHECK(gone.refused);
    CHECK_THAT(gone.problem, Contains("410"));

    const Delivery no_such_path = world.send(post_of("D-5@1"), "/hooks/elsewhere");
    CHECK(no_such_path.refused);
    CHECK_THAT(no_such_path.problem, Contains("404"));
    check_secret_hidden(no_such_path, log);
    CHECK(world.receiver.accepted().empty());
}

TEST_CASE("webhook: an answer cut short is not yet, and the repeat carries the same key for the receiver to drop",
          "[webhook]") {
    test::CapturedLog log;
    WebhookWorld world;
    world.receiver.faults().truncate(1);
    const WebhookPost post = post_of("D-6@1");

    const Delivery cut = world.send(post);
    CHECK_FALSE(cut.done);
    CHECK_FALSE(cut.refused);
    CHECK_THAT(cut.problem, Contains(kWho));
    check_secret_hidden(cut, log);
    CHECK(world.receiver.faults().answers_cut() == 1);

    CHECK(world.send(post).done);
    // The receiver took the document both times; the key is what lets it keep one.
    CHECK(world.receiver.duplicates() == std::vector<std::string>{"D-6@1"});
}

TEST_CASE("webhook: a failed TLS handshake and an answer slower than the timeout are not yet", "[webhook]") {
    test::CapturedLog log;
    WebhookWorld world(500ms);
    world.receiver.faults().fail_handshakes(1);
    const Delivery no_tls = world.send(post_of("D-8@1"));
    CHECK_FALSE(no_tls.done);
    CHECK_FALSE(no_tls.refused);
    CHECK_THAT(no_tls.problem, Contains(kWho) && Contains("could not be reached"));
    check_secret_hidden(no_tls, log);
    CHECK(world.receiver.faults().handshakes_failed() == 1);

    world.receiver.faults().slow(1, 2s);
    const Delivery slow = world.send(post_of("D-8@1"));
    CHECK_FALSE(slow.done);
    CHECK_FALSE(slow.refused);
    check_secret_hidden(slow, log);

    CHECK(world.send(post_of("D-8@1")).done);
}
