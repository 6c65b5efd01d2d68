// The Slack app manifest an admin creates the app from (issue 4
// item 5): Socket Mode, both slash commands, interactivity, and only the bot
// scopes warroom uses.
#include <catch2/catch.hpp>

#include <algorithm>

#include "adapters/slack/manifest.hpp"
#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;
using nlohmann::json;

namespace {

const json* slash_command(const json& manifest, const std::string& name) {
    for (const json& command : manifest["features"]["slash_commands"])
        if (command["command"] == name) return &command;
    return nullptr;
}

}  // namespace

TEST_CASE("the manifest names the app and its always-online bot user") {
    const json manifest = slack::slack_manifest();
    CHECK(manifest["display_information"]["name"] == "warroom");
    CHECK_FALSE(manifest["display_information"]["description"].get<std::string>().empty());
    // Slack rejects a manifest whose short description is over 140 characters.
    CHECK(manifest["display_information"]["description"].get<std::string>().size() <= 140);
    CHECK(manifest["features"]["bot_user"]["display_name"] == "warroom");
    CHECK(manifest["features"]["bot_user"]["always_online"] == true);
}

TEST_CASE("the manifest declares /incident and /inc with escaped mentions") {
    const json manifest = slack::slack_manifest();
    CHECK(manifest["features"]["slash_commands"].size() == 2);
    for (const std::string name : {"/incident", "/inc"}) {
        INFO(name);
        const json* command = slash_command(manifest, name);
        REQUIRE(command);
        CHECK_FALSE((*command)["description"].get<std::string>().empty());
        CHECK_FALSE((*command)["usage_hint"].get<std::string>().empty());
        // The event parser relies on <@U0123|name>: without escaping Slack sends "@alice", a name that changes.
        CHECK((*command)["should_escape"] == true);
        // Socket Mode apps get commands over the socket, not at a request URL.
        CHECK_FALSE(command->contains("url"));
    }
}

TEST_CASE("the manifest turns Socket Mode and interactivity on") {
    const json manifest = slack::slack_manifest();
    CHECK(manifest["settings"]["socket_mode_enabled"] == true);
    CHECK(manifest["settings"]["interactivity"]["is_enabled"] == true);
    CHECK_FALSE(manifest["settings"]["interactivity"].contains("request_url"));
}

TEST_CASE("the manifest subscribes to member_left_channel, with the scopes Slack sends it under") {
    const json manifest = slack::slack_manifest();
    // Without the subscription Slack never says that the Crisis Lead left a channel.
    CHECK(manifest["settings"]["event_subscriptions"]["bot_events"] == json::array({"member_left_channel"}));
    // Socket Mode apps get events over the socket, not at a request URL.
    CHECK_FALSE(manifest["settings"]["event_subscriptions"].contains("request_url"));
    // Slack sends member_left_channel for public channels with channels:read, private ones with groups:read.
    const std::vector<std::string> scopes = manifest["oauth_config"]["scopes"]["bot"];
    for (const std::string needed : {"channels:read", "groups:read"}) {
        INFO(needed);
        CHECK(std::find(scopes.begin(), scopes.end(), needed) != scopes.end());
    }
}

TEST_CASE("the manifest asks for exactly the bot scopes warroom uses") {
    std::vector<std::string> scopes = slack::slack_manifest()["oauth_config"]["scopes"]["bot"];
    std::sort(scopes.begin(), scopes.end());
    const std::vector<std::string> expected = {"channels:history", "channels:manage", "channels:read", "chat:write",
                                               "commands",         "groups:history",  "groups:read",   "groups:write",
                                               "im:history",       "im:write",        "pins:write",
                                               "users:read"};
    CHECK(scopes == expected);
    CHECK_FALSE(slack::slack_manifest()["oauth_config"]["scopes"].contains("user"));
}

TEST_CASE("warroom slack-manifest prints the manifest as JSON, whatever the environment") {
    // A Slack token in the environment must not turn this into a bot run.
    const CommandResult result =
        run_command("SLACK_APP_TOKEN=xapp-test WARROOM_DB=/nonexistent/dir/x.db " + std::string(WARROOM_BINARY) +
                    " slack-manifest 2>&1");
    INFO(result.output);
    REQUIRE(result.status == 0);
    const json printed = json::parse(result.output, nullptr, false);
    REQUIRE_FALSE(printed.is_discarded());
    CHECK(printed == slack::slack_manifest());
    CHECK(result.output.find("\n  ") != std::string::npos);   // pretty, for an admin to read
}
