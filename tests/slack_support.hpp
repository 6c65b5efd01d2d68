#pragma once
// The whole Slack bot in process against the Slack simulator: the bundled
// playbook with its people turned into Slack users, a SQLite file, the bot on
// a thread of its own, and helpers that act as the workspace's users would.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "adapters/slack/slack_bot.hpp"
#include "bot_world.hpp"
#include "child_process.hpp"
#include "captured_log.hpp"
#include "slack_sim/slack_simulator.hpp"

namespace warroom::test {

using namespace std::chrono_literals;

struct SlackWorld : BotWorld<slack::SlackBot> {
    // `named_in_playbook`: audience channels the playbook names rather than pins by id, as an admin who
    // has not finished setting up would.
    explicit SlackWorld(const std::set<std::string>& named_in_playbook = {}) {
        for (const std::string& name : kPlaybookPeople) ids[name] = sim.add_user(name);
        std::vector<std::string> everyone;
        for (const auto& [name, id] : ids) everyone.push_back(id);
        general = sim.add_channel("general", false, everyone);
        // The audience channels an admin made, invited warroom to, and pinned in the playbook by their ids.
        std::vector<std::string> with_bot = everyone;
        with_bot.push_back(sim.bot_user_id());
        for (const std::string& audience : kAudienceChannels) {
            const std::string id = sim.add_channel(audience, true, with_bot);
            if (!named_in_playbook.count(audience)) audience_channels[audience] = id;
        }
        open();
    }

    ~SlackWorld() { stop(); }

    // The bot's HTTP listener, when a test sets it before start().
    std::optional<http::HttpSettings> http;

    // The environment that runs the warroom executable against this world's
    // simulator, database and `playbook` (written by write_playbook): the
    // simulator's CA trusted through SSL_CERT_FILE alone; the tokens are the caller's to add.
    std::vector<std::string> executable_environment(const std::filesystem::path& playbook) const {
        return {"SLACK_API_URL=" + sim.api_url(), "SSL_CERT_FILE=" + sim.ca_file(),
                "WARROOM_DB=" + database.path.string(), "WARROOM_PLAYBOOK=" + playbook.string()};
    }

    // The warroom executable started with `environment` (its log in `log`) and
    // run until it has connected and answered a declaration, then asked to stop with SIGTERM.
    struct ExecutableRun {
        bool connected = false;
        std::string answer;            // to "declare sev3 Phished laptop"
        int status = -1;               // its wait status
        std::string logged;
    };
    ExecutableRun run_executable(const std::vector<std::string>& environment, const std::filesystem::path& log) {
        ExecutableRun run;
        ChildProcess bot(WARROOM_BINARY, environment, log);
        run.connected = sim.wait_for([&] { return sim.connections_opened() == 1; }, 20s);
        if (run.connected) run.answer = command("alice", "general", "declare sev3 Phished laptop");
        run.status = bot.stop(SIGTERM);
        run.logged = read_file(log);
        return run;
    }

    void start() {
        slack::SlackSettings settings;
        settings.app_token = sim.app_token();
        settings.bot_token = sim.bot_token();
        settings.api_url = sim.api_url();
        settings.ca_file = sim.ca_file();
        settings.ping_interval = 1s;
        settings.pong_timeout = 3s;
        settings.reconnect_backoff_max = 1s;
        settings.retry_backoff_max = 2s;
        settings.http = http;
        const std::size_t connections_before = sim.connections_opened();
        run_bot(settings);
        REQUIRE(sim.wait_for([&] { return sim.connections_opened() > connections_before; }, 10s));
    }

    // A slash command typed by `user` in the channel named `channel`; waits
    // for its ack and returns the ephemeral answer's text.
    std::string command(const std::string& user, const std::string& channel, const std::string& text) {
        const std::string channel_id = channel_named(channel).id;
        const std::string envelope = sim.slash_command(id(user), channel_id, text);
        std::optional<slack_sim::SimAck> ack;
        REQUIRE(sim.wait_for([&] { return (ack = ack_of(envelope)).has_value(); }, 10s));
        if (ack->payload.is_object()) return ack->payload.value("text", std::string());
        return {};
    }

    std::optional<slack_sim::SimAck> ack_of(const std::string& envelope) const {
        for (const slack_sim::SimAck& ack : sim.acks())
            if (ack.envelope_id == envelope) return ack;
        return std::nullopt;
    }

    slack_sim::SimChannel channel_named(const std::string& name) {
        std::optional<slack_sim::SimChannel> found;
        REQUIRE(sim.wait_for([&] { return (found = sim.channel_by_name(name)).has_value(); }, 10s));
        return *found;
    }

    // Waits until warroom has invited `user` into the channel named `channel`.
    void wait_until_member(const std::string& channel, const std::string& user) {
        const std::string channel_id = channel_named(channel).id;
        REQUIRE(sim.wait_for([&] { return sim.channel(channel_id)->members.count(id(user)) == 1; }, 15s));
    }

    std::vector<slack_sim::SimMessage> posts_in(const std::string& channel_name, bool with_ephemeral = false) {
        std::vector<slack_sim::SimMessage> posts;
        for (auto& message : sim.messages(channel_named(channel_name).id))
            if (with_ephemeral || !message.ephemeral_to) posts.push_back(std::move(message));
        return posts;
    }

    // The approval card of `draft` ("D-1", any revision, or "D-1@2"): the
    // message whose buttons carry that draft (and revision).
    std::optional<slack_sim::SimMessage> card_of(const std::string& channel_name, const std::string& draft) {
        const std::string value = "\"value\":\"" + draft + (draft.find('@') == std::string::npos ? "@" : "\"");
        for (auto& message : posts_in(channel_name))
            if (message.blocks.is_array() && message.blocks.dump().find(value) != std::string::npos) return message;
        return std::nullopt;
    }

    slack_sim::SimMessage wait_for_card(const std::string& channel_name, const std::string& draft) {
        std::optional<slack_sim::SimMessage> card;
        REQUIRE(sim.wait_for([&] { return (card = card_of(channel_name, draft)).has_value(); }, 15s));
        return *card;
    }

    slack_sim::SlackSimulator sim;
    std::string general;
};

}  // namespace warroom::test
