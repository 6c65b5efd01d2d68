// The Slack bot end to end: slash commands over Socket Mode, channels and
// invitations through the Web API, approval cards and their buttons, and the
// approved message published exactly once; then the same run through
// disconnects, a dropped socket, 429s and a 500; then bad input.
#include "slack_support.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "child_process.hpp"

namespace warroom::test {
namespace {

const std::string kMain = "inc-1-payroll-phishing-campaign";
const std::string kDraftText =
    "Phishing against payroll contained: 3 accounts reset, no data loss found so far. Next update 11:00.";

std::size_t count_containing(const std::vector<slack_sim::SimMessage>& messages, const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(messages.begin(), messages.end(), [&](const auto& m) { return m.text.find(text) != std::string::npos; }));
}

bool outbox_empty(Store& store) {
    auto tx = store.begin();
    return tx->pending_jobs(1).empty();
}

// The console script's incident (examples/full-incident.txt), typed in Slack.
// `after_declaring` runs between the declaration and the rest (the fault test drops the socket there).
void run_full_incident(SlackWorld& world, const std::function<void()>& after_declaring = [] {}) {
    auto& sim = world.sim;
    CHECK_THAT(world.command("alice", "general", "declare sev1 Payroll phishing campaign"),
               Catch::Contains("INC-1"));
    after_declaring();

    const auto main = world.channel_named(kMain);
    CHECK(main.is_private);
    CHECK(sim.wait_for([&] {
        const auto now = sim.channel(main.id);
        if (!now) return false;
        // The lead and the sev1 stakeholders (legal, pr, customer-comms, support).
        for (const char* person : {"alice", "lena", "pat", "cora", "sam"})
            if (!now->members.count(world.id(person))) return false;
        return !now->topic.empty() && now->pinned.size() == 1;
    }, 15s));
    const auto header = sim.message(main.id, sim.channel(main.id)->pinned.front());
    REQUIRE(header);
    CHECK_THAT(header->text, Catch::Contains("Payroll phishing campaign"));
    for (const char* workstream : {"inc-1-engineering", "inc-1-communications", "inc-1-legal"}) {
        CHECK(world.channel_named(workstream).is_private);
        // The header links each channel, whatever Slack named it.
        CHECK_THAT(header->text, Catch::Contains("<#" + world.channel_named(workstream).id + ">"));
    }

    CHECK_THAT(world.command("alice", kMain, "workstream engineering @bob"), Catch::Contains("now leads"));
    CHECK_THAT(world.command("alice", kMain, "workstream communications @carol"), Catch::Contains("now leads"));
    world.wait_until_member("inc-1-communications", "carol");

    CHECK_THAT(world.command("carol", "inc-1-communications", "draft exec " + kDraftText), Catch::Contains("D-1"));
    const auto card = world.wait_for_card(kMain, "D-1");
    CHECK_THAT(card.text, Catch::Contains("<@" + world.id("alice") + ">"));
    CHECK_THAT(card.blocks.dump(), Catch::Contains("Phishing against payroll contained"));

    // bob is not the Crisis Lead: refused privately, the card stays as it was.
    world.wait_until_member(kMain, "bob");
    sim.click(world.id("bob"), main.id, card.ts, "warroom.approve");
    CHECK(sim.wait_for([&] {
        for (const auto& m : world.posts_in(kMain, true))
            if (m.ephemeral_to == world.id("bob") && m.text.find("Crisis Lead") != std::string::npos) return true;
        return false;
    }, 15s));
    CHECK(sim.message(main.id, card.ts)->edits == 0);
    CHECK(world.posts_in("exec-briefing").empty());

    // alice is: the card shows the outcome and the message is published once.
    sim.click(world.id("alice"), main.id, card.ts, "warroom.approve");
    CHECK(sim.wait_for([&] { return count_containing(world.posts_in("exec-briefing"), "Phishing against payroll") == 1; }, 20s));
    CHECK(sim.wait_for([&] { return sim.message(main.id, card.ts)->edits >= 1; }, 15s));
    const auto decided = sim.message(main.id, card.ts);
    CHECK_THAT(decided->blocks.dump(), Catch::Contains("Approved"));
    CHECK_THAT(decided->blocks.dump(), !Catch::Contains("warroom.approve"));

    CHECK_THAT(world.command("alice", kMain, "status mitigated"), Catch::Contains("mitigated"));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 30s));
}

