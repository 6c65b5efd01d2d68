// Paging through PagerDuty's Events API v2 against the PagerDuty simulator
// over TLS: a trigger opens an alert and a resolve on the same dedup key
// closes it, a repeated trigger is one alert, the summary is cut to
// PagerDuty's limit, and refusals, outages and broken answers read as the
// Delivery the outbox acts on. The routing key appears in no problem and no log line.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "adapters/outside/pagerduty_client.hpp"
#include "captured_log.hpp"
#include "outside_sim/http_client_world.hpp"
#include "outside_sim/pagerduty_simulator.hpp"

using namespace warroom;
using namespace std::chrono_literals;
using Catch::Contains;
using outside::PageAction;
using outside::PageEvent;
using outside_sim::HttpClientWorld;
using outside_sim::PagerDutySimulator;

namespace {

const std::string kRoutingKey = "R0UT1NGKEY0f3c9e5b7a1d2c4e6f8a9b";
const std::string kWho = "pager 'on-call'";
const std::string kDedup = "warroom-INC-3";

PageEvent event_of(PageAction action, std::string routing_key = kRoutingKey) {
    PageEvent event;
    event.routing_key = std::move(routing_key);
    event.action = action;
    event.dedup_key = kDedup;
    event.summary = "INC-3 (SEV1): Payments degraded";
    return event;
}

struct PagerWorld {
    PagerDutySimulator sim{{kRoutingKey}};
    HttpClientWorld client;

    explicit PagerWorld(std::chrono::milliseconds timeout = 5s) : client(sim.port(), sim.ca_file(), timeout) {}

    Delivery send(const PageEvent& event) {
        return client.await(outside::send_page_event(client.http(), "/v2/enqueue", event, kWho));
    }
};

void check_key_hidden(const Delivery& delivery, const test::CapturedLog& log) {
    CHECK_THAT(delivery.problem, !Contains(kRoutingKey));
    CHECK_THAT(log.text(), !Contains(kRoutingKey));
}

}  // namespace

TEST_CASE("pagerduty: a trigger opens an alert and a resolve on the same dedup key closes it", "[pagerduty]") {
    test::CapturedLog log;
    PagerWorld world;

    const Delivery triggered = world.send(event_of(PageAction::trigger));
    REQUIRE(triggered.done);
    CHECK(triggered.reference == kDedup);
    auto alert = world.sim.alert(kRoutingKey, kDedup);
    REQUIRE(alert);
    CHECK(alert->triggered);
    CHECK(alert->summary == "INC-3 (SEV1): Payments degraded");
    CHECK(alert->source == "warroom");
    CHECK(alert->severity == "critical");

    const Delivery resolved = world.send(event_of(PageAction::resolve));
    REQUIRE(resolved.done);
    alert = world.sim.alert(kRoutingKey, kDedup);
    REQUIRE(alert);
    CHECK_FALSE(alert->triggered);
    CHECK(alert->triggers == 1);
    CHECK(alert->resolves == 1);

    const auto events = world.sim.events();
    REQUIRE(events.size() == 2);
    CHECK(events[0].body["event_action"] == "trigger");
    CHECK(events[0].body["payload"]["summary"] == "INC-3 (SEV1): Payments degraded");
    CHECK(events[1].body["event_action"] == "resolve");
    CHECK(events[1].body["dedup_key"] == kDedup);
    CHECK_FALSE(events[1].body.contains("payload"));
    CHECK_THAT(log.text(), !Contains(kRoutingKey));
}

TEST_CASE("pagerduty: a repeated trigger is harmless: one alert, opened once", "[pagerduty]") {
    PagerWorld world;
    REQUIRE(world.send(event_of(PageAction::trigger)).done);
    REQUIRE(world.send(event_of(PageAction::trigger)).done);

    const auto alerts = world.sim.alerts();
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].opened == 1);
    CHECK(alerts[0].triggers == 2);
    CHECK(alerts[0].triggered);
}

TEST_CASE("pagerduty: a resolve of a key never triggered is accepted and changes nothing", "[pagerduty]") {
    PagerWorld world;
    CHECK(world.send(event_of(PageAction::resolve)).done);
    CHECK(world.sim.alerts().empty());
}

