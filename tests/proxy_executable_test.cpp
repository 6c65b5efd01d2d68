// The warroom executable takes HTTPS_PROXY from its environment: every
// connection to Slack (the Web API and the Socket Mode WebSocket) goes
// through the proxy's tunnel, with the credentials from the URL, and the
// password is in no log line. A proxy URL it cannot use stops the start.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include "child_process.hpp"
#include "sim_common/connect_proxy.hpp"
#include "slack_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

TEST_CASE("proxy: the warroom executable reaches Slack only through HTTPS_PROXY", "[proxy][slack_bot]") {
    SlackWorld world;
    sim_common::ConnectProxy proxy(sim_common::ProxyCredentials{"ops", "pr0xy-s3cret"});
    TempDir folder;
    world.write_playbook(folder.path / "playbook.json");
    const auto log = folder.path / "warroom.log";
    std::vector<std::string> environment = world.executable_environment(folder.path / "playbook.json");
    environment.insert(environment.end(),
                       {"SLACK_APP_TOKEN=" + world.sim.app_token(), "SLACK_BOT_TOKEN=" + world.sim.bot_token(),
                        "HTTPS_PROXY=http://ops:pr0xy-s3cret@127.0.0.1:" + std::to_string(proxy.port()),
                        "WARROOM_LOG_LEVEL=info"});
    const auto [connected, answer, status, logged] = world.run_executable(environment, log);
    INFO(logged);
    CHECK(connected);
    CHECK_THAT(answer, Contains("INC-1"));
    CHECK(WIFEXITED(status));
    // Every connection the bot opened was a tunnel through the proxy, with the right credentials.
    const auto requests = proxy.requests();
    REQUIRE(requests.size() >= 2);   // the Web API and the WebSocket at least
    for (const auto& request : requests) {
        CHECK(request.method == "CONNECT");
        CHECK(request.target.rfind("localhost:", 0) == 0);
        CHECK(request.credentials_right);
    }
    CHECK_THAT(logged, Contains("through the proxy http://ops:***@127.0.0.1:"));
    CHECK_THAT(logged, !Contains("pr0xy-s3cret"));
}

TEST_CASE("proxy: a proxy URL warroom cannot use stops the start, naming the variable", "[proxy]") {
    TempDir folder;
    const CommandResult run = run_command(
        "env -u MATRIX_HOMESERVER -u https_proxy SLACK_APP_TOKEN=xapp-1 SLACK_BOT_TOKEN=xoxb-1 "
        "HTTPS_PROXY=socks5://user:hunter2@proxy:1080 WARROOM_DB=" +
        (folder.path / "w.db").string() + " " + WARROOM_BINARY + " 2>&1");
    INFO(run.output);
    REQUIRE(WIFEXITED(run.status));
    CHECK(WEXITSTATUS(run.status) == 1);
    CHECK_THAT(run.output, Contains("HTTPS_PROXY"));
    CHECK_THAT(run.output, !Contains("hunter2") && !Contains("connecting to Slack"));
}