void check_published_once_and_acked(SlackWorld& world) {
    auto& sim = world.sim;
    const auto published = world.posts_in("exec-briefing");
    REQUIRE(count_containing(published, "Phishing against payroll") == 1);
    const auto& post = *std::find_if(published.begin(), published.end(),
                                     [](const auto& m) { return m.text.find("Phishing against payroll") != std::string::npos; });
    CHECK_THAT(post.text, Catch::Contains(kDraftText));
    CHECK_THAT(post.text, Catch::Contains("INC-1"));
    CHECK(post.metadata.value("event_type", "") == "warroom_publish");

    // No channel twice, no incident twice.
    std::size_t incident_channels = 0;
    for (const auto& channel : sim.channels())
        if (channel.name.rfind("inc-", 0) == 0) ++incident_channels;
    CHECK(incident_channels == 4);
    CHECK_FALSE(sim.channel_by_name("inc-2-payroll-phishing-campaign"));
    {
        auto tx = world.store->begin();
        CHECK(tx->incidents(false).size() == 1);
        CHECK(tx->drafts(IncidentId{1}).size() == 1);
        CHECK(tx->draft(DraftId{1})->state == DraftState::published);
    }
    for (const auto& ack : sim.acks()) CHECK(ack.latency < 3s);
    CHECK(sim.unacked_envelopes().empty());
}

TEST_CASE("slack: the full incident over Socket Mode and the Web API, TLS on", "[slack_bot]") {
    SlackWorld world;
    world.start();
    run_full_incident(world);
    world.stop();
    CHECK(world.exit_code == 0);
    check_published_once_and_acked(world);
}

TEST_CASE("slack: the same incident through disconnects, a dropped socket, 429s and a 500", "[slack_bot]") {
    CapturedLog log;
    SlackWorld world;
    world.sim.disconnect_every(3);
    world.sim.rate_limit("chat.postMessage", 2, 1);
    world.sim.rate_limit("conversations.create", 1, 1);
    world.sim.fail("conversations.invite", 1, 500);
    world.start();

    run_full_incident(world, [&] {
        world.sim.drop_sockets();
        world.sim.fail("chat.postMessage", 1, 503);
    });
    world.stop();
    check_published_once_and_acked(world);
    // The faults did happen: refreshes and a drop (new connections), 429s and 5xx answered.
    CHECK(world.sim.connections_opened() >= 3);
    std::map<std::string, int> faulted;
    for (const auto& call : world.sim.api_calls())
        if (call.http_status != 200) ++faulted[call.method + " " + std::to_string(call.http_status)];
    CHECK(faulted["chat.postMessage 429"] == 2);
    CHECK(faulted["conversations.create 429"] == 1);
    CHECK(faulted["conversations.invite 500"] == 1);
    CHECK(faulted["chat.postMessage 503"] == 1);

    const std::string logged = log.text();
    CHECK_THAT(logged, !Catch::Contains(world.sim.app_token()));
    CHECK_THAT(logged, !Catch::Contains(world.sim.bot_token()));
    CHECK_THAT(logged, !Catch::Contains("ticket="));
}

