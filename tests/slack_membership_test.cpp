// The Slack bot follows membership end to end: the
// simulator sends member_left_channel over Socket Mode as Slack does when
// someone leaves a channel or is removed from it; warroom invites the Crisis
// Lead back and says so, lets anyone else go (and with them their member
// rights), acts once on a redelivered event, and says an invitation Slack
// refuses for good once, without holding up the outbox.
#include "slack_support.hpp"

#include <algorithm>

namespace warroom::test {
namespace {

const std::string kMain = "inc-1-lost-laptop";
const std::string kEngineering = "inc-1-engineering";

bool outbox_empty(Store& store) {
    auto tx = store.begin();
    return tx->pending_jobs(1).empty();
}

std::size_t posts_containing(SlackWorld& world, const std::string& channel, const std::string& text) {
    const auto posts = world.posts_in(channel);
    return static_cast<std::size_t>(std::count_if(posts.begin(), posts.end(), [&](const slack_sim::SimMessage& m) {
        return m.text.find(text) != std::string::npos;
    }));
}

// conversations.invite calls naming `user` for the channel `channel_id`.
std::size_t invitations(SlackWorld& world, const std::string& channel_id, const std::string& user) {
    std::size_t n = 0;
    for (const auto& call : world.sim.api_calls())
        n += call.method == "conversations.invite" && call.args.value("channel", "") == channel_id &&
             call.args.value("users", "").find(world.id(user)) != std::string::npos;
    return n;
}

bool is_member(SlackWorld& world, const std::string& channel_id, const std::string& user) {
    return world.sim.channel(channel_id)->members.count(world.id(user)) == 1;
}

// alice leads INC-1 (sev3, no default workstreams); bob leads its engineering workstream.
void open_incident(SlackWorld& world) {
    CHECK_THAT(world.command("alice", "general", "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    world.wait_until_member(kMain, "alice");
    CHECK_THAT(world.command("alice", kMain, "workstream engineering @bob"), Catch::Contains("now leads"));
    world.wait_until_member(kEngineering, "bob");
    world.wait_until_member(kMain, "bob");
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
}

}  // namespace

TEST_CASE("slack: the Crisis Lead who leaves a workstream channel is invited back once, and others leave freely",
          "[slack_bot][membership]") {
    SlackWorld world;
    auto& sim = world.sim;
    world.start();
    open_incident(world);
    const std::string engineering = world.channel_named(kEngineering).id;
    const std::string main = world.channel_named(kMain).id;
    const std::size_t invited_before = invitations(world, engineering, "alice");

    // alice closes the channel by habit at 3 a.m.
    const std::string envelope = sim.leave_channel(world.id("alice"), engineering);
    CHECK(sim.wait_for([&] { return is_member(world, engineering, "alice"); }, 15s));
    CHECK(sim.wait_for([&] {
        return posts_containing(world, kEngineering, "is the Crisis Lead and was invited back") == 1;
    }, 15s));
    CHECK_THAT(world.posts_in(kEngineering).back().text, Catch::Contains("<@" + world.id("alice") + ">"));
    CHECK(invitations(world, engineering, "alice") == invited_before + 1);

    // Slack redelivers the event (as after a crash before the ack): it acts once.
    const std::string again = sim.redeliver_event(envelope);
    REQUIRE(sim.wait_for([&] { return world.ack_of(again).has_value(); }, 15s));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    CHECK(posts_containing(world, kEngineering, "is the Crisis Lead and was invited back") == 1);
    CHECK(invitations(world, engineering, "alice") == invited_before + 1);

    // bob leaves the workstream channel and alice removes him from the main one: nobody invites him back,
    // and with no channel left he no longer reads the incident from anywhere.
    CHECK_THAT(world.command("bob", "general", "INC-1 timeline"), Catch::Contains("Timeline of INC-1"));
    sim.leave_channel(world.id("bob"), engineering);
    sim.kick(world.id("alice"), world.id("bob"), main);
    REQUIRE(sim.wait_for([&] {
        auto tx = world.observer->begin();
        const auto incident = tx->incident(IncidentId{1});
        return incident && !incident->is_member(UserId{world.id("bob")});
    }, 15s));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    CHECK_FALSE(is_member(world, engineering, "bob"));
    CHECK_FALSE(is_member(world, main, "bob"));
    CHECK(invitations(world, main, "bob") == 1);   // the workstream's opening, never again
    CHECK_THAT(world.command("bob", "general", "INC-1 timeline"), Catch::Contains("not in any channel of INC-1"));

    // After a handover alice may leave: she stays out.
    CHECK_THAT(world.command("alice", kMain, "lead @carol"), Catch::Contains("take over"));
    world.command("carol", "general", "INC-1 lead accept");
    REQUIRE(sim.wait_for([&] {
        auto tx = world.observer->begin();
        return tx->incident(IncidentId{1})->lead == UserId{world.id("carol")};
    }, 15s));
    sim.leave_channel(world.id("alice"), engineering);
    REQUIRE(sim.wait_for([&] {
        auto tx = world.observer->begin();
        return !tx->incident(IncidentId{1})->find_channel(ChannelName{kEngineering})->members.count(
            UserId{world.id("alice")});
    }, 15s));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    CHECK_FALSE(is_member(world, engineering, "alice"));
    CHECK(posts_containing(world, kEngineering, "is the Crisis Lead and was invited back") == 1);
    world.stop();
}

TEST_CASE("slack: an invitation Slack refuses for good is said once in the channel, and the outbox moves on",
          "[slack_bot][membership]") {
    SlackWorld world;
    auto& sim = world.sim;
    world.start();
    open_incident(world);
    const std::string engineering = world.channel_named(kEngineering).id;

    // alice's account is deactivated, then she leaves: Slack answers cant_invite to every invitation.
    sim.deactivate_user(world.id("alice"));
    sim.leave_channel(world.id("alice"), engineering);
    CHECK(sim.wait_for([&] { return posts_containing(world, kEngineering, "could not invite") == 1; }, 15s));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    const auto note = world.posts_in(kEngineering).back();
    CHECK_THAT(note.text, Catch::Contains("could not invite <@" + world.id("alice") + ">"));
    CHECK_THAT(note.text, Catch::Contains("cant_invite"));
    CHECK(posts_containing(world, kEngineering, "is the Crisis Lead and was invited back") == 1);

    // The outbox is not stuck behind it: the next command's effects go out.
    CHECK_THAT(world.command("alice", kMain, "workstream legal"), Catch::Contains("legal"));
    CHECK(sim.wait_for([&] { return sim.channel_by_name("inc-1-legal").has_value(); }, 15s));

    // The job repeated after a crash (before it was marked done) finds its note and does not say it twice.
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    world.stop();
    CHECK(execute(world.database.path,
                  "UPDATE outbox SET done_at = NULL WHERE id = (SELECT MAX(id) FROM outbox WHERE "
                  "json_extract(effect, '$.type') = 'invite' AND json_extract(effect, '$.channel') = '" +
                      kEngineering + "')") == 1);
    world.start();
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    world.stop();
    CHECK(posts_containing(world, kEngineering, "could not invite") == 1);
}

}  // namespace warroom::test
