// Hostile text through Slack, where a slash command can carry line breaks the
// console cannot type: a title that would forge a heading is refused.
#include "slack_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

TEST_CASE("slack: a title with a line break is refused and nothing is declared", "[slack_bot][hostile]") {
    SlackWorld world;
    world.start();
    const std::string answer =
        world.command("alice", "general", "declare sev2 Phishing\n# Forged heading\n[login](javascript:x)");
    CHECK_THAT(answer, Contains("the title must be one line of text"));
    CHECK_FALSE(world.sim.channel_by_name("inc-1-phishing").has_value());
    // A one-line title still declares.
    CHECK_THAT(world.command("alice", "general", "declare sev2 Phishing"), Contains("Declared INC-1"));
}

TEST_CASE("slack: neither token reaches the database or an export", "[slack_bot][hostile]") {
    SlackWorld world;
    world.start();
    CHECK_THAT(world.command("alice", "general", "declare sev2 Leaked key"), Contains("Declared INC-1"));
    world.wait_until_member("inc-1-leaked-key", "alice");
    CHECK_THAT(world.command("alice", "inc-1-leaked-key", "note rotated the signing key"), Contains("Note recorded"));
    world.stop();
    world.observer.reset();
    // Every byte of the database and its WAL, as anyone holding the files would read them.
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) bytes += read_file(world.database.path.string() + suffix);
    REQUIRE(bytes.find("rotated the signing key") != std::string::npos);
    CHECK(bytes.find(world.sim.app_token()) == std::string::npos);
    CHECK(bytes.find(world.sim.bot_token()) == std::string::npos);
    const auto json = run_command(std::string(WARROOM_BINARY) + " --db '" + world.database.path.string() +
                                  "' export INC-1 --format json 2>&1");
    REQUIRE(json.output.find("rotated the signing key") != std::string::npos);
    CHECK(json.output.find(world.sim.app_token()) == std::string::npos);
    CHECK(json.output.find(world.sim.bot_token()) == std::string::npos);
}

TEST_CASE("slack: a server whose certificate no trusted CA signed is never spoken to", "[slack_bot][hostile]") {
    CapturedLog log;
    SlackWorld world;
    slack::SlackSettings settings;
    settings.app_token = world.sim.app_token();
    settings.bot_token = world.sim.bot_token();
    settings.api_url = world.sim.api_url();
    // No ca_file: the system's store, which does not know the simulator's own CA.
    settings.reconnect_backoff_max = 1s;
    settings.retry_backoff_max = 1s;
    world.run_bot(settings);
    REQUIRE(world.sim.wait_for([&] { return log.text().find("certificate verify failed") != std::string::npos; },
                               15s));
    world.stop();
    CHECK(world.sim.connections_opened() == 0);
    CHECK(log.text().find(world.sim.bot_token()) == std::string::npos);
    CHECK(log.text().find(world.sim.app_token()) == std::string::npos);
}