// What a crash right after Slack accepted a post, before the job was marked
// done, leaves behind: the job pending again. Every kind of post is looked
// for in the channel's history (by the metadata naming its job) and found.
TEST_CASE("slack: posts repeated after a crash find themselves in the channel and are not posted twice",
          "[slack_bot]") {
    SlackWorld world;
    world.start();
    CHECK_THAT(world.command("alice", "general", "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    const auto main = world.channel_named("inc-1-lost-laptop");
    world.wait_until_member("inc-1-lost-laptop", "alice");
    CHECK_THAT(world.command("alice", "inc-1-lost-laptop", "draft exec A laptop was stolen; disk encrypted."),
               Catch::Contains("D-1"));
    CHECK_THAT(world.command("alice", "inc-1-lost-laptop", "draft exec Second thoughts."), Catch::Contains("D-2"));
    const auto card = world.wait_for_card("inc-1-lost-laptop", "D-1");
    world.sim.click(world.id("alice"), main.id, card.ts, "warroom.approve");
    REQUIRE(world.sim.wait_for([&] { return count_containing(world.posts_in("exec-briefing"), "laptop was stolen") == 1; }, 15s));
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    world.stop();
    const auto messages_everywhere = [&] {
        std::size_t count = 0;
        for (const auto& channel : world.sim.channels()) count += world.sim.messages(channel.id).size();
        return count;
    };
    const std::size_t before = messages_everywhere();
    const std::size_t history_reads_before = world.sim.api_calls().size();

    CHECK(reopen_jobs(world.database.path, "publish") == 1);
    CHECK(reopen_jobs(world.database.path, "post_card") == 2);
    CHECK(reopen_jobs(world.database.path, "post") >= 2);   // the header and the status lines
    // ... and crashed before recording that a message's first piece was posted.
    CHECK(execute(world.database.path, "DELETE FROM platform_refs WHERE kind = 'slack.pieces_posted'") >= 2);
    world.start();
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    world.stop();
    CHECK(messages_everywhere() == before);
    CHECK(count_containing(world.posts_in("exec-briefing"), "laptop was stolen") == 1);
    std::size_t history_reads = 0;
    const auto calls = world.sim.api_calls();
    for (std::size_t n = history_reads_before; n < calls.size(); ++n)
        history_reads += calls[n].method == "conversations.history" && calls[n].args.value("include_all_metadata", "") == "true";
    CHECK(history_reads >= 5);   // two cards, a publish and at least two messages
    // The card found again is the one decided: a click on D-2's card still works.
    const auto second = world.wait_for_card("inc-1-lost-laptop", "D-2");
    world.start();
    world.sim.click(world.id("alice"), main.id, second.ts, "warroom.approve");
    CHECK(world.sim.wait_for([&] { return count_containing(world.posts_in("exec-briefing"), "Second thoughts") == 1; }, 15s));
    CHECK(world.sim.wait_for([&] { return world.sim.message(main.id, second.ts)->edits == 1; }, 15s));
}

// A repeat looks in the channel for the post it may have made, by the metadata naming its job. Any app
// can write any metadata: another app's message saying the same must not pass for warroom's own post.
TEST_CASE("slack: another app's message carrying a publish's metadata does not stop warroom publishing it once",
          "[slack_bot]") {
    SlackWorld world;
    auto& sim = world.sim;
    const std::string exec = world.channel_named("exec-briefing").id;
    const std::string copycat = sim.add_app("copycat");
    sim.add_member(exec, copycat);
    world.start();
    CHECK_THAT(world.command("alice", "general", "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    world.wait_until_member("inc-1-lost-laptop", "alice");
    CHECK_THAT(world.command("alice", "inc-1-lost-laptop", "draft exec A laptop was stolen; disk encrypted."),
               Catch::Contains("D-1"));
    world.wait_for_card("inc-1-lost-laptop", "D-1");
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));

    // Slack fails every post for a while: the publish goes out once, unanswered, and waits to be repeated.
    sim.fail("chat.postMessage", 1000, 500);
    CHECK_THAT(world.command("alice", "inc-1-lost-laptop", "approve D-1"), Catch::Contains("Approved D-1"));
    std::optional<slack_sim::SimApiCall> attempt;
    REQUIRE(sim.wait_for([&] {
        for (const auto& call : sim.api_calls())
            if (call.method == "chat.postMessage" && call.args.value("channel", "") == exec) attempt = call;
        return attempt.has_value();
    }, 15s));
    world.stop();
    sim.fail("chat.postMessage", 0);
    // Before the repeat, another app posts a message with the very metadata warroom's post would carry.
    REQUIRE(attempt->args.contains("metadata"));
    sim.post_as(copycat, exec, "A laptop was stolen (copied)", attempt->args["metadata"]);

    world.start();
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    world.stop();
    std::size_t own = 0;
    std::size_t copies = 0;
    for (const auto& message : world.posts_in("exec-briefing")) {
        if (message.text.find("laptop was stolen") == std::string::npos) continue;
        ++(message.user == sim.bot_user_id() ? own : copies);
    }
    CHECK(own == 1);
    CHECK(copies == 1);
}

TEST_CASE("slack: a channel made before a crash is completed, and a name someone else took gets a suffix",
          "[slack_bot]") {
    SlackWorld world;
    // warroom created this one, then crashed before recording it.
    world.sim.add_channel("inc-1-leaked-deploy-key", true, {world.sim.bot_user_id()});
    // Someone else's channel has the name warroom wants for a workstream.
    world.sim.add_channel("inc-1-engineering", false, {world.id("bob")});
    world.start();
    CHECK_THAT(world.command("alice", "general", "declare sev2 Leaked deploy key"), Catch::Contains("INC-1"));
    const auto engineering = world.channel_named("inc-1-engineering-2");
    CHECK(engineering.is_private);
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));

    const auto main = world.channel_named("inc-1-leaked-deploy-key");
    CHECK(main.members.count(world.id("alice")) == 1);
    CHECK(world.sim.channel(main.id)->pinned.size() == 1);
    CHECK_FALSE(world.sim.channel_by_name("inc-1-leaked-deploy-key-2"));
    CHECK(world.sim.channel(world.channel_named("inc-1-engineering").id)->members.count(world.id("alice")) == 0);
    // Commands typed in the suffixed channel belong to the engineering workstream.
    world.wait_until_member("inc-1-engineering-2", "alice");
    CHECK_THAT(world.command("alice", "inc-1-engineering-2", "update Key rotated"), Catch::Contains("engineering"));
    const auto header = world.sim.message(main.id, world.sim.channel(main.id)->pinned.front());
    CHECK_THAT(header->text, Catch::Contains("<#" + engineering.id + ">"));
    world.stop();
}

