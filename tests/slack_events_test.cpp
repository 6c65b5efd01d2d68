// Slack in: Socket Mode frames, slash commands and card buttons become the
// core's neutral events, and a command's answer goes back in the ack
// (protocols/slack.md; issue 4 "Events in").
#include <catch2/catch.hpp>

#include <map>

#include "adapters/slack/slack_events.hpp"
#include "adapters/slack/socket_mode.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::slack;
using namespace warroom::test;
using Catch::Contains;
using nlohmann::json;

namespace {

const std::string kMain = "inc-1-payroll-phishing";

// warroom's own record of the Slack channels it made: C0MAIN is INC-1's main channel.
const std::map<std::string, std::string> kKnownChannels = {{"C0MAIN", kMain},
                                                        {"C0EXEC", "exec-briefing"}};

std::optional<ChannelName> resolve(const SlackChannelId& id) {
    auto it = kKnownChannels.find(id.value());
    if (it == kKnownChannels.end()) return std::nullopt;
    return ChannelName{it->second};
}

json slash_payload(const std::string& text, const std::string& user = "U0ALICE",
                   const std::string& channel_id = "C0GENERAL", const std::string& trigger = "111.222.abc",
                   const std::string& command = "/incident") {
    return {{"token", "ignored"},
            {"team_id", "T0TEAM"},
            {"api_app_id", "A0APP"},
            {"channel_id", channel_id},
            {"channel_name", "general"},
            {"user_id", user},
            {"user_name", "alice"},
            {"command", command},
            {"text", text},
            {"response_url", "https://hooks.slack.com/commands/T0TEAM/1/xyz"},
            {"trigger_id", trigger}};
}

Envelope slash_envelope(const std::string& envelope_id, const json& payload) {
    return Envelope{envelope_id, "slash_commands", payload, true, 0, ""};
}

json click_payload(const std::string& action_id, const std::string& value, const std::string& user = "U0ALICE",
                   const std::string& action_ts = "1700000000.123456") {
    return {{"type", "block_actions"},
            {"user", {{"id", user}, {"username", "alice"}, {"team_id", "T0TEAM"}}},
            {"api_app_id", "A0APP"},
            {"container", {{"type", "message"}, {"message_ts", "1700000000.000100"}, {"channel_id", "D0LEAD"}}},
            {"channel", {{"id", "D0LEAD"}, {"name", "directmessage"}}},
            {"message", {{"ts", "1700000000.000100"}, {"text", "Draft"}, {"blocks", json::array()}}},
            {"trigger_id", "999.888.def"},
            {"response_url", "https://hooks.slack.com/actions/T0TEAM/2/uvw"},
            {"actions",
             {{{"action_id", action_id},
               {"block_id", "warroom.decision"},
               {"value", value},
               {"type", "button"},
               {"action_ts", action_ts}}}}};
}

SlackEvent as_event(const Inbound& inbound) {
    if (const auto* ignored = std::get_if<Ignored>(&inbound)) FAIL("ignored: " << ignored->reason);
    return std::get<SlackEvent>(inbound);
}

std::string command_of(const Inbound& inbound) {
    const SlackEvent event = as_event(inbound);
    REQUIRE(std::holds_alternative<CommandText>(event.event.what));
    return std::get<CommandText>(event.event.what).text;
}

std::string ignored_reason(const Inbound& inbound) {
    const auto* ignored = std::get_if<Ignored>(&inbound);
    if (!ignored) FAIL("expected the payload to be ignored, got an event");
    CHECK_FALSE(ignored->reason.empty());
    return ignored->reason;
}

}  // namespace

// --- frames ----------------------------------------------------------------

TEST_CASE("hello frame: ready, with the connection count and app id") {
    const SocketFrame frame = parse_socket_frame(
        R"({"type":"hello","num_connections":2,"connection_info":{"app_id":"A0APP"},)"
        R"("debug_info":{"host":"applink-1","approximate_connection_time":18060}})");
    REQUIRE(std::holds_alternative<Hello>(frame));
    CHECK(std::get<Hello>(frame).num_connections == 2);
    CHECK(std::get<Hello>(frame).app_id == "A0APP");
}

