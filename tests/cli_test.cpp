// The command line as scripts, systemd and a new user meet it: usage errors
// exit 2 with the usage, global options work before or after the subcommand,
// --help says what no subcommand does and names the environment, and
// WARROOM_LOG_LEVEL is read in any case and refused when unknown.
#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "bot/config.hpp"
#include "console_support.hpp"
#include "fake_environment.hpp"

using namespace warroom;
using namespace warroom::test;

namespace {

// The bot with no platform chosen by the test's own environment, stderr and stdout together.
CommandResult warroom_run(const std::string& environment, const std::string& arguments) {
    return run_command("env -u SLACK_APP_TOKEN -u SLACK_APP_TOKEN_FILE -u MATRIX_HOMESERVER -u WARROOM_LOG_LEVEL "
                       "-u WARROOM_DB -u CREDENTIALS_DIRECTORY " +
                       environment + " " + std::string(WARROOM_BINARY) + " " + arguments + " 2>&1");
}

int exit_code(const CommandResult& run) { return WIFEXITED(run.status) ? WEXITSTATUS(run.status) : -1; }

const std::string kDeclare = "printf '/incident declare sev2 Leaked deploy key\\n' | ";

}  // namespace

TEST_CASE("cli: a usage error exits 2 and prints the usage, on stderr", "[cli]") {
    struct Case {
        const char* arguments;
        const char* says;
        const char* usage;
    };
    const Case cases[] = {
        {"consol", "unknown subcommand or argument", "Usage: warroom [OPTIONS] [SUBCOMMAND]"},
        {"--no-such-option", "--no-such-option", "Usage: warroom [OPTIONS] [SUBCOMMAND]"},
        {"export", "INCIDENT is required", "Usage: export [OPTIONS] INCIDENT"},
        {"export INC-1 --format", "--format", "Usage: export [OPTIONS] INCIDENT"},
        {"check-playbook", "FILE is required", "Usage: check-playbook [OPTIONS] FILE"},
        {"console --bogus", "--bogus", "Usage: console [OPTIONS]"},
        {"migrate-db --from a.db", "--to is required", "Usage: migrate-db [OPTIONS]"},
    };
    for (const Case& c : cases) {
        // stdout thrown away: the usage must be on stderr, where a script's user sees it.
        const CommandResult run = run_command(std::string(WARROOM_BINARY) + " " + c.arguments + " 2>&1 >/dev/null");
        INFO(c.arguments << "\n" << run.output);
        CHECK(exit_code(run) == 2);
        CHECK_THAT(run.output, Catch::Contains(c.says) && Catch::Contains(c.usage));
    }
}

TEST_CASE("cli: --help lists the subcommands, says what no subcommand does and names the environment", "[cli]") {
    const CommandResult run = run_command(std::string(WARROOM_BINARY) + " --help 2>/dev/null");
    INFO(run.output);
    CHECK(exit_code(run) == 0);
    for (const char* subcommand : {"console", "check-playbook", "export", "verify", "migrate-db", "slack-manifest"})
        CHECK_THAT(run.output, Catch::Contains("\n  " + std::string(subcommand) + " "));
    CHECK_THAT(run.output, Catch::Contains("With no subcommand it runs the bot"));
    // Every variable the bot reads is checked by the CTest "cli: --help names every variable the bot
    // reads" against the sources; here, the lines a newcomer looks for first.
    for (const char* variable : {"WARROOM_DB", "WARROOM_LOG_LEVEL", "SLACK_APP_TOKEN", "MATRIX_HOMESERVER",
                                 "HTTPS_PROXY", "NO_PROXY", "CREDENTIALS_DIRECTORY", "NAME_FILE"})
        CHECK_THAT(run.output, Catch::Contains(variable));

    const CommandResult sub = run_command(std::string(WARROOM_BINARY) + " export --help 2>/dev/null");
    CHECK(exit_code(sub) == 0);
    CHECK_THAT(sub.output, Catch::Contains("--format") && Catch::Contains("before or after the subcommand"));
}

TEST_CASE("cli: the global options work before and after the subcommand", "[cli]") {
    TempDir folder;
    const std::string before = (folder.path / "before.db").string();
    const std::string after = (folder.path / "after.db").string();
    // The same console run with --db on either side of `console`: each writes its own file.
    const CommandResult first = run_command("cd " + folder.path.string() + " && " + kDeclare +
                                            "env -u SLACK_APP_TOKEN -u MATRIX_HOMESERVER -u WARROOM_DB " +
                                            WARROOM_BINARY + " --db " + before + " console --script - 2>&1");
    INFO(first.output);
    CHECK(exit_code(first) == 0);
    const CommandResult second = run_command("cd " + folder.path.string() + " && " + kDeclare +
                                             "env -u SLACK_APP_TOKEN -u MATRIX_HOMESERVER -u WARROOM_DB " +
                                             WARROOM_BINARY + " console --script - --db " + after + " 2>&1");
    INFO(second.output);
    CHECK(exit_code(second) == 0);
    CHECK(std::filesystem::exists(before));
    CHECK(std::filesystem::exists(after));
    CHECK_FALSE(std::filesystem::exists(folder.path / "warroom.db"));   // neither fell back to the default

    // export with --db after the subcommand, before and after its positional: the incident is found.
    for (const std::string& arguments : {"export --db " + after + " INC-1", "export INC-1 --db " + after,
                                         "--db " + after + " export INC-1 --format json"}) {
        const CommandResult exported = warroom_run("", arguments);
        INFO(arguments << "\n" << exported.output);
        CHECK(exit_code(exported) == 0);
        CHECK_THAT(exported.output, Catch::Contains("Leaked deploy key"));
    }
}