TEST_CASE("slack: an escalation card in the executives' channel, decided by an executive's click only",
          "[slack_bot]") {
    SlackWorld world;
    world.start();
    CHECK_THAT(world.command("alice", "general", "declare sev2 Ransomware on a file server"), Catch::Contains("INC-1"));
    world.wait_until_member("inc-1-ransomware-on-a-file-server", "alice");
    CHECK_THAT(world.command("alice", "inc-1-ransomware-on-a-file-server", "escalate Take the file servers offline"),
               Catch::Contains("E-1"));
    std::optional<slack_sim::SimMessage> card;
    REQUIRE(world.sim.wait_for([&] {
        for (auto& message : world.posts_in("exec-briefing"))
            if (message.blocks.dump().find("\"value\":\"E-1\"") != std::string::npos) card = message;
        return card.has_value();
    }, 15s));
    const std::string exec_channel = world.channel_named("exec-briefing").id;

    // alice leads the incident but is no executive.
    world.sim.click(world.id("alice"), exec_channel, card->ts, "warroom.allow");
    CHECK(world.sim.wait_for([&] {
        for (const auto& m : world.posts_in("exec-briefing", true))
            if (m.ephemeral_to == world.id("alice")) return true;
        return false;
    }, 15s));
    CHECK(world.sim.message(exec_channel, card->ts)->edits == 0);

    world.sim.click(world.id("erin"), exec_channel, card->ts, "warroom.allow");
    CHECK(world.sim.wait_for([&] { return world.sim.message(exec_channel, card->ts)->edits == 1; }, 15s));
    CHECK_THAT(world.sim.message(exec_channel, card->ts)->blocks.dump(), Catch::Contains("Allowed"));
    CHECK_THAT(world.sim.message(exec_channel, card->ts)->blocks.dump(), !Catch::Contains("warroom.allow"));
    world.stop();
}

TEST_CASE("slack: the warroom executable runs on Slack from its environment and stops cleanly on SIGTERM",
          "[slack_bot]") {
    SlackWorld world;
    const auto playbook = std::filesystem::path(temp_path("warroom-slack-playbook")).replace_extension(".json");
    const auto log = std::filesystem::path(temp_path("warroom-slack")).replace_extension(".log");
    world.write_playbook(playbook);
    // Only the environment configures it; the simulator's CA is trusted through SSL_CERT_FILE alone.
    const std::vector<std::string> environment = {
        "SLACK_APP_TOKEN=" + world.sim.app_token(), "SLACK_BOT_TOKEN=" + world.sim.bot_token(),
        "SLACK_API_URL=" + world.sim.api_url(),     "SSL_CERT_FILE=" + world.sim.ca_file(),
        "WARROOM_DB=" + world.database.path.string(), "WARROOM_PLAYBOOK=" + playbook.string(),
        "WARROOM_LOG_LEVEL=info"};
    ChildProcess bot(WARROOM_BINARY, environment, log);

    const bool connected = world.sim.wait_for([&] { return world.sim.connections_opened() == 1; }, 20s);
    std::string answer;
    if (connected) answer = world.command("alice", "general", "declare sev3 Phished laptop");
    const bool created = world.sim.wait_for([&] { return world.sim.channel_by_name("inc-1-phished-laptop").has_value(); }, 20s);
    const int status = bot.stop(SIGTERM);
    const std::string logged = read_file(log);
    std::filesystem::remove(playbook);
    std::filesystem::remove(log);

    INFO(logged);
    CHECK(connected);
    CHECK_THAT(answer, Catch::Contains("INC-1"));
    CHECK(created);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK_THAT(logged, Catch::Contains("signed in to Slack"));
    CHECK_THAT(logged, !Catch::Contains(world.sim.app_token()));
    CHECK_THAT(logged, !Catch::Contains(world.sim.bot_token()));
}

