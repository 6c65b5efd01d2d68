// `warroom migrate-db --from A --to B`: everything moves, ids included, into
// an empty database only; the bot continues on the target where it stopped,
// and a publish pending at the move is performed once, on the target.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "bot/migrate_db.hpp"
#include "console_support.hpp"
#include "postgres_cluster.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

namespace {

const std::string kMain = "inc-1-payroll-phishing-campaign";

CommandResult warroom_command(const std::string& arguments) {
    return run_command(std::string(WARROOM_BINARY) + " " + arguments + " 2>&1");
}

// The record of INC-1 as `export --format json` gives it, without the moment of the export.
nlohmann::json exported_record(const std::string& database) {
    const CommandResult json = warroom_command("--db '" + database + "' export INC-1 --format json");
    REQUIRE(json.status == 0);
    nlohmann::json record = nlohmann::json::parse(json.output);
    record.erase("generated_at");
    return record;
}

}  // namespace

TEST_CASE("migrate-db moves the example incident from SQLite to PostgreSQL and the bot continues there",
          "[migrate][postgresql]") {
    TempDatabase sqlite;
    const std::string script = std::string(WARROOM_SOURCE_DIR) + "/examples/full-incident.txt";
    REQUIRE(warroom_command("--db '" + sqlite.path.string() + "' console --script '" + script + "'").status == 0);
    const std::string postgres = fresh_postgres_database();

    const CommandResult moved =
        warroom_command("migrate-db --from '" + sqlite.path.string() + "' --to '" + postgres + "'");
    INFO(moved.output);
    REQUIRE(moved.status == 0);
    CHECK_THAT(moved.output, Contains("incidents: 1\n"));
    CHECK_THAT(moved.output, Contains("drafts: 2\n"));
    CHECK_THAT(moved.output, Contains("from sqlite to postgresql"));

    // The same record, and its audit chain verifies on the new database.
    CHECK(exported_record(postgres) == exported_record(sqlite.path.string()));
    CHECK_THAT(warroom_command("--db '" + postgres + "' export INC-1 --verify").output, Contains("verified"));

    // The bot goes on there: the same incident, the next draft number, nothing pending replayed.
    const CommandResult more = run_command(
        "printf '%s\\n' '#" + kMain + " alice: /incident note moved to PostgreSQL' '#" + kMain +
        " alice: /incident draft exec Containment holds.' | " + WARROOM_BINARY + " --db '" + postgres +
        "' console 2>&1");
    INFO(more.output);
    CHECK_THAT(more.output, Contains("Note recorded"));
    CHECK_THAT(more.output, Contains("D-3"));
    CHECK_THAT(more.output, !Contains("Declared"));
    CHECK(exported_record(postgres)["timeline"].size() == exported_record(sqlite.path.string())["timeline"].size() + 2);

    // A second move into the now busy database is refused, and leaves it as it was.
    const nlohmann::json before = exported_record(postgres);
    const CommandResult again =
        warroom_command("migrate-db --from '" + sqlite.path.string() + "' --to '" + postgres + "'");
    CHECK(again.status != 0);
    CHECK_THAT(again.output, Contains("not empty"));
    CHECK(exported_record(postgres) == before);
}

TEST_CASE("migrate-db refuses a source that does not exist and creates nothing", "[migrate]") {
    TempDatabase missing, target;
    const CommandResult result =
        warroom_command("migrate-db --from '" + missing.path.string() + "' --to '" + target.path.string() + "'");
    CHECK(result.status != 0);
    CHECK_THAT(result.output, Contains("there is no database at " + missing.path.string()));
    CHECK_FALSE(std::filesystem::exists(missing.path));
}

namespace {

// A publish approved but not yet performed when the bot stopped is moved to
// `target` and performed there once.
void pending_publish_moves(const std::string& target) {
    TempDatabase source;
    {
        Harness h(bundled_playbook(), source.path.string());
        REQUIRE(h.say("alice", "general", "/incident declare sev2 Payroll phishing campaign").kind == Reply::Kind::ok);
        REQUIRE(h.say("alice", kMain, "/incident draft exec Payroll mail is phishing.").kind == Reply::Kind::ok);
        h.drain();
        REQUIRE(h.say("alice", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        // Stopped before the outbox was drained: the publish is still to do.
    }
    {
        auto from = open_store(source.path.string());
        auto to = open_store(target);
        const CopiedRows copied = copy_database(*from, *to);
        CHECK(std::find(copied.begin(), copied.end(), std::pair<std::string_view, std::int64_t>{"incidents", 1}) !=
              copied.end());
    }
    Harness moved(bundled_playbook(), target);
    moved.drain();
    CHECK(publishes(moved.performer.effects()).size() == 1);
    moved.drain();
    CHECK(publishes(moved.performer.effects()).size() == 1);
    auto tx = moved.store->begin();
    CHECK(tx->draft(DraftId{1})->state == DraftState::published);
    CHECK(tx->pending_jobs(10).empty());
}

}  // namespace

TEST_CASE("a publish pending at the move is performed once, on the new database", "[migrate]") {
    TempDatabase target;
    pending_publish_moves(target.path.string());
}

// PostgreSQL claims lanes: the target gets the lanes of the pending jobs, free.
TEST_CASE("a publish pending at the move to PostgreSQL is performed once there", "[migrate][postgresql]") {
    pending_publish_moves(fresh_postgres_database());
}
