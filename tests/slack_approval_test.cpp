// The approval gate through the Slack simulator: approvers
// decide with the card's buttons, a click on the card of an older revision is
// refused and that card says it is outdated, and guests and Slack Connect
// users cannot declare or approve. What is approved goes only to the channel
// the playbook pins by its id, and a card links nothing people typed.
#include "slack_support.hpp"

#include <algorithm>

#include "captured_log.hpp"

namespace warroom::test {
namespace {

const std::string kMain = "inc-1-lost-laptop";

std::size_t count_containing(const std::vector<slack_sim::SimMessage>& messages, const std::string& text) {
    return static_cast<std::size_t>(std::count_if(messages.begin(), messages.end(),
                                                  [&](const auto& m) { return m.text.find(text) != std::string::npos; }));
}

bool told_privately(SlackWorld& world, const std::string& channel, const std::string& user, const std::string& text) {
    for (const auto& m : world.posts_in(channel, true))
        if (m.ephemeral_to == world.id(user) && m.text.find(text) != std::string::npos) return true;
    return false;
}

// Declares INC-1, drafts for the press and gives both approvals (the Crisis Lead's and pr's).
void approve_press_draft(SlackWorld& world, const std::string& text) {
    CHECK_THAT(world.command("alice", "general", "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    world.wait_until_member(kMain, "alice");
    CHECK_THAT(world.command("alice", kMain, "draft press " + text), Catch::Contains("D-1"));
    world.wait_until_member(kMain, "pat");
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Catch::Contains("Approved D-1"));
    CHECK_THAT(world.command("pat", kMain, "approve D-1"), Catch::Contains("Approved D-1"));
}

// The admin renamed the pinned press channel, and bob gave a new channel of his the freed name and let
// warroom in: a lookup by name would find his. Returns the squatter's id.
std::string squat_press_office(SlackWorld& world, const std::string& press) {
    world.sim.rename_channel(press, "press-releases");
    return world.sim.add_channel("press-office", false, {world.id("bob"), world.sim.bot_user_id()});
}

}  // namespace

TEST_CASE("Slack: pr approves a press draft with the card's button, and a click on an outdated card is refused",
          "[slack_bot][approval]") {
    SlackWorld world;
    auto& sim = world.sim;
    world.start();
    CHECK_THAT(world.command("alice", "general", "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    const auto main = world.channel_named(kMain);
    world.wait_until_member(kMain, "alice");
    CHECK_THAT(world.command("alice", kMain, "draft press First statement"), Catch::Contains("D-1"));
    // pat, of pr, is invited to where the card is; the card names both approvals needed.
    world.wait_until_member(kMain, "pat");
    const auto first = world.wait_for_card(kMain, "D-1@1");
    CHECK_THAT(first.blocks.dump(), Catch::Contains("needs one of pr: <@" + world.id("pat") + ">"));

    CHECK_THAT(world.command("alice", kMain, "changes D-1 shorter"), Catch::Contains("Requested changes"));
    CHECK_THAT(world.command("alice", kMain, "revise D-1 Second statement"), Catch::Contains("revision 2"));
    const auto second = world.wait_for_card(kMain, "D-1@2");
    // The card of revision 1 says it is outdated, and has no buttons any more.
    REQUIRE(sim.wait_for([&] {
        return sim.message(main.id, first.ts)->blocks.dump().find("Outdated") != std::string::npos;
    }, 15s));
    CHECK_THAT(sim.message(main.id, first.ts)->blocks.dump(), !Catch::Contains("warroom.approve"));

    // A client still showing revision 1's card: the click is refused, privately, and nothing is published.
    sim.click_as_shown(world.id("pat"), main.id, first.ts, "warroom.approve", first.blocks);
    CHECK(sim.wait_for([&] { return told_privately(world, kMain, "pat", "D-1 changed since that card"); }, 15s));
    CHECK(world.posts_in("press-office").empty());

    // pat approves the new card: it waits for alice, and says who approved.
    sim.click(world.id("pat"), main.id, second.ts, "warroom.approve");
    REQUIRE(sim.wait_for([&] {
        return sim.message(main.id, second.ts)->blocks.dump().find("(pr) approved") != std::string::npos;
    }, 15s));
    CHECK(world.posts_in("press-office").empty());
    sim.click(world.id("alice"), main.id, second.ts, "warroom.approve");
    REQUIRE(sim.wait_for([&] { return count_containing(world.posts_in("press-office"), "Second statement") == 1; }, 20s));
    CHECK(count_containing(world.posts_in("press-office"), "First statement") == 0);
}

TEST_CASE("Slack: a guest and a Slack Connect user cannot declare or approve, and users.info is asked once each",
          "[slack_bot][approval]") {
    SlackWorld world;
    auto& sim = world.sim;
    sim.describe_user(world.id("pat"), true, false, "");           // pr's member, but a guest
    sim.describe_user(world.id("cora"), false, false, "T0OTHER");  // customer-comms', from a shared channel
    world.start();

    CHECK_THAT(world.command("pat", "general", "declare sev3 Lost laptop"),
               Catch::Contains("cannot declare, lead or approve"));
    CHECK_THAT(world.command("cora", "general", "declare sev3 Lost laptop"),
               Catch::Contains("cannot declare, lead or approve"));
    CHECK_FALSE(sim.channel_by_name(kMain));

    CHECK_THAT(world.command("alice", "general", "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    const auto main = world.channel_named(kMain);
    world.wait_until_member(kMain, "alice");
    CHECK_THAT(world.command("alice", kMain, "lead @cora"), Catch::Contains("cannot be the Crisis Lead"));
    CHECK_THAT(world.command("alice", kMain, "draft press Holding statement"), Catch::Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Catch::Contains("published once"));
    world.wait_until_member(kMain, "pat");
    const auto card = world.wait_for_card(kMain, "D-1@1");
    sim.click(world.id("pat"), main.id, card.ts, "warroom.approve");
    CHECK(sim.wait_for([&] { return told_privately(world, kMain, "pat", "cannot declare, lead or approve"); }, 15s));
    CHECK(world.posts_in("press-office").empty());

    std::size_t asked_about_pat = 0;
    for (const auto& call : sim.api_calls())
        asked_about_pat += call.method == "users.info" && call.args.value("user", "") == world.id("pat");
    CHECK(asked_about_pat == 1);
}

TEST_CASE("Slack: an audience channel pinned by its id gets the publish even renamed and with a squatter holding its name",
          "[slack_bot][approval]") {
    SlackWorld world;
    auto& sim = world.sim;
    const std::string press = world.audience_channels.at("press-office");
    const std::string squatter = squat_press_office(world, press);
    world.start();
    approve_press_draft(world, "Holding statement");

    REQUIRE(sim.wait_for([&] { return count_containing(sim.messages(press), "Holding statement") == 1; }, 20s));
    CHECK(sim.messages(squatter).empty());
    // Pinned, the channel is never looked for by name.
    for (const auto& call : sim.api_calls()) CHECK(call.method != "conversations.list");
}

TEST_CASE("Slack: an audience channel the playbook names instead of pinning gets nothing, and the author is told "
          "how to pin it", "[slack_bot][approval]") {
    SlackWorld world({"press-office"});
    auto& sim = world.sim;
    const std::string press = sim.channel_by_name("press-office")->id;
    const std::string squatter = squat_press_office(world, press);
    world.start();
    CHECK_THAT(world.command("alice", "general", "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    world.wait_until_member(kMain, "alice");
    // Refused before anything is drafted, so nothing can ever be approved for the squattable name.
    CHECK_THAT(world.command("alice", kMain, "draft press Holding statement"),
               Catch::Contains("a draft for press could not be published: the playbook's channel for press, "
                               "\"press-office\", is a name, which anyone can give a channel on Slack") &&
                   Catch::Contains("\"channel\": \"C0123ABCD\""));
    world.stop();
    for (const auto& channel : sim.channels()) {
        INFO("#" << channel.name);
        CHECK(count_containing(sim.messages(channel.id), "Holding statement") == 0);
    }
    CHECK(sim.messages(squatter).empty());
    CHECK_FALSE(world.observer->begin()->draft(DraftId{1}).has_value());
}

TEST_CASE("Slack: names and links in a card's title and reasons stay text and are not linked",
          "[slack_bot][approval]") {
    SlackWorld world;
    auto& sim = world.sim;
    world.start();
    const std::string main_name = "inc-1-phish-via-www-evil-example-in-general";
    CHECK_THAT(world.command("alice", "general", "declare sev3 Phish via www.evil.example in #general"),
               Catch::Contains("INC-1"));
    world.wait_until_member(main_name, "alice");
    const std::string main = world.channel_named(main_name).id;
    CHECK_THAT(world.command("alice", main_name, "draft exec Contained."), Catch::Contains("D-1"));
    const auto card = world.wait_for_card(main_name, "D-1");
    // What Slack shows as links: the author's mention, written as one, and nothing from the title.
    const auto links = [&] {
        std::string shown;
        for (const std::string& link : sim.links_shown(main, card.ts)) shown += link + " ";
        return shown;
    };
    CHECK_THAT(links(), Catch::Contains("<@" + world.id("alice") + ">"));
    CHECK_THAT(links(), !Catch::Contains("evil.example") && !Catch::Contains("#general"));

    CHECK_THAT(world.command("alice", main_name, "reject D-1 see https://evil.example/login and #general"),
               Catch::Contains("Rejected D-1"));
    REQUIRE(sim.wait_for([&] { return sim.message(main, card.ts)->edits >= 1; }, 15s));
    CHECK_THAT(sim.message(main, card.ts)->blocks.dump(), Catch::Contains("evil.example/login"));
    CHECK_THAT(links(), !Catch::Contains("evil.example") && !Catch::Contains("#general"));
}

}  // namespace warroom::test
