// `warroom --version`: the project's version (CMake's PROJECT_VERSION), for
// packages and bug reports; nothing else runs.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include "console_support.hpp"

using namespace warroom::test;

TEST_CASE("warroom --version prints the version and exits 0", "[version]") {
    // A Slack token and an unusable database must not turn it into a bot run.
    const CommandResult run = run_command("SLACK_APP_TOKEN=xapp-test WARROOM_DB=/nonexistent/dir/x.db " +
                                          std::string(WARROOM_BINARY) + " --version 2>&1");
    INFO(run.output);
    REQUIRE(WIFEXITED(run.status));
    CHECK(WEXITSTATUS(run.status) == 0);
    CHECK(run.output == std::string(WARROOM_EXPECTED_VERSION) + "\n");
}
