// Posting to Statuspage against the Statuspage simulator over TLS: one status
// page incident per warroom incident, created by the first post and updated
// by the later ones, found again by its metadata marker after a crash (so a
// repeated job sends nothing new), resolved by a resolution; and how refusals,
// outages and broken answers read as the Delivery the outbox acts on. The API
// key appears in no problem and no log line.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "adapters/outside/statuspage_client.hpp"
#include "captured_log.hpp"
#include "outside_sim/http_client_world.hpp"
#include "outside_sim/statuspage_simulator.hpp"

using namespace warroom;
using namespace std::chrono_literals;
using Catch::Contains;
using outside::StatuspagePost;
using outside::StatuspageResult;
using outside_sim::HttpClientWorld;
using outside_sim::StatuspageIncident;
using outside_sim::StatuspageSimulator;

namespace {

const std::string kPage = "kctbh9vrtdwd";
const std::string kKey = "sp-api-key-0f3c9e-never-shown";
const std::string kWho = "status page 'public'";

StatuspagePost post_of(std::string job, std::string status, std::string body,
                       std::optional<std::string> known = std::nullopt) {
    StatuspagePost post;
    post.page_id = kPage;
    post.api_key = kKey;
    post.warroom_incident = "INC-3";
    post.job_marker = std::move(job);
    post.name = "Payments degraded";
    post.body = std::move(body);
    post.status = std::move(status);
    post.known_incident = std::move(known);
    return post;
}

struct StatuspageWorld {
    StatuspageSimulator sim;
    HttpClientWorld client;

    explicit StatuspageWorld(std::chrono::milliseconds timeout = 5s) : client(sim.port(), sim.ca_file(), timeout) {
        sim.add_page(kPage, kKey);
    }

    StatuspageResult post(const StatuspagePost& post) {
        return client.await(outside::post_to_statuspage(client.http(), sim.base(), post, kWho));
    }

    StatuspageIncident only_incident() {
        const auto incidents = sim.incidents(kPage);
        REQUIRE(incidents.size() == 1);
        return incidents[0];
    }
};

void check_key_hidden(const StatuspageResult& result, const test::CapturedLog& log) {
    CHECK_THAT(result.delivery.problem, !Contains(kKey));
    CHECK_THAT(log.text(), !Contains(kKey));
}

}  // namespace

TEST_CASE("statuspage: the first post creates the incident, the next updates the same one", "[statuspage]") {
    test::CapturedLog log;
    StatuspageWorld world;

    const StatuspageResult first =
        world.post(post_of("D-1@1", "investigating", "We are looking into failed payments."));
    REQUIRE(first.delivery.done);
    CHECK_FALSE(first.incident_id.empty());
    CHECK(first.delivery.reference == "statuspage:" + kPage + "/" + first.incident_id);
    StatuspageIncident created = world.only_incident();
    CHECK(created.id == first.incident_id);
    CHECK(created.name == "Payments degraded");
    CHECK(created.status == "investigating");
    CHECK(created.metadata["warroom"]["incident"] == "INC-3");
    CHECK(created.metadata["warroom"]["job"] == "D-1@1");
    REQUIRE(created.updates.size() == 1);
    CHECK(created.updates[0].body == "We are looking into failed payments.");

    const StatuspageResult second =
        world.post(post_of("D-2@1", "identified", "A faulty deploy was rolled back.", first.incident_id));
    REQUIRE(second.delivery.done);
    CHECK(second.incident_id == first.incident_id);
    const StatuspageIncident updated = world.only_incident();
    CHECK(updated.status == "identified");
    CHECK(updated.metadata["warroom"]["job"] == "D-2@1");
    REQUIRE(updated.updates.size() == 2);
    CHECK(updated.updates[1].body == "A faulty deploy was rolled back.");
    CHECK(updated.updates[1].status == "identified");
    CHECK(world.sim.creations() == 1);
    CHECK_THAT(log.text(), !Contains(kKey));
}

TEST_CASE("statuspage: without a stored id the incident is found by its marker and updated, not created again",
          "[statuspage]") {
    StatuspageWorld world;
    const StatuspageResult first = world.post(post_of("D-1@1", "investigating", "Looking into it."));
    REQUIRE(first.delivery.done);

    const StatuspageResult second = world.post(post_of("D-2@1", "monitoring", "A fix is in place."));
    REQUIRE(second.delivery.done);
    CHECK(second.incident_id == first.incident_id);
    CHECK(world.sim.creations() == 1);
    CHECK(world.only_incident().updates.size() == 2);
}

