// The chat tokens and every other secret come from where operators keep them:
// the variable, NAME_FILE (Docker secrets), or systemd's
// $CREDENTIALS_DIRECTORY/NAME (LoadCredential=); a file its group or others
// can read is refused with the reason, and the value is never repeated.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "bot/secrets.hpp"
#include "child_process.hpp"
#include "fake_environment.hpp"
#include "slack_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

namespace {

std::string write_secret_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path.string();
}

}  // namespace

TEST_CASE("secrets: the variable wins, then NAME_FILE, then the systemd credential", "[secrets]") {
    TempDir folder;
    const std::string file = write_secret_file(folder.path / "token", "from-file\n", 0600);
    std::filesystem::create_directories(folder.path / "credentials");
    write_secret_file(folder.path / "credentials" / "SLACK_BOT_TOKEN", "from-systemd", 0600);
    const std::string credentials = (folder.path / "credentials").string();

    CHECK(read_secret("SLACK_BOT_TOKEN", fake_environment({{"SLACK_BOT_TOKEN", "from-variable"},
                                                            {"SLACK_BOT_TOKEN_FILE", file},
                                                            {"CREDENTIALS_DIRECTORY", credentials}}))
              .value == "from-variable");
    CHECK(read_secret("SLACK_BOT_TOKEN",
                      fake_environment({{"SLACK_BOT_TOKEN_FILE", file}, {"CREDENTIALS_DIRECTORY", credentials}}))
              .value == "from-file");
    CHECK(read_secret("SLACK_BOT_TOKEN", fake_environment({{"CREDENTIALS_DIRECTORY", credentials}})).value ==
          "from-systemd");

    const Secret nowhere = read_secret("MATRIX_PASSWORD", fake_environment({{"CREDENTIALS_DIRECTORY", credentials}}));
    CHECK(nowhere.absent);
    CHECK_THAT(nowhere.problem, Contains("MATRIX_PASSWORD is not set") && Contains("MATRIX_PASSWORD_FILE") &&
                                    Contains("$CREDENTIALS_DIRECTORY"));

    // Offered at all: what chooses Slack before the token is read and checked.
    CHECK(secret_offered("SLACK_APP_TOKEN", fake_environment({{"SLACK_APP_TOKEN_FILE", file}})));
    CHECK(platform_from(fake_environment({{"SLACK_APP_TOKEN_FILE", file}})) == Platform::slack);
    CHECK(platform_from(fake_environment({{"CREDENTIALS_DIRECTORY", credentials}})) == Platform::console);
    write_secret_file(folder.path / "credentials" / "SLACK_APP_TOKEN", "xapp-1", 0600);
    CHECK(platform_from(fake_environment({{"CREDENTIALS_DIRECTORY", credentials}})) == Platform::slack);
}

TEST_CASE("secrets: a file its group or others can read, an empty one or a missing one is refused, saying why",
          "[secrets]") {
    TempDir folder;
    struct Case {
        const char* text;
        mode_t mode;
        const char* says;
    };
    for (const Case& c : {Case{"xoxb-shared\n", 0644, "its group or other users can read: chmod 600"},
                          Case{"xoxb-shared\n", 0640, "its group or other users can read: chmod 600"},
                          Case{"\n", 0600, "which is empty"}}) {
        const std::string file = write_secret_file(folder.path / "token", c.text, c.mode);
        const Secret secret = read_secret("SLACK_BOT_TOKEN", fake_environment({{"SLACK_BOT_TOKEN_FILE", file}}));
        INFO(secret.problem);
        CHECK_FALSE(secret.found());
        CHECK_FALSE(secret.absent);   // offered, so the bot stops rather than run without it
        CHECK_THAT(secret.problem, Contains("SLACK_BOT_TOKEN_FILE names " + file) && Contains(c.says));
        CHECK_THAT(secret.problem, !Contains("xoxb-shared"));
    }
    const Secret missing =
        read_secret("SLACK_BOT_TOKEN", fake_environment({{"SLACK_BOT_TOKEN_FILE", (folder.path / "nope").string()}}));
    CHECK_THAT(missing.problem, Contains("cannot be read"));
    CHECK_FALSE(missing.absent);
}

TEST_CASE("secrets: the warroom executable signs in to Slack with tokens from files and stops on SIGTERM at info",
          "[secrets][slack_bot]") {
    SlackWorld world;
    TempDir folder;
    world.write_playbook(folder.path / "playbook.json");
    const auto log = folder.path / "warroom.log";
    const std::string app_file = write_secret_file(folder.path / "app-token", world.sim.app_token() + "\n", 0600);
    std::filesystem::create_directories(folder.path / "credentials");
    write_secret_file(folder.path / "credentials" / "SLACK_BOT_TOKEN", world.sim.bot_token(), 0400);
    // No token in the environment itself: one from a file, one from systemd's credentials.
    std::vector<std::string> environment = world.executable_environment(folder.path / "playbook.json");
    environment.insert(environment.end(), {"SLACK_APP_TOKEN_FILE=" + app_file,
                                           "CREDENTIALS_DIRECTORY=" + (folder.path / "credentials").string(),
                                           "WARROOM_LOG_LEVEL=INFO"});
    const auto [connected, answer, status, logged] = world.run_executable(environment, log);
    INFO(logged);
    CHECK(connected);
    CHECK_THAT(answer, Contains("INC-1"));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // A normal stop is news, not a problem.
    CHECK_THAT(logged, Contains("[info] SIGTERM received"));
    CHECK_THAT(logged, !Contains("[warning] SIGTERM") && !Contains("[warning] signal"));
    CHECK_THAT(logged, !Contains(world.sim.app_token()) && !Contains(world.sim.bot_token()));
}

TEST_CASE("secrets: a token file others can read stops the start before anything connects", "[secrets]") {
    TempDir folder;
    const std::string file = write_secret_file(folder.path / "bot-token", "xoxb-should-stay-private\n", 0644);
    const CommandResult run =
        run_command("env -u MATRIX_HOMESERVER -u SLACK_BOT_TOKEN -u CREDENTIALS_DIRECTORY SLACK_APP_TOKEN=xapp-1 "
                    "SLACK_API_URL=https://127.0.0.1:1/api/ SLACK_BOT_TOKEN_FILE=" +
                    file + " WARROOM_DB=" + (folder.path / "w.db").string() + " " + WARROOM_BINARY + " 2>&1");
    INFO(run.output);
    REQUIRE(WIFEXITED(run.status));
    CHECK(WEXITSTATUS(run.status) == 1);
    CHECK_THAT(run.output, Contains("SLACK_BOT_TOKEN_FILE names " + file) && Contains("chmod 600"));
    CHECK_THAT(run.output, !Contains("xoxb-should-stay-private") && !Contains("connecting to Slack"));
}
