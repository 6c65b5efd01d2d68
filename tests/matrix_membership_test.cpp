// The Matrix bot follows membership end to end: leave, kick
// and ban are m.room.member state events in the rooms' /sync timelines, as a
// homeserver sends them; warroom invites the Crisis Lead back and says so, lets
// anyone else go with their member rights, and says once an invitation the
// homeserver refuses. Answers meant for the caller alone go to their direct
// room unless typed in the incident's own rooms, and `list` shows only the
// caller's incidents.
#include "matrix_support.hpp"

#include <algorithm>

namespace warroom::test {
namespace {

using nlohmann::json;

const std::string kMain = "inc-1-lost-laptop";
const std::string kEngineering = "inc-1-engineering";

bool outbox_empty(Store& store) {
    auto tx = store.begin();
    return tx->pending_jobs(1).empty();
}

std::size_t bot_posts_containing(const MatrixWorld& world, const std::string& room_id, const std::string& text) {
    const auto messages = world.bot_messages(room_id);
    return static_cast<std::size_t>(std::count_if(messages.begin(), messages.end(), [&](const auto& event) {
        return event.content.value("body", "").find(text) != std::string::npos;
    }));
}

bool is_member(MatrixWorld& world, const std::string& user) {
    auto tx = world.observer->begin();
    const auto incident = tx->incident(IncidentId{1});
    return incident && incident->is_member(UserId{world.id(user)});
}

// The answer to a command typed by `user` in `room_id`, wherever it went.
matrix_sim::SimEvent answer(MatrixWorld& world, const std::string& user, const std::string& room_id,
                            const std::string& text) {
    const std::string typed = world.sim.send_text(world.id(user), room_id, "!incident " + text);
    std::vector<matrix_sim::SimEvent> answers;
    REQUIRE(world.sim.wait_for([&] { return !(answers = world.answers_to(typed)).empty(); }, 15s));
    CHECK(answers.size() == 1);
    return answers.front();
}

}  // namespace

TEST_CASE("matrix: the Crisis Lead who leaves a workstream room is invited back, and a member kicked loses their rights",
          "[matrix_bot][membership]") {
    MatrixWorld world;
    auto& sim = world.sim;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited(kMain, "alice");
    CHECK_THAT(world.command("alice", main, "workstream engineering " + world.id("bob")),
               Catch::Contains("now leads"));
    const std::string engineering = world.join_when_invited(kEngineering, "alice");
    world.join_when_invited(kEngineering, "bob");
    world.join_when_invited(kMain, "bob");

    // alice leaves the workstream room: invited back, and the room told.
    sim.leave(engineering, world.id("alice"));
    CHECK(sim.wait_for([&] { return sim.room(engineering)->invited.count(world.id("alice")) == 1; }, 15s));
    CHECK(sim.wait_for([&] {
        return bot_posts_containing(world, engineering, "is the Crisis Lead and was invited back") == 1;
    }, 15s));
    {
        auto tx = world.observer->begin();
        const auto audit = tx->audit_entries(IncidentId{1});
        REQUIRE_FALSE(audit.empty());
        CHECK(audit.back().kind == "lead.reinvited");
        CHECK(json::parse(audit.back().facts) ==
              json{{"channel", kEngineering}, {"lead", world.id("alice")}, {"removed_by", nullptr}});
    }

    // bob leaves the workstream room, and alice (power 50) kicks him from the main one.
    CHECK_THAT(answer(world, "bob", world.general, "INC-1 timeline").content.value("body", ""),
               Catch::Contains("Timeline of INC-1"));
    sim.leave(engineering, world.id("bob"));
    sim.kick(main, world.id("alice"), world.id("bob"), "wrong incident");
    REQUIRE(sim.wait_for([&] { return !is_member(world, "bob"); }, 15s));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    for (const std::string& room : {engineering, main}) {
        CHECK(sim.room(room)->invited.count(world.id("bob")) == 0);
        CHECK(sim.room(room)->joined.count(world.id("bob")) == 0);
    }
    {
        auto tx = world.observer->begin();
        const auto timeline = tx->timeline(IncidentId{1});
        CHECK(std::any_of(timeline.begin(), timeline.end(), [&](const TimelineEntry& entry) {
            return entry.text == world.id("bob") + " was removed from #" + kMain + " by " + world.id("alice");
        }));
    }
    CHECK_THAT(answer(world, "bob", world.general, "INC-1 timeline").content.value("body", ""),
               Catch::Contains("not in any channel of INC-1"));

    // Banned, bob cannot be invited again: the homeserver's refusal is said once in the room.
    sim.ban(main, world.id("alice"), world.id("bob"));
    CHECK_THAT(world.command("alice", main, "invite " + world.id("bob")), Catch::Contains("Invited"));
    CHECK(sim.wait_for([&] { return bot_posts_containing(world, main, "could not invite " + world.id("bob")) == 1; },
                       15s));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    CHECK(bot_posts_containing(world, main, "could not invite") == 1);
    CHECK_THAT(world.bot_messages(main).back().content.value("body", ""), Catch::Contains("M_FORBIDDEN"));
    world.stop();
}

TEST_CASE("matrix: answers for the caller alone go to their direct room outside the incident's rooms",
          "[matrix_bot][membership]") {
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    CHECK_THAT(world.command("bob", world.general, "declare sev3 Stolen badge"), Catch::Contains("INC-2"));
    const std::string main = world.join_when_invited(kMain, "alice");

    // Typed in a room everyone reads: the timeline goes to alice's direct room, not to the room.
    const auto timeline = answer(world, "alice", world.general, "INC-1 timeline");
    CHECK_THAT(timeline.content.value("body", ""), Catch::Contains("Timeline of INC-1"));
    CHECK(timeline.room_id != world.general);
    CHECK(timeline.room_id == world.direct_room_of("alice"));
    CHECK(bot_posts_containing(world, world.general, "Timeline of INC-1") == 0);

    // A refusal is the caller's too.
    const auto refusal = answer(world, "carol", world.general, "INC-1 show");
    CHECK_THAT(refusal.content.value("body", ""), Catch::Contains("not in any channel of INC-1"));
    CHECK(refusal.room_id == world.direct_room_of("carol"));

    // In the incident's own room, its members read the answer there, as a reply to the command.
    const auto shown = answer(world, "alice", main, "show");
    CHECK(shown.room_id == main);
    CHECK(shown.content.value("m.relates_to", json::object()).contains("m.in_reply_to"));
    // Another incident's room is no place for INC-2's answer.
    CHECK(answer(world, "alice", main, "INC-2 timeline").room_id == world.direct_room_of("alice"));

    // list: only the caller's incidents, the others counted.
    const auto listed = answer(world, "alice", world.general, "list");
    CHECK(listed.room_id == world.direct_room_of("alice"));
    const std::string body = listed.content.value("body", "");
    CHECK_THAT(body, Catch::Contains("INC-1") && Catch::Contains("Lost laptop"));
    CHECK_THAT(body, !Catch::Contains("Stolen badge") && !Catch::Contains("INC-2"));
    CHECK_THAT(body, Catch::Contains("and 1 other open incident you are not in"));
    world.stop();
}

}  // namespace warroom::test
