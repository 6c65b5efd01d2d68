// Audience rooms on Matrix are pinned by the playbook, never found by their
// name: a room id is used as given, an alias on warroom's server only if
// warroom made its room (and made now if the alias is free). A room someone
// named "press-office", an alias on another server, or an alias whose room
// someone else made never receives a post: the first two are refused when
// drafted, the last when published, each saying what to write in the
// playbook instead (README, Security).
#include "matrix_support.hpp"

#include <nlohmann/json.hpp>

namespace warroom::test {
namespace {

using Catch::Contains;

const std::string kStatement = "A laptop was stolen; its disk is encrypted.";

// Declares INC-1 and drafts a statement for the press, which pat (pr) and alice (the lead) approve.
void approve_press_statement(MatrixWorld& world) {
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-lost-laptop", "alice");
    CHECK_THAT(world.command("alice", main, "draft press " + kStatement), Contains("D-1"));
    CHECK_THAT(world.command("pat", world.general, "approve D-1"), Contains("Approved D-1"));
    CHECK_THAT(world.command("alice", main, "approve D-1"), Contains("Approved D-1"));
}

// Declares INC-1 and tries to draft for the press: the answer.
std::string draft_press_statement(MatrixWorld& world) {
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-lost-laptop", "alice");
    return world.command("alice", main, "draft press " + kStatement);
}

// Why the publish of D-1 could not be done, as the audit record keeps it ("" until it says).
std::string delivery_problem(Store& store) {
    auto tx = store.begin();
    for (const AuditEntry& entry : tx->audit_entries(IncidentId{1}))
        if (entry.kind == "draft.delivery_failed") return nlohmann::json::parse(entry.facts).value("problem", "");
    return "";
}

std::string wait_for_delivery_problem(MatrixWorld& world) {
    std::string problem;
    REQUIRE(world.sim.wait_for([&] { return !(problem = delivery_problem(*world.observer)).empty(); }, 20s));
    return problem;
}

bool published(const MatrixWorld& world, const std::string& room_id) {
    return world.publishes_of(room_id, "D-1") == 1;
}

// sam (support, in the playbook, so warroom accepts his invitation) names a room of his "press-office" and
// brings warroom in: a room a lookup by name would find.
std::string sams_press_office(MatrixWorld& world, const std::optional<std::string>& alias = std::nullopt) {
    const std::string& sam = world.id("sam");
    const std::string room = world.sim.create_room(sam, "press-office", alias, {sam});
    world.sim.invite(room, sam, world.sim.bot_user_id());
    return room;
}

}  // namespace

TEST_CASE("Matrix: an audience room is the room the playbook pins, never one found by its name",
          "[matrix_bot][audience]") {
    const std::string bot_alias = "#press-office:localhost";

    SECTION("a plain name is refused, with how to pin it, and rooms of that name get nothing") {
        MatrixWorld world(AudiencePins{{"press-office", "press-office"}});
        const std::string squat = sams_press_office(world);
        world.start();
        REQUIRE(world.sim.wait_for([&] { return world.sim.room(squat)->joined.count(world.sim.bot_user_id()); }, 15s));
        // Refused before anything is drafted, so nothing can ever be approved for it.
        CHECK_THAT(draft_press_statement(world),
                   Contains("a draft for press could not be published: the playbook's channel for press, "
                            "\"press-office\", is a name, which anyone can give a room on Matrix") &&
                       Contains("(\"channel\": \"#press:localhost\")"));
        CHECK(world.bot_messages(squat).empty());
        CHECK(world.bot_messages(world.audience_room("press-office")).empty());
    }
    SECTION("an alias on another server is refused without being looked up") {
        MatrixWorld world(AudiencePins{{"press-office", "#press-office:elsewhere.example"}});
        const std::string mallory = world.sim.add_user("mallory");
        const std::string elsewhere = world.sim.create_room(mallory, "press-office", std::nullopt, {mallory}, true);
        world.sim.add_remote_alias("#press-office:elsewhere.example", elsewhere);
        world.start();
        CHECK_THAT(draft_press_statement(world),
                   Contains("is an alias on another server than warroom's (localhost)"));
        CHECK(world.sim.room(elsewhere)->joined.count(world.sim.bot_user_id()) == 0);
        CHECK(world.bot_messages(elsewhere).empty());
    }
    SECTION("an alias on warroom's server whose room someone else made is refused") {
        MatrixWorld world(AudiencePins{{"press-office", bot_alias}});
        const std::string squat = sams_press_office(world, std::string("press-office"));
        world.start();
        REQUIRE(world.sim.wait_for([&] { return world.sim.room(squat)->joined.count(world.sim.bot_user_id()); }, 15s));
        approve_press_statement(world);
        CHECK_THAT(wait_for_delivery_problem(world),
                   Contains("the room of #press-office:localhost was not made by warroom") &&
                       Contains("pin that room by its room id"));
        CHECK(world.bot_messages(squat).empty());
    }
    SECTION("an alias on warroom's server that does not exist yet: warroom makes the room and posts there") {
        MatrixWorld world(AudiencePins{{"press-office", bot_alias}});
        const std::string squat = sams_press_office(world);
        world.start();
        approve_press_statement(world);
        std::optional<matrix_sim::SimRoom> made;
        REQUIRE(world.sim.wait_for([&] { return (made = world.sim.room_by_alias(bot_alias)).has_value(); }, 15s));
        CHECK(world.sim.wait_for([&] { return published(world, made->room_id); }, 20s));
        made = world.sim.room(made->room_id);
        CHECK(made->creator == world.sim.bot_user_id());
        CHECK(made->join_rule == "invite");
        // The playbook's admin is invited, with the power to invite the room's readers.
        CHECK(made->invited.count(world.id("alice")) == 1);
        CHECK(made->power_levels["users"].value(world.id("alice"), 0) == 50);
        CHECK(world.bot_messages(squat).empty());
        CHECK(world.bot_messages(world.audience_room("press-office")).empty());
    }
    SECTION("a room id: the room alice made, not sam's of the same name") {
        MatrixWorld world;
        const std::string squat = sams_press_office(world);
        world.start();
        approve_press_statement(world);
        CHECK(world.sim.wait_for([&] { return published(world, world.audience_room("press-office")); }, 20s));
        CHECK(world.bot_messages(squat).empty());
    }
}

}  // namespace warroom::test
