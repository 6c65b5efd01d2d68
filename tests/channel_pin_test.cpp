// Audience channels are pinned by what a platform cannot give to someone
// else (bot/channel_pin.hpp); the approvals that would publish elsewhere are
// refused up front, the playbook accepts the pinned forms.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "bot/channel_pin.hpp"
#include "bot/playbook.hpp"
#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

TEST_CASE("the pinned forms of a channel on Slack and Matrix", "[pins]") {
    CHECK(is_slack_channel_id("C0123ABCD"));
    CHECK(is_slack_channel_id("G01234567"));
    CHECK_FALSE(is_slack_channel_id("press-office"));
    CHECK_FALSE(is_slack_channel_id("C0123abcd"));
    CHECK_FALSE(is_slack_channel_id("C012"));
    CHECK(is_matrix_room_id("!abc123:example.org"));
    CHECK_FALSE(is_matrix_room_id("!abc123"));
    CHECK(is_matrix_alias("#press-office:example.org"));
    CHECK_FALSE(is_matrix_alias("#press-office"));
    CHECK_FALSE(is_matrix_alias("#press office:example.org"));
    CHECK(matrix_server_of("#press-office:example.org") == "example.org");
}

TEST_CASE("what each platform accepts as an audience channel, and what it says otherwise", "[pins]") {
    const ChannelPins console;
    const ChannelPins slack{ChannelPins::Platform::slack, ""};
    const ChannelPins matrix{ChannelPins::Platform::matrix, "example.org"};
    CHECK(unpinned_problem(console, ChannelName{"press-office"}, "press").empty());
    CHECK(unpinned_problem(slack, ChannelName{"C0PRESS01"}, "press").empty());
    CHECK_THAT(unpinned_problem(slack, ChannelName{"press-office"}, "press"),
               Contains("\"press-office\", is a name, which anyone can give a channel on Slack") &&
                   Contains("\"channel\": \"C0123ABCD\""));
    CHECK(unpinned_problem(matrix, ChannelName{"!room:elsewhere.org"}, "press").empty());
    CHECK(unpinned_problem(matrix, ChannelName{"#press-office:example.org"}, "press").empty());
    CHECK_THAT(unpinned_problem(matrix, ChannelName{"#press-office:elsewhere.org"}, "press"),
               Contains("an alias on another server than warroom's (example.org)"));
    CHECK_THAT(unpinned_problem(matrix, ChannelName{"press-office"}, "press"),
               Contains("\"channel\": \"#press:example.org\""));
}

TEST_CASE("the playbook accepts a pinned channel and still refuses a bare '#name'", "[pins][playbook]") {
    auto json = nlohmann::ordered_json::parse(bundled_playbook_json());
    json["audiences"]["press"]["channel"] = "C0PRESS01";
    json["audiences"]["customers"]["channel"] = "#customer-comms:example.org";
    json["audiences"]["exec"]["channel"] = "!execroom:example.org";
    PlaybookLoad loaded = parse_playbook(json.dump());
    REQUIRE(loaded.playbook);
    CHECK(loaded.playbook->audience("press")->channel == ChannelName{"C0PRESS01"});
    CHECK(loaded.playbook->audience("customers")->channel == ChannelName{"#customer-comms:example.org"});
    json["audiences"]["press"]["channel"] = "#press-office";
    loaded = parse_playbook(json.dump());
    CHECK_FALSE(loaded.playbook);
}

TEST_CASE("on a platform that pins, a draft, an approval or an escalation to a named channel is refused up front",
          "[pins][console]") {
    TempDatabase db;
    SimulatedConsole console(db.path, from_unix_ms(1'795'000'000'000));
    console.script("alice: /incident declare sev2 Outage\n"
                   "#inc-1-outage alice: /incident draft press Holding statement\n");
    // The same bot on Slack, with the bundled playbook's plain names.
    console.engine.use_channel_pins({ChannelPins::Platform::slack, ""});
    console.out.str("");
    console.script("#inc-1-outage alice: /incident approve D-1\n"
                   "#inc-1-outage alice: /incident draft employees We are looking into it\n"
                   "#inc-1-outage alice: /incident escalate Take the payroll system offline\n");
    const std::string out = console.out.str();
    INFO(out);
    CHECK_THAT(out, Contains("error: D-1 cannot be published: the playbook's channel for press, \"press-office\", is "
                             "a name"));
    CHECK_THAT(out, Contains("Nothing was approved; it waits"));
    CHECK_THAT(out, Contains("error: a draft for employees could not be published"));
    CHECK_THAT(out, Contains("error: the executives could not be asked"));
    CHECK(console.store->begin()->draft(DraftId{1})->state == DraftState::pending);
    CHECK_THAT(out, !Contains("#press-office <warroom>"));
}