TEST_CASE("pagerduty: an unknown routing key is refused with PagerDuty's 400, the key not shown", "[pagerduty]") {
    test::CapturedLog log;
    PagerWorld world;
    const std::string unknown_key = "UNKN0WNKEY11112222333344445555aa";

    const Delivery refused = world.send(event_of(PageAction::trigger, unknown_key));

    CHECK_FALSE(refused.done);
    CHECK(refused.refused);
    CHECK_THAT(refused.problem, Contains(kWho) && Contains("400") && Contains("Invalid routing key"));
    CHECK_THAT(refused.problem, !Contains(unknown_key));
    CHECK_THAT(log.text(), !Contains(unknown_key));
    CHECK(world.sim.alerts().empty());
}

TEST_CASE("pagerduty: a summary longer than PagerDuty takes is cut to fit, and the page goes out", "[pagerduty]") {
    PagerWorld world;
    PageEvent event = event_of(PageAction::trigger);
    event.summary = std::string(3000, 'x');

    REQUIRE(world.send(event).done);
    const auto alert = world.sim.alert(kRoutingKey, kDedup);
    REQUIRE(alert);
    CHECK(alert->summary.size() <= outside::kPagerDutySummaryLimit);
    CHECK(alert->summary.starts_with(std::string(1000, 'x')));
}

TEST_CASE("pagerduty: an event PagerDuty would refuse is refused before it is sent", "[pagerduty]") {
    PagerWorld world;
    PageEvent no_dedup = event_of(PageAction::resolve);
    no_dedup.dedup_key.clear();
    const Delivery refused = world.send(no_dedup);
    CHECK(refused.refused);
    CHECK_THAT(refused.problem, Contains("dedup key"));

    PageEvent bad_severity = event_of(PageAction::trigger);
    bad_severity.severity = "sev1";
    CHECK(world.send(bad_severity).refused);
    CHECK(world.sim.events().empty());
}

TEST_CASE("pagerduty: a 500 is not yet and the repeat succeeds, and a 429's Retry-After reaches the delivery",
          "[pagerduty]") {
    test::CapturedLog log;
    PagerWorld world;
    world.sim.faults().fail(1, 500);
    const Delivery failed = world.send(event_of(PageAction::trigger));
    CHECK_FALSE(failed.done);
    CHECK_FALSE(failed.refused);
    CHECK_THAT(failed.problem, Contains("500"));
    check_key_hidden(failed, log);
    CHECK(world.send(event_of(PageAction::trigger)).done);

    world.sim.faults().rate_limit(1, 12);
    const Delivery limited = world.send(event_of(PageAction::resolve));
    CHECK_FALSE(limited.done);
    CHECK_FALSE(limited.refused);
    CHECK_THAT(limited.problem, Contains("429"));
    REQUIRE(limited.retry_after);
    CHECK(*limited.retry_after == 12s);
    CHECK(world.sim.alert(kRoutingKey, kDedup)->triggered);
}

TEST_CASE("pagerduty: an answer cut short is not yet, and the repeat still makes one alert", "[pagerduty]") {
    test::CapturedLog log;
    PagerWorld world;
    world.sim.faults().truncate(1);
    const Delivery cut = world.send(event_of(PageAction::trigger));
    CHECK_FALSE(cut.done);
    CHECK_FALSE(cut.refused);
    check_key_hidden(cut, log);

    CHECK(world.send(event_of(PageAction::trigger)).done);
    const auto alerts = world.sim.alerts();
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].opened == 1);
}

TEST_CASE("pagerduty: a failed TLS handshake is not yet", "[pagerduty]") {
    test::CapturedLog log;
    PagerWorld world;
    world.sim.faults().fail_handshakes(1);
    const Delivery no_tls = world.send(event_of(PageAction::trigger));
    CHECK_FALSE(no_tls.done);
    CHECK_FALSE(no_tls.refused);
    CHECK_THAT(no_tls.problem, Contains(kWho) && Contains("could not be reached"));
    check_key_hidden(no_tls, log);
    CHECK(world.sim.events().empty());
}