TEST_CASE("statuspage: a job repeated after a crash finds its own post and sends nothing new", "[statuspage]") {
    StatuspageWorld world;

    SECTION("a creation repeated without the stored id") {
        const StatuspageResult first = world.post(post_of("D-1@1", "investigating", "Looking into it."));
        const StatuspageResult again = world.post(post_of("D-1@1", "investigating", "Looking into it."));
        REQUIRE(first.delivery.done);
        REQUIRE(again.delivery.done);
        CHECK(again.incident_id == first.incident_id);
        CHECK(again.delivery.reference == first.delivery.reference);
        CHECK(world.sim.creations() == 1);
        CHECK(world.sim.updates_with_job("D-1@1") == 1);
        CHECK(world.sim.calls_of("update") == 0);
        CHECK(world.only_incident().updates.size() == 1);
    }
    SECTION("an update repeated with the stored id") {
        const StatuspageResult first = world.post(post_of("D-1@1", "investigating", "Looking into it."));
        REQUIRE(world.post(post_of("D-2@1", "identified", "Found it.", first.incident_id)).delivery.done);
        const StatuspageResult again = world.post(post_of("D-2@1", "identified", "Found it.", first.incident_id));
        REQUIRE(again.delivery.done);
        CHECK(world.sim.updates_with_job("D-2@1") == 1);
        CHECK(world.sim.calls_of("update") == 1);
        CHECK(world.only_incident().updates.size() == 2);
    }
}

TEST_CASE("statuspage: a creation whose answer was cut short is found by its marker on the repeat", "[statuspage]") {
    test::CapturedLog log;
    StatuspageWorld world;
    world.sim.faults().truncate(1, "create");

    const StatuspageResult cut = world.post(post_of("D-1@1", "investigating", "Looking into it."));
    CHECK_FALSE(cut.delivery.done);
    CHECK_FALSE(cut.delivery.refused);
    CHECK_THAT(cut.delivery.problem, Contains(kWho));
    check_key_hidden(cut, log);
    CHECK(world.sim.creations() == 1);   // it was made; the bot could not tell

    const StatuspageResult again = world.post(post_of("D-1@1", "investigating", "Looking into it."));
    REQUIRE(again.delivery.done);
    CHECK(again.incident_id == world.only_incident().id);
    CHECK(world.sim.creations() == 1);
    CHECK(world.sim.calls_of("update") == 0);
}

TEST_CASE("statuspage: a resolution resolves the incident, and with nothing posted it has nothing to do",
          "[statuspage]") {
    StatuspageWorld world;

    SECTION("after a post") {
        const StatuspageResult first = world.post(post_of("D-1@1", "investigating", "Looking into it."));
        const StatuspageResult resolved = world.post(post_of("D-9@1", "resolved", "", first.incident_id));
        REQUIRE(resolved.delivery.done);
        const StatuspageIncident incident = world.only_incident();
        CHECK(incident.status == "resolved");
        REQUIRE(incident.updates.size() == 2);
        CHECK(incident.updates[1].status == "resolved");
        CHECK(incident.updates[1].body.empty());
    }
    SECTION("before any post") {
        const StatuspageResult resolved = world.post(post_of("D-9@1", "resolved", ""));
        CHECK(resolved.delivery.done);
        CHECK(resolved.incident_id.empty());
        CHECK(world.sim.incidents(kPage).empty());
        CHECK(world.sim.calls_of("create") == 0);
    }
}

TEST_CASE("statuspage: a wrong API key is refused with 401 and the key is never shown", "[statuspage]") {
    test::CapturedLog log;
    StatuspageWorld world;
    StatuspagePost post = post_of("D-1@1", "investigating", "Looking into it.");
    post.api_key = "sp-wrong-key-77aa1b";

    const StatuspageResult result = world.post(post);

    CHECK_FALSE(result.delivery.done);
    CHECK(result.delivery.refused);
    CHECK_THAT(result.delivery.problem, Contains(kWho) && Contains("401"));
    CHECK_THAT(result.delivery.problem, !Contains(post.api_key));
    CHECK_THAT(log.text(), !Contains(post.api_key));
    CHECK(world.sim.incidents(kPage).empty());
}

