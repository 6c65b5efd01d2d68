// The crash harness against the Matrix homeserver simulator: "!incident"
// commands typed in rooms, answered as replies; publishes found by their marker.
#include <catch2/catch.hpp>

#include "crash/crash_run.hpp"
#include "matrix_support.hpp"
#include "postgres_cluster.hpp"

namespace warroom::test {
namespace {

struct MatrixCrashPlatform {
    std::string name = "matrix";
    MatrixWorld world;

    std::vector<std::string> environment(const std::filesystem::path& playbook) const {
        return {"MATRIX_HOMESERVER=" + world.sim.homeserver_url(), "MATRIX_USER_ID=" + world.sim.bot_user_id(),
                "MATRIX_ACCESS_TOKEN=" + world.sim.bot_token(),    "SSL_CERT_FILE=" + world.sim.ca_file(),
                "WARROOM_DB=" + world.database_url(),      "WARROOM_PLAYBOOK=" + playbook.string(),
                "WARROOM_LOG_LEVEL=info"};
    }

    std::size_t requests() const { return world.sim.requests().size(); }

    // What is typed in a room before warroom joined it is history, not a command: wait for the join.
    std::string general() {
        const auto joined = [&] { return world.sim.room(world.general)->joined.count(world.sim.bot_user_id()) == 1; };
        REQUIRE(world.sim.wait_for(joined, 30s));
        return world.general;
    }

    std::string type(const std::string& user, const std::string& room_id, const std::string& text) {
        return world.sim.send_text(world.id(user), room_id, "!incident " + text);
    }

    std::string main_room(const std::string& name, const std::string& user = "alice") {
        // Among replicas, a killed one keeps the incident's lane for its lease (20 s), longer
        // than the world's own waits: wait for the invitation first, past a lease.
        REQUIRE(world.sim.wait_for([&] {
            const auto room = world.sim.room_by_alias(world.alias(name));
            return room && (room->invited.count(world.id(user)) == 1 || room->joined.count(world.id(user)) == 1);
        }, kPastALease));
        return world.join_when_invited(name, user);
    }

    // In the command's room, or in the caller's direct room for an answer only they may see.
    std::size_t answers(const std::string& room_id, const std::string& command_event) const {
        (void)room_id;
        return world.answers_to(command_event).size();
    }

    std::size_t publishes(const std::string& draft) {
        return world.publishes_of(world.audience_room("exec-briefing"), draft);
    }

    std::size_t incident_channels() const {
        std::size_t count = 0;
        for (const auto& room : world.sim.rooms())
            for (const std::string& alias : room.aliases) count += alias.rfind("#inc-", 0) == 0;
        return count;
    }

    std::vector<std::string> secrets() const { return {world.sim.bot_token()}; }

    std::vector<std::string> bot_texts(const std::string& room_id) const {
        std::vector<std::string> texts;
        for (const auto& event : world.bot_messages(room_id)) texts.push_back(event.content.value("body", ""));
        return texts;
    }
};

}  // namespace

TEST_CASE("crash: matrix - the executable killed at random moments publishes every draft once and loses nothing",
          "[crash][matrix]") {
    MatrixCrashPlatform platform;
    run_crash(platform);
}

TEST_CASE("replicas: matrix - three executables on one PostgreSQL, the sync holder among those killed, publish "
          "every draft once and lose nothing",
          "[replicas][replicas-matrix][postgresql]") {
    MatrixCrashPlatform platform;
    platform.world.use_postgres(fresh_postgres_database());
    run_crash(platform, 3);
}

}  // namespace warroom::test
