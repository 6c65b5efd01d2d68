// `warroom export INC-N --format md|json`, through the real
// executable on a database a bot wrote, and export_incident() in process.
#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "bot/export.hpp"
#include "console_support.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;
using namespace std::chrono_literals;

namespace {

const std::string kMain = "inc-1-payroll-phishing";

// A short response, resolved: declared at T0 (11:06 UTC), D-1 drafted at +5m and
// approved at +20m, mitigated at +1h, resolved at +1h30m; a root cause and an action item.
// Returns the number of timeline entries it left.
std::size_t write_incident(const std::string& database) {
    Harness h(bundled_playbook(), database);
    ok(h, "alice", "general", "/incident declare sev2 Payroll phishing");
    h.advance(5min);
    ok(h, "alice", kMain, "/incident draft employees Do not open mail about payroll changes today.");
    h.advance(15min);
    ok(h, "alice", kMain, "/incident approve D-1");
    h.drain();
    h.advance(40min);
    ok(h, "alice", kMain, "/incident status mitigated");
    h.advance(30min);
    ok(h, "alice", kMain, "/incident status resolved");
    ok(h, "alice", kMain, "/incident rootcause Lookalike-domain filter was off");
    ok(h, "alice", kMain, "/incident action Turn the filter on @bob");
    h.drain();
    return h.timeline(1).size();
}

std::string export_command(const TempDatabase& db, const std::string& arguments) {
    return std::string(WARROOM_BINARY) + " --db '" + db.path.string() + "' export " + arguments;
}

}  // namespace

TEST_CASE("warroom export prints the review as Markdown, by default and with --format md", "[export]") {
    TempDatabase db;
    write_incident(db.path.string());

    for (const std::string arguments : {"INC-1", "INC-1 --format md", "inc-1 --format md"}) {
        INFO(arguments);
        const auto run = run_command(export_command(db, arguments) + " 2>/dev/null");
        CHECK(run.status == 0);
        const std::string& md = run.output;
        CHECK(md.rfind("# Post-incident review: INC-1 · Payroll phishing\n", 0) == 0);
        CHECK_THAT(md, Contains("- Total duration: 1h 30m\n"));
        CHECK_THAT(md, Contains("- First approved communication: 2026-11-18 11:26 UTC (20m 00s after declaration)\n"));
        CHECK_THAT(md, Contains("- Mitigated: 2026-11-18 12:06 UTC (1h 00m after declaration)\n"));
        CHECK_THAT(md, Contains("- Resolved: 2026-11-18 12:36 UTC (1h 30m after declaration)\n"));
        CHECK_THAT(md, Contains("- Channel: #announcements\n"));
        CHECK_THAT(md, Contains("- Approval latency: 15m 00s\n"));
        CHECK_THAT(md, Contains("> Do not open mail about payroll changes today.\n"));
        CHECK_THAT(md, Contains("## Root cause\nLookalike-domain filter was off\n"));
        CHECK_THAT(md, Contains("- A-1: Turn the filter on — owner @bob"));
    }
}

TEST_CASE("warroom export --format json prints the full record for tools", "[export]") {
    TempDatabase db;
    const std::size_t entries = write_incident(db.path.string());

    const auto run = run_command(export_command(db, "INC-1 --format json") + " 2>/dev/null");
    REQUIRE(run.status == 0);
    const nlohmann::json j = nlohmann::json::parse(run.output);
    const std::int64_t t0 = to_unix_ms(kTestStart);
    CHECK(j["incident"]["id"] == "INC-1");
    CHECK(j["incident"]["status"] == "resolved");
    CHECK(j["incident"]["declared_at"]["unix_ms"] == t0);
    CHECK(j["incident"]["duration_seconds"] == 90 * 60);
    CHECK(j["key_times"]["first_approved_communication"]["seconds_from_declaration"] == 20 * 60);
    CHECK(j["key_times"]["mitigated"]["unix_ms"] == t0 + 60 * 60'000);
    CHECK(j["key_times"]["resolved"]["utc"] == "2026-11-18T12:36:40.000Z");
    CHECK(j["communications"][0]["approval_latency_seconds"] == 15 * 60);
    CHECK(j["communications"][0]["channel"] == "#announcements");
    CHECK(j["action_items"][0]["owner"] == "bob");
    CHECK(j["timeline"].size() == entries);
    CHECK(j["timeline"][0]["kind"] == "declared");
    CHECK(j["timeline"][0]["phase"] == "detect");
}

TEST_CASE("warroom export says what is wrong: unknown incident, unknown format, no database", "[export]") {
    TempDatabase db;
    write_incident(db.path.string());

    const auto unknown = run_command(export_command(db, "INC-9") + " 2>&1");
    CHECK(unknown.status != 0);
    CHECK_THAT(unknown.output, Contains("INC-9 does not exist in this database; it holds only INC-1"));

    const auto format = run_command(export_command(db, "INC-1 --format pdf") + " 2>&1");
    CHECK(format.status != 0);
    CHECK_THAT(format.output, Contains("unknown export format \"pdf\"; use --format md"));

    const auto not_an_id = run_command(export_command(db, "payroll") + " 2>&1");
    CHECK(not_an_id.status != 0);
    CHECK_THAT(not_an_id.output, Contains("\"payroll\" is not an incident id; write it like: warroom export INC-7"));

    // A mistyped path must not leave an empty database behind.
    TempDatabase missing;
    const auto no_db = run_command(export_command(missing, "INC-1") + " 2>&1");
    CHECK(no_db.status != 0);
    CHECK_THAT(no_db.output, Contains("there is no database at " + missing.path.string()));
    CHECK_FALSE(std::filesystem::exists(missing.path));
}

TEST_CASE("an export of an open incident says it is still open", "[export]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev2 Payroll phishing");
    h.advance(10min);
    ok(h, "alice", kMain, "/incident status mitigating");

    std::ostringstream md, json, err;
    REQUIRE(export_incident(*h.store, IncidentId{1}, "md", md, err) == 0);
    CHECK_THAT(md.str(), Contains("- Final status: mitigating\n"));
    CHECK_THAT(md.str(), Contains("- Total duration: — (still open)\n"));
    CHECK_THAT(md.str(), Contains("- Resolved: —\n"));
    REQUIRE(export_incident(*h.store, IncidentId{1}, "json", json, err) == 0);
    const nlohmann::json j = nlohmann::json::parse(json.str());
    CHECK(j["incident"]["duration_seconds"].is_null());
    CHECK(j["key_times"]["resolved"].is_null());
    CHECK(err.str().empty());

    std::ostringstream none, why;
    CHECK(export_incident(*h.store, IncidentId{2}, "md", none, why) == 1);
    CHECK(none.str().empty());
    CHECK(why.str() == "warroom: INC-2 does not exist in this database; it holds only INC-1\n");
}