TEST_CASE("statuspage: an unknown page is refused with 404, and a stored incident deleted on the page is made anew",
          "[statuspage]") {
    StatuspageWorld world;
    StatuspagePost elsewhere = post_of("D-1@1", "investigating", "Looking into it.");
    elsewhere.page_id = "nosuchpage00";
    const StatuspageResult refused = world.post(elsewhere);
    CHECK(refused.delivery.refused);
    CHECK_THAT(refused.delivery.problem, Contains("404"));

    const StatuspageResult first = world.post(post_of("D-1@1", "investigating", "Looking into it."));
    world.sim.delete_incident(kPage, first.incident_id);
    const StatuspageResult second = world.post(post_of("D-2@1", "identified", "Found it.", first.incident_id));
    REQUIRE(second.delivery.done);
    CHECK(second.incident_id != first.incident_id);
    CHECK(world.only_incident().status == "identified");
}

TEST_CASE("statuspage: a 500 is not yet and the repeat succeeds, and a 429's Retry-After or a 420 is a wait",
          "[statuspage]") {
    test::CapturedLog log;
    StatuspageWorld world;
    world.sim.faults().fail(1, 500, "create");
    const StatuspageResult failed = world.post(post_of("D-1@1", "investigating", "Looking into it."));
    CHECK_FALSE(failed.delivery.done);
    CHECK_FALSE(failed.delivery.refused);
    CHECK_THAT(failed.delivery.problem, Contains("500"));
    check_key_hidden(failed, log);
    CHECK(world.post(post_of("D-1@1", "investigating", "Looking into it.")).delivery.done);
    CHECK(world.sim.creations() == 1);

    world.sim.faults().rate_limit(1, 9, "list");
    const StatuspageResult limited = world.post(post_of("D-2@1", "identified", "Found it."));
    CHECK_FALSE(limited.delivery.done);
    CHECK_FALSE(limited.delivery.refused);
    REQUIRE(limited.delivery.retry_after);
    CHECK(*limited.delivery.retry_after == 9s);

    // Statuspage's own rate limit answer.
    world.sim.faults().fail(1, 420, "update");
    const StatuspageResult enhance_your_calm = world.post(post_of("D-2@1", "identified", "Found it."));
    CHECK_FALSE(enhance_your_calm.delivery.done);
    CHECK_FALSE(enhance_your_calm.delivery.refused);
    CHECK_THAT(enhance_your_calm.delivery.problem, Contains("420") && Contains("rate limit"));
    CHECK(world.post(post_of("D-2@1", "identified", "Found it.")).delivery.done);
    CHECK(world.only_incident().status == "identified");
}

TEST_CASE("statuspage: an answer that is not the JSON expected is not yet, with a clear problem", "[statuspage]") {
    StatuspageWorld world;
    // A 200 whose body is an error object where the list of incidents belongs.
    world.sim.faults().fail(1, 200, "list");
    const StatuspageResult result = world.post(post_of("D-1@1", "investigating", "Looking into it."));
    CHECK_FALSE(result.delivery.done);
    CHECK_FALSE(result.delivery.refused);
    CHECK_THAT(result.delivery.problem, Contains(kWho) && Contains("not a list of incidents"));
    CHECK(world.sim.creations() == 0);
}

TEST_CASE("statuspage: a failed TLS handshake is not yet, and a status Statuspage does not know is refused unsent",
          "[statuspage]") {
    test::CapturedLog log;
    StatuspageWorld world;
    world.sim.faults().fail_handshakes(1);
    const StatuspageResult no_tls = world.post(post_of("D-1@1", "investigating", "Looking into it."));
    CHECK_FALSE(no_tls.delivery.done);
    CHECK_FALSE(no_tls.delivery.refused);
    CHECK_THAT(no_tls.delivery.problem, Contains("could not be reached"));
    check_key_hidden(no_tls, log);

    const StatuspageResult unknown = world.post(post_of("D-1@1", "fixed", "Done."));
    CHECK(unknown.delivery.refused);
    CHECK_THAT(unknown.delivery.problem, Contains("'fixed'"));
    CHECK(world.sim.calls().empty());
}