TEST_CASE("slack: bad input is acked and logged, changes nothing, and the bot carries on", "[slack_bot]") {
    CapturedLog log;
    SlackWorld world;
    world.start();
    auto& sim = world.sim;
    CHECK_THAT(world.command("alice", "general", "declare sev2 Leaked deploy key"), Catch::Contains("INC-1"));
    const auto main = world.channel_named("inc-1-leaked-deploy-key");
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 20s));
    const auto fingerprint = [&] {
        auto tx = world.observer->begin();
        return std::to_string(tx->incidents(false).size()) + "/" + std::to_string(tx->drafts(IncidentId{1}).size()) +
               "/" + std::to_string(tx->pending_jobs(100).size()) + "/" + std::to_string(sim.channels().size());
    };
    const std::string before = fingerprint();

    const std::string user = world.id("bob");
    const nlohmann::json click_base = {
        {"type", "block_actions"},
        {"user", {{"id", user}, {"username", "bob"}}},
        {"container", {{"type", "message"}, {"message_ts", "1.000001"}, {"channel_id", main.id}}},
        {"channel", {{"id", main.id}}},
        {"trigger_id", "t-bad"},
        {"response_url", ""}};
    auto click_with = [&](const std::string& envelope, const std::string& action_id, const std::string& value) {
        nlohmann::json payload = click_base;
        payload["actions"] = {{{"action_id", action_id}, {"value", value}, {"type", "button"}, {"action_ts", envelope}}};
        return nlohmann::json{{"envelope_id", envelope}, {"type", "interactive"}, {"payload", payload},
                              {"accepts_response_payload", false}}.dump();
    };
    const std::vector<std::string> frames = {
        R"({"envelope_id":"bad-1","type":"mystery_type","payload":{}})",
        R"({"envelope_id":"bad-2","type":"slash_commands","payload":{"command":"/incident","text":"list"}})",
        R"({"envelope_id":"bad-3","type":"slash_commands","payload":"not an object"})",
        click_with("bad-4", "warroom.explode", "D-1"),
        click_with("bad-5", "warroom.approve", "D-99"),
        click_with("bad-6", "warroom.approve", "not-a-draft"),
    };
    for (const std::string& frame : frames) sim.send_raw_frame(frame);
    sim.send_raw_frame("{\"envelope_id\": \"bad-7\", this is not json");
    sim.send_raw_frame(std::string(1 << 16, '['));
    for (const char* envelope : {"bad-1", "bad-2", "bad-3", "bad-4", "bad-5", "bad-6"})
        CHECK(sim.wait_for([&] { return world.ack_of(envelope).has_value(); }, 10s));

    // Still alive and still answering; nothing changed.
    CHECK_THAT(world.command("alice", "general", "list"), Catch::Contains("INC-1"));
    CHECK(fingerprint() == before);
    world.stop();
    CHECK(world.exit_code == 0);
    const std::string logged = log.text();
    CHECK_THAT(logged, Catch::Contains("mystery_type"));
    CHECK_THAT(logged, Catch::Contains("warroom.explode"));
}

TEST_CASE("slack: a refused bot token stops the bot with a message naming the setting", "[slack_bot]") {
    CapturedLog log;
    SlackWorld world;
    slack::SlackSettings settings;
    settings.app_token = world.sim.app_token();
    settings.bot_token = "xoxb-not-the-right-one";
    settings.api_url = world.sim.api_url();
    settings.ca_file = world.sim.ca_file();
    slack::SlackBot bot(*world.engine, *world.store, world.clock, settings);
    CHECK(bot.run() == 1);
    CHECK_THAT(log.text(), Catch::Contains("SLACK_BOT_TOKEN"));
    CHECK_THAT(log.text(), !Catch::Contains("xoxb-not-the-right-one"));
}

TEST_CASE("slack: settings are checked before connecting", "[slack_bot]") {
    slack::SlackSettings settings;
    settings.app_token = "xoxb-swapped";
    settings.bot_token = "xapp-swapped";
    CHECK_THAT(slack::check_slack_settings(settings), Catch::Contains("SLACK_APP_TOKEN"));
    settings.app_token = "xapp-1";
    CHECK_THAT(slack::check_slack_settings(settings), Catch::Contains("SLACK_BOT_TOKEN"));
    settings.bot_token = "xoxb-1";
    settings.api_url = "http://slack.example.com/api/";
    CHECK_THAT(slack::check_slack_settings(settings), Catch::Contains("SLACK_API_URL"));
    settings.api_url = "https://slack.com/api/";
    CHECK(slack::check_slack_settings(settings).empty());
}

}  // namespace
}  // namespace warroom::test