TEST_CASE("cli: WARROOM_LOG_LEVEL in any case, and an unknown one stops the start naming the variable", "[cli][config]") {
    CHECK(parse_log_level("INFO") == std::optional<std::string>("info"));
    CHECK(parse_log_level("Warn") == std::optional<std::string>("warn"));
    CHECK(parse_log_level("WARNING") == std::optional<std::string>("warn"));
    CHECK(parse_log_level("err") == std::optional<std::string>("error"));
    CHECK(parse_log_level("Off") == std::optional<std::string>("off"));
    for (const char* wrong : {"", "verbose", "infoo", "3", "warn "}) CHECK_FALSE(parse_log_level(wrong));

    CHECK(load_config(std::nullopt, fake_environment({{"WARROOM_LOG_LEVEL", "DEBUG"}})).config->log_level == "debug");
    const ConfigLoad bad = load_config(std::nullopt, fake_environment({{"WARROOM_LOG_LEVEL", "verbose"}}));
    CHECK_FALSE(bad.config);
    CHECK_THAT(bad.error, Catch::Contains("WARROOM_LOG_LEVEL") && Catch::Contains("trace, debug, info, warn"));

    // The real executable: a database other users can read is warned about at
    // start, so the warning shows whether the level let it through.
    TempDir folder;
    const std::filesystem::path db = folder.path / "shared.db";
    { std::ofstream(db) << ""; }
    REQUIRE(::chmod(db.c_str(), 0644) == 0);
    const std::string console = "--db " + db.string() + " console --script /dev/null";
    const CommandResult upper = warroom_run("WARROOM_LOG_LEVEL=WARN", console);
    INFO(upper.output);
    CHECK(exit_code(upper) == 0);
    CHECK_THAT(upper.output, Catch::Contains("[warning] the database"));
    const CommandResult quieter = warroom_run("WARROOM_LOG_LEVEL=Error", console);
    INFO(quieter.output);
    CHECK(exit_code(quieter) == 0);
    CHECK_THAT(quieter.output, !Catch::Contains("[warning]"));

    const CommandResult typo = warroom_run("WARROOM_LOG_LEVEL=verbose", console);
    INFO(typo.output);
    CHECK(exit_code(typo) == 1);
    CHECK_THAT(typo.output, Catch::Contains("WARROOM_LOG_LEVEL must be one of trace, debug, info, warn, error, "
                                            "critical or off"));
}

TEST_CASE("cli: relative paths in the config file are relative to the file's folder", "[cli][config]") {
    TempDir folder;
    std::filesystem::create_directories(folder.path / "etc");
    std::filesystem::copy_file(std::filesystem::path(WARROOM_SOURCE_DIR) / "examples" / "playbook.json",
                               folder.path / "etc" / "playbook.json");
    for (const auto& scenario : std::filesystem::directory_iterator(std::filesystem::path(WARROOM_SOURCE_DIR) / "examples"))
        if (scenario.is_directory())
            std::filesystem::copy(scenario.path(), folder.path / "etc" / scenario.path().filename(),
                                  std::filesystem::copy_options::recursive);
    const std::filesystem::path config = folder.path / "etc" / "warroom.json";
    std::ofstream(config) << R"({"playbook": "playbook.json", "database": "state/warroom.db"})";
    std::filesystem::create_directories(folder.path / "etc" / "state");

    const ConfigLoad loaded = load_config(config.string(), fake_environment({}));
    REQUIRE(loaded.config);
    CHECK(loaded.config->playbook_path == (folder.path / "etc" / "playbook.json").string());
    CHECK(loaded.config->database == (folder.path / "etc" / "state" / "warroom.db").string());
    // Absolute paths and URLs are kept as written; the environment still wins.
    std::ofstream(config) << R"({"playbook": "/srv/p.json", "database": "postgresql://db/warroom"})";
    const ConfigLoad absolute = load_config(config.string(), fake_environment({}));
    REQUIRE(absolute.config);
    CHECK(absolute.config->playbook_path == "/srv/p.json");
    CHECK(absolute.config->database == "postgresql://db/warroom");
    CHECK(load_config(config.string(), fake_environment({{"WARROOM_PLAYBOOK", "here.json"}})).config->playbook_path ==
          "here.json");

    // The executable started from another folder finds both.
    std::ofstream(config) << R"({"playbook": "playbook.json", "database": "state/warroom.db"})";
    const CommandResult run = run_command("cd / && " + kDeclare +
                                          "env -u SLACK_APP_TOKEN -u MATRIX_HOMESERVER -u WARROOM_DB -u WARROOM_PLAYBOOK " +
                                          WARROOM_BINARY + " --config " + config.string() + " console --script - 2>&1");
    INFO(run.output);
    CHECK(exit_code(run) == 0);
    CHECK_THAT(run.output, Catch::Contains("INC-1"));
    CHECK(std::filesystem::exists(folder.path / "etc" / "state" / "warroom.db"));
}