TEST_CASE("disconnect frames keep Slack's reason") {
    for (const std::string reason : {"refresh_requested", "warning", "link_disabled", "too_many_websockets"}) {
        const SocketFrame frame =
            parse_socket_frame(R"({"type":"disconnect","reason":")" + reason + R"(","debug_info":{"host":"h"}})");
        REQUIRE(std::holds_alternative<Disconnect>(frame));
        CHECK(std::get<Disconnect>(frame).reason == reason);
    }
}

TEST_CASE("an envelope carries its id, type, payload and retry details") {
    const SocketFrame frame = parse_socket_frame(
        R"({"envelope_id":"57d6a792-4d35-4d0b-b6aa-3361493e1caf","type":"slash_commands",)"
        R"("payload":{"command":"/incident","text":"list"},"accepts_response_payload":true,)"
        R"("retry_attempt":1,"retry_reason":"timeout"})");
    REQUIRE(std::holds_alternative<Envelope>(frame));
    const Envelope& envelope = std::get<Envelope>(frame);
    CHECK(envelope.envelope_id == "57d6a792-4d35-4d0b-b6aa-3361493e1caf");
    CHECK(envelope.type == "slash_commands");
    CHECK(envelope.payload["text"] == "list");
    CHECK(envelope.accepts_response_payload);
    CHECK(envelope.retry_attempt == 1);
    CHECK(envelope.retry_reason == "timeout");
}

TEST_CASE("an envelope without a payload, or of a type warroom does not know, is still an envelope to ack") {
    const SocketFrame bare = parse_socket_frame(R"({"envelope_id":"e-1","type":"events_api"})");
    REQUIRE(std::holds_alternative<Envelope>(bare));
    CHECK(std::get<Envelope>(bare).payload.is_null());
    CHECK_FALSE(std::get<Envelope>(bare).accepts_response_payload);

    const SocketFrame future = parse_socket_frame(R"({"envelope_id":"e-2","type":"something_new","payload":{}})");
    REQUIRE(std::holds_alternative<Envelope>(future));
    CHECK(std::get<Envelope>(future).type == "something_new");
    CHECK_THAT(ignored_reason(event_from_envelope(std::get<Envelope>(future), resolve)), Contains("something_new"));
    CHECK_THAT(ignored_reason(event_from_envelope(std::get<Envelope>(bare), resolve)), Contains("Events API"));
}

TEST_CASE("member_left_channel becomes someone leaving the channel, keyed by the event_id Slack keeps on redelivery") {
    const auto envelope = [](const std::string& envelope_id, int retry, const json& event) {
        const json payload = {{"token", "ignored"},
                              {"team_id", "T0TEAM"},
                              {"api_app_id", "A0APP"},
                              {"event", event},
                              {"type", "event_callback"},
                              {"event_id", "Ev0LEFT1"},
                              {"event_time", 1700000000}};
        return Envelope{envelope_id, "events_api", payload, false, retry, retry ? "timeout" : ""};
    };
    const json left = {{"type", "member_left_channel"}, {"user", "U0ALICE"}, {"channel", "C0MAIN"},
                       {"channel_type", "C"}, {"team", "T0TEAM"}, {"event_ts", "1700000000.000200"}};
    const Inbound first = event_from_envelope(envelope("env-1", 0, left), resolve);
    REQUIRE(std::holds_alternative<SlackEvent>(first));
    const SlackEvent& event = std::get<SlackEvent>(first);
    CHECK(event.event.user == UserId{"U0ALICE"});
    CHECK(event.event.channel == ChannelName{kMain});
    CHECK(event.channel_id == SlackChannelId{"C0MAIN"});
    REQUIRE(std::holds_alternative<MembershipLeft>(event.event.what));
    CHECK_FALSE(std::get<MembershipLeft>(event.event.what).removed_by);   // Slack does not say
    // Redelivered in another envelope: the same event id, so the engine acts once.
    const Inbound again = event_from_envelope(envelope("env-2", 1, left), resolve);
    CHECK(std::get<SlackEvent>(again).event.id == event.event.id);

    json other = left;
    other["type"] = "member_joined_channel";
    CHECK_THAT(ignored_reason(event_from_envelope(envelope("env-3", 0, other), resolve)),
               Contains("member_joined_channel"));
    json no_user = left;
    no_user.erase("user");
    CHECK_THAT(ignored_reason(event_from_envelope(envelope("env-4", 0, no_user), resolve)), Contains("no user"));
}

