// The crash harness against the Slack simulator: slash commands over Socket
// Mode, answered in their acks; publishes found by their message metadata.
#include <catch2/catch.hpp>

#include <map>

#include "crash/crash_run.hpp"
#include "postgres_cluster.hpp"
#include "slack_support.hpp"

namespace warroom::test {
namespace {

struct SlackCrashPlatform {
    std::string name = "slack";
    SlackWorld world;

    std::vector<std::string> environment(const std::filesystem::path& playbook) const {
        return {"SLACK_APP_TOKEN=" + world.sim.app_token(),       "SLACK_BOT_TOKEN=" + world.sim.bot_token(),
                "SLACK_API_URL=" + world.sim.api_url(),           "SSL_CERT_FILE=" + world.sim.ca_file(),
                "WARROOM_DB=" + world.database_url(),     "WARROOM_PLAYBOOK=" + playbook.string(),
                "WARROOM_LOG_LEVEL=info"};
    }

    std::size_t requests() const { return world.sim.api_calls().size() + world.sim.acks().size(); }

    std::string general() const { return world.general; }

    // The envelope waits in the simulator until a connection says hello.
    std::string type(const std::string& user, const std::string& channel_id, const std::string& text) {
        return world.sim.slash_command(world.id(user), channel_id, text);
    }

    std::string main_room(const std::string& name, const std::string& user = "alice") {
        // Among replicas, a killed one keeps the incident's lane for its lease (20 s), longer
        // than the world's own waits: wait for the membership first, past a lease.
        REQUIRE(world.sim.wait_for([&] {
            const auto channel = world.sim.channel_by_name(name);
            return channel && channel->members.count(world.id(user)) == 1;
        }, kPastALease));
        world.wait_until_member(name, user);
        return world.channel_named(name).id;
    }

    std::size_t answers(const std::string&, const std::string& envelope) const {
        std::size_t count = 0;
        for (const slack_sim::SimAck& ack : world.sim.acks()) count += ack.envelope_id == envelope;
        return count;
    }

    std::size_t publishes(const std::string& draft) {
        std::size_t count = 0;
        for (const slack_sim::SimMessage& message : world.posts_in("exec-briefing"))
            if (message.metadata.is_object() && message.metadata.value("event_type", "") == "warroom_publish" &&
                message.metadata.value("event_payload", nlohmann::json::object()).value("draft", "") == draft)
                ++count;
        return count;
    }

    // Every post names its outbox job and piece in its metadata: none may be there twice.
    std::size_t repeated_posts() const {
        std::map<std::string, std::size_t> copies;
        std::size_t extra = 0;
        for (const slack_sim::SimChannel& channel : world.sim.channels())
            for (const slack_sim::SimMessage& message : world.sim.messages(channel.id)) {
                if (message.user != world.sim.bot_user_id() || !message.metadata.is_object()) continue;
                const auto payload = message.metadata.value("event_payload", nlohmann::json::object());
                const std::string key = payload.value("outbox_job", nlohmann::json()).dump() + "/" +
                                        payload.value("piece", nlohmann::json(0)).dump();
                if (++copies[key] > 1) ++extra;
            }
        return extra;
    }

    std::size_t incident_channels() const {
        std::size_t count = 0;
        for (const slack_sim::SimChannel& channel : world.sim.channels()) count += channel.name.rfind("inc-", 0) == 0;
        return count;
    }

    std::vector<std::string> secrets() const { return {world.sim.app_token(), world.sim.bot_token()}; }

    std::vector<std::string> bot_texts(const std::string& channel_id) const {
        std::vector<std::string> texts;
        for (const slack_sim::SimMessage& message : world.sim.messages(channel_id))
            if (message.user == world.sim.bot_user_id() && !message.ephemeral_to) texts.push_back(message.text);
        return texts;
    }
};

}  // namespace

TEST_CASE("crash: slack - the executable killed at random moments publishes every draft once and loses nothing",
          "[crash][slack]") {
    SlackCrashPlatform platform;
    run_crash(platform);
}

TEST_CASE("replicas: slack - three executables on one PostgreSQL, killed at random and one for good, publish every "
          "draft once and lose nothing",
          "[replicas][replicas-slack][postgresql]") {
    SlackCrashPlatform platform;
    platform.world.use_postgres(fresh_postgres_database());
    run_crash(platform, 3);
}

}  // namespace warroom::test