TEST_CASE("malformed frames are errors with a reason, never exceptions") {
    const auto error_of = [](std::string_view text) {
        const SocketFrame frame = parse_socket_frame(text);
        INFO(text);
        REQUIRE(std::holds_alternative<FrameError>(frame));
        return std::get<FrameError>(frame).message;
    };
    CHECK_THAT(error_of(R"({"envelope_id":"e-1","type":"slash_c)"), Contains("not JSON"));
    CHECK_THAT(error_of(""), Contains("not JSON"));
    CHECK_THAT(error_of(R"(["hello"])"), Contains("not an object"));
    CHECK_THAT(error_of(R"({"type":"slash_commands","payload":{}})"), Contains("no envelope_id"));
    CHECK_THAT(error_of(R"({"envelope_id":42,"type":"slash_commands"})"), Contains("envelope_id"));
    CHECK_THAT(error_of(R"({"envelope_id":"","type":"slash_commands"})"), Contains("envelope_id"));
    CHECK_THAT(error_of(R"({"payload":{}})"), Contains("neither a type nor an envelope_id"));
}

TEST_CASE("the ack names the envelope, with the payload only when there is one") {
    CHECK(json::parse(ack_frame("e-1")) == json{{"envelope_id", "e-1"}});
    CHECK(json::parse(ack_frame("e-2", json{{"text", "ok"}})) ==
          json{{"envelope_id", "e-2"}, {"payload", {{"text", "ok"}}}});
}

// --- slash commands ----------------------------------------------------------

TEST_CASE("a slash command becomes the command line, by the user, where it was typed") {
    const SlackEvent event =
        as_event(event_from_slash_command(slash_payload("note phishing kit found", "U0BOB", "C0MAIN"), resolve));
    CHECK(std::get<CommandText>(event.event.what).text == "/incident note phishing kit found");
    CHECK(event.event.user == UserId{"U0BOB"});
    CHECK(event.event.channel == ChannelName{kMain});
    CHECK(event.channel_id == SlackChannelId{"C0MAIN"});
    CHECK(event.response_url == "https://hooks.slack.com/commands/T0TEAM/1/xyz");
}

TEST_CASE("a channel warroom does not know keeps its Slack id, whatever Slack calls it") {
    // Slack's channel_name says inc-1-payroll-phishing, but the channel is not
    // the one warroom created: it must not count as the incident's channel.
    json payload = slash_payload("update all clear", "U0BOB", "C0IMPOSTOR");
    payload["channel_name"] = kMain;
    const SlackEvent event = as_event(event_from_slash_command(payload, resolve));
    CHECK(event.event.channel == ChannelName{"C0IMPOSTOR"});
    CHECK(event.channel_id == SlackChannelId{"C0IMPOSTOR"});

    const SlackEvent direct = as_event(event_from_slash_command(slash_payload("list", "U0BOB", "D0BOB"), resolve));
    CHECK(direct.event.channel == ChannelName{""});

    const SlackEvent no_resolver = as_event(event_from_slash_command(slash_payload("list", "U0BOB", "C0MAIN"), {}));
    CHECK(no_resolver.event.channel == ChannelName{"C0MAIN"});
}

TEST_CASE("/inc is the same command as /incident, and other apps' commands are not warroom's") {
    CHECK(command_of(event_from_slash_command(slash_payload("list", "U0A", "C0G", "t1", "/inc"), resolve)) ==
          "/incident list");
    CHECK_THAT(ignored_reason(event_from_slash_command(slash_payload("list", "U0A", "C0G", "t1", "/jira"), resolve)),
               Contains("/jira"));
}

TEST_CASE("escaped mentions, channels and links become what the core reads") {
    const auto text = [](const std::string& slack) {
        return command_of(event_from_slash_command(slash_payload(slack), resolve));
    };
    CHECK(text("declare sev1 Payroll phishing --lead <@U0123|alice>") ==
          "/incident declare sev1 Payroll phishing --lead @U0123");
    CHECK(text("invite <@U0123> <@U0456|bob>") == "/incident invite @U0123 @U0456");
    // warroom's name for a channel it knows; Slack's label otherwise.
    CHECK(text("note see <#C0EXEC|exec-briefing-renamed>") == "/incident note see #exec-briefing");
    CHECK(text("note see <#C0OTHER|ops>") == "/incident note see #ops");
    CHECK(text("note IOC list <https://example.com/iocs?a=1&amp;b=2|the IOC list>") ==
          "/incident note IOC list the IOC list (https://example.com/iocs?a=1&b=2)");
    CHECK(text("note <https://example.com>") == "/incident note https://example.com");
    CHECK(text("note mail <mailto:soc@example.com|soc@example.com>") == "/incident note mail soc@example.com");
    CHECK(text("note a &lt;b&gt; &amp; c") == "/incident note a <b> & c");
    CHECK(text("draft exec <!channel> heads up") == "/incident draft exec @channel heads up");
    CHECK(text("note ask <!subteam^S0SEC|@security>") == "/incident note ask @security");
    CHECK(text("note unterminated <@U0123") == "/incident note unterminated <@U0123");
}

TEST_CASE("the empty slash command answers with help") {
    Harness h;
    const Inbound inbound = event_from_slash_command(slash_payload(""), resolve);
    CHECK(command_of(inbound) == "/incident");
    const Reply reply = h.send(as_event(inbound).event);
    CHECK(reply.kind == Reply::Kind::ok);
    CHECK_THAT(reply.text, Contains("declare"));
    CHECK_THAT(reply.text, Contains("/incident help COMMAND"));
}

TEST_CASE("an escaped --lead mention makes that Slack user the Crisis Lead") {
    Harness h;
    const Reply reply = h.send(
        as_event(event_from_slash_command(slash_payload("declare sev2 Payroll phishing --lead <@U0BOB|bob>"), resolve))
            .event);
    INFO(reply.text);
    REQUIRE(reply.kind == Reply::Kind::ok);
    REQUIRE(h.incident(1));
    CHECK(h.incident(1)->lead == UserId{"U0BOB"});
}

TEST_CASE("a slash command missing a field is ignored with the field's name") {
    for (const char* field : {"user_id", "trigger_id", "channel_id"}) {
        json payload = slash_payload("list");
        payload.erase(field);
        CHECK_THAT(ignored_reason(event_from_slash_command(payload, resolve)), Contains(field));
    }
    CHECK_THAT(ignored_reason(event_from_envelope(slash_envelope("e-1", json()), resolve)), Contains("no payload"));
}

TEST_CASE("a retried slash command has the same event id in a new envelope, and runs once") {
    Harness h;
    const json payload = slash_payload("declare sev2 Payroll phishing", "U0ALICE", "C0GENERAL", "4242.1.cafe");
    const SlackEvent first = as_event(event_from_envelope(slash_envelope("env-a", payload), resolve));
    const SlackEvent retry = as_event(event_from_envelope(slash_envelope("env-b", payload), resolve));
    CHECK(first.event.id == retry.event.id);
    CHECK(h.send(first.event).kind == Reply::Kind::ok);
    CHECK(h.send(retry.event).kind == Reply::Kind::ignored);
    CHECK(h.incidents().size() == 1);

    // A second invocation of the same text is a new command.
    const SlackEvent again = as_event(event_from_envelope(
        slash_envelope("env-c", slash_payload("declare sev2 Payroll phishing", "U0ALICE", "C0GENERAL", "4242.2.cafe")),
        resolve));
    CHECK(again.event.id != first.event.id);
}

// --- card buttons ------------------------------------------------------------

TEST_CASE("each draft card button becomes the Crisis Lead's decision on that draft") {
    const std::pair<const char*, CardDecision> buttons[] = {{"warroom.approve", CardDecision::approve},
                                                            {"warroom.changes", CardDecision::request_changes},
                                                            {"warroom.reject", CardDecision::reject}};
    for (const auto& [action_id, decision] : buttons) {
        INFO(action_id);
        const SlackEvent event = as_event(event_from_block_actions(click_payload(action_id, "D-7"), resolve));
        REQUIRE(std::holds_alternative<CardAction>(event.event.what));
        const CardAction& action = std::get<CardAction>(event.event.what);
        CHECK(action.draft == DraftId{7});
        CHECK(action.decision == decision);
        CHECK(event.event.user == UserId{"U0ALICE"});
        CHECK(event.event.channel == ChannelName{""});   // the card is in the lead's direct messages
        CHECK(event.channel_id == SlackChannelId{"D0LEAD"});
        CHECK(event.response_url == "https://hooks.slack.com/actions/T0TEAM/2/uvw");
    }
}

TEST_CASE("the escalation card's buttons become an executive's allow or deny") {
    for (const auto& [action_id, allow] : {std::pair{"warroom.allow", true}, std::pair{"warroom.deny", false}}) {
        INFO(action_id);
        const SlackEvent event = as_event(event_from_block_actions(click_payload(action_id, "E-3", "U0ERIN"), resolve));
        REQUIRE(std::holds_alternative<EscalationAnswer>(event.event.what));
        CHECK(std::get<EscalationAnswer>(event.event.what).escalation == EscalationId{3});
        CHECK(std::get<EscalationAnswer>(event.event.what).allow == allow);
        CHECK(event.event.user == UserId{"U0ERIN"});
    }
}

TEST_CASE("a click on the approve button publishes the draft, and its redelivery does nothing more") {
    Harness h;
    REQUIRE(h.say("alice", "general", "/incident declare sev1 Payroll phishing").kind == Reply::Kind::ok);
    REQUIRE(h.say("alice", kMain, "/incident draft exec Payroll phishing contained").kind == Reply::Kind::ok);
    h.drain();

    json payload = click_payload("warroom.approve", "D-1", "alice");
    const SlackEvent click = as_event(event_from_envelope(Envelope{"env-1", "interactive", payload, false, 0, ""}, resolve));
    const SlackEvent redelivered =
        as_event(event_from_envelope(Envelope{"env-2", "interactive", payload, false, 1, "timeout"}, resolve));
    CHECK(click.event.id == redelivered.event.id);
    CHECK(h.send(click.event).kind == Reply::Kind::ok);
    CHECK(h.send(redelivered.event).kind == Reply::Kind::ignored);
    REQUIRE(h.draft(1));
    CHECK(h.draft(1)->state != DraftState::pending);

    // Another person clicking in the same instant is a different event.
    const SlackEvent other = as_event(event_from_block_actions(click_payload("warroom.approve", "D-1", "bob"), resolve));
    CHECK(other.event.id != click.event.id);
}

TEST_CASE("a button carries the revision its card showed, and a value without one is revision 1") {
    const auto revision_of = [](const std::string& value) {
        return std::get<CardAction>(as_event(event_from_block_actions(click_payload("warroom.approve", value), resolve))
                                        .event.what)
            .revision;
    };
    CHECK(revision_of("D-1@2") == 2);
    CHECK(revision_of("D-1") == 1);   // cards posted before revisions were bound
    CHECK_THAT(ignored_reason(event_from_block_actions(click_payload("warroom.approve", "D-1@two"), resolve)),
               Contains("not a draft like D-3@2"));
    CHECK_THAT(ignored_reason(event_from_block_actions(click_payload("warroom.approve", "D-1@0"), resolve)),
               Contains("not a draft like D-3@2"));
}

TEST_CASE("an executive's allow button decides the escalation") {
    Harness h;
    REQUIRE(h.say("alice", "general", "/incident declare sev1 Payroll phishing").kind == Reply::Kind::ok);
    REQUIRE(h.say("alice", kMain, "/incident escalate take payroll offline").kind == Reply::Kind::ok);
    const Reply reply =
        h.send(as_event(event_from_block_actions(click_payload("warroom.allow", "E-1", "erin"), resolve)).event);
    INFO(reply.text);
    CHECK(reply.kind == Reply::Kind::ok);
    auto tx = h.store->begin();
    REQUIRE(tx->escalation(EscalationId{1}));
    CHECK(tx->escalation(EscalationId{1})->state == EscalationState::allowed);
}

TEST_CASE("other apps' buttons, unknown warroom buttons and malformed values are ignored with a reason") {
    CHECK_THAT(ignored_reason(event_from_block_actions(click_payload("jira.create", "D-1"), resolve)),
               Contains("jira.create"));
    CHECK_THAT(ignored_reason(event_from_block_actions(click_payload("warroom.explode", "D-1"), resolve)),
               Contains("warroom.explode"));
    CHECK_THAT(ignored_reason(event_from_block_actions(click_payload("warroom.approve", "E-1"), resolve)),
               Contains("not a draft like D-3@2"));
    CHECK_THAT(ignored_reason(event_from_block_actions(click_payload("warroom.deny", "D-1"), resolve)),
               Contains("not an escalation id like E-2"));
    CHECK_THAT(ignored_reason(event_from_block_actions(click_payload("warroom.reject", ""), resolve)),
               Contains("not a draft like D-3@2"));

    json no_actions = click_payload("warroom.approve", "D-1");
    no_actions["actions"] = json::array();
    CHECK_THAT(ignored_reason(event_from_block_actions(no_actions, resolve)), Contains("no actions"));
    json no_user = click_payload("warroom.approve", "D-1");
    no_user.erase("user");
    CHECK_THAT(ignored_reason(event_from_block_actions(no_user, resolve)), Contains("user"));
    json no_ts = click_payload("warroom.approve", "D-1");
    no_ts["actions"][0].erase("action_ts");
    CHECK_THAT(ignored_reason(event_from_block_actions(no_ts, resolve)), Contains("action_ts"));
    json number_value = click_payload("warroom.approve", "D-1");
    number_value["actions"][0]["value"] = 7;
    CHECK_THAT(ignored_reason(event_from_block_actions(number_value, resolve)), Contains("not a draft like D-3@2"));
    json user_as_string = click_payload("warroom.approve", "D-1");
    user_as_string["user"] = "U0ALICE";
    CHECK_THAT(ignored_reason(event_from_block_actions(user_as_string, resolve)), Contains("user.id"));

    const json submission = {{"type", "view_submission"}, {"user", {{"id", "U0A"}}}};
    CHECK_THAT(ignored_reason(event_from_envelope(Envelope{"e", "interactive", submission, false, 0, ""}, resolve)),
               Contains("view_submission"));
    CHECK_THAT(ignored_reason(event_from_block_actions(json::array(), resolve)), Contains("no payload"));
}

// --- the answer ---------------------------------------------------------------

TEST_CASE("the slash command's answer is ephemeral, in the ack, with mrkdwn escaped") {
    const Reply reply{Reply::Kind::error, "no <draft> D-9 & nothing changed; try /incident list"};
    const json ack = json::parse(slash_command_answer("env-9", reply));
    CHECK(ack["envelope_id"] == "env-9");
    CHECK(ack["payload"]["response_type"] == "ephemeral");
    CHECK(ack["payload"]["text"] == "no &lt;draft&gt; D-9 &amp; nothing changed; try /incident list");
}

TEST_CASE("a redelivered command's empty answer is a bare ack, so Slack shows nothing twice") {
    CHECK(json::parse(slash_command_answer("env-9", Reply{Reply::Kind::ignored, ""})) ==
          json{{"envelope_id", "env-9"}});
}

TEST_CASE("an answer with broken UTF-8 is still acked") {
    const json ack = json::parse(slash_command_answer("env-9", Reply{Reply::Kind::ok, "caf\xC3"}));
    CHECK(ack["envelope_id"] == "env-9");
    CHECK_THAT(ack["payload"]["text"].get<std::string>(), Contains("caf"));
}

TEST_CASE("a very long answer is cut below Slack's limit, with an ellipsis, not silently by Slack") {
    const json ack = json::parse(slash_command_answer("env-9", Reply{Reply::Kind::ok, std::string(50000, 'x')}));
    const std::string sent = ack["payload"]["text"];
    CHECK(sent.size() <= 40000);
    CHECK(sent.size() > 30000);
    CHECK_THAT(sent, Catch::EndsWith("\u2026"));
}
