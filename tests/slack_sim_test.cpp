// The Slack simulator speaks Slack's wire protocol: checked from the outside
// with a small client (Beast over TLS, verifying the simulator's certificate
// against ca_file() for host "localhost"), not through its insides.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <map>
#include <string>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <nlohmann/json.hpp>

#include "sim_common/https_test_client.hpp"
#include "slack_sim/slack_simulator.hpp"

using namespace warroom::slack_sim;
using namespace std::chrono_literals;
using nlohmann::json;
using warroom::sim_common::HttpReply;
using warroom::sim_common::HttpsTestClient;

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using TlsStream = HttpsTestClient::TlsStream;

constexpr auto kWait = 2000ms;

std::string target_of(const std::string& url) {
    return url.substr(url.find('/', url.find("://") + 3));
}

class SlackClient {
public:
    explicit SlackClient(const SlackSimulator& sim) : https_(sim.api_url(), sim.ca_file()), ca_file_(sim.ca_file()) {}

    // One request on a fresh connection (or on `connection` when given, for keep-alive).
    HttpReply send(const std::string& method, const std::optional<std::string>& token, const std::string& body,
                   const std::string& content_type, TlsStream* connection = nullptr, bool close = false) {
        HttpsTestClient::Request request = https_.request(http::verb::post, "/api/" + method, token.value_or(""));
        if (!content_type.empty()) request.set(http::field::content_type, content_type);
        if (close) request.keep_alive(false);
        request.body() = body;
        return https_.send(request, connection);
    }

    HttpReply post_json(const std::string& method, const std::string& token, const json& args) {
        return send(method, token, args.dump(), "application/json; charset=utf-8");
    }

    HttpReply post_form(const std::string& method, const std::string& token, const std::string& form) {
        return send(method, token, form, "application/x-www-form-urlencoded");
    }

    TlsStream connect() { return https_.connect(); }
    const std::string& ca_file() const { return ca_file_; }

private:
    HttpsTestClient https_;
    std::string ca_file_;
};

// A Socket Mode client: sync WebSocket handshake and writes, reads with a deadline (so a broken simulator
// fails, not hangs). It connects to the port the wss URL names.
class SocketModeClient {
public:
    SocketModeClient(SlackClient& client, const std::string& wss_url)
        : https_(wss_url, client.ca_file()), ws_(https_.connect()) {
        std::string host = "localhost:" + std::to_string(warroom::sim_common::port_of(wss_url));
        ws_.handshake(upgrade_response_, host, target_of(wss_url), handshake_error_);
    }

    bool upgraded() const { return !handshake_error_; }
    unsigned upgrade_status() const { return upgrade_response_.result_int(); }

    json read(std::chrono::milliseconds deadline = kWait) {
        asio::io_context& io = https_.io();
        beast::flat_buffer buffer;
        std::optional<beast::error_code> result;
        ws_.async_read(buffer, [&](beast::error_code error, std::size_t) { result = error; });
        io.restart();
        io.run_for(deadline);
        if (!result) {
            beast::get_lowest_layer(ws_).close();
            io.restart();
            io.run();
            throw std::runtime_error("no WebSocket frame within the deadline");
        }
        if (*result) throw beast::system_error(*result);
        return json::parse(beast::buffers_to_string(buffer.data()));
    }

    void send(const json& frame) { ws_.write(asio::buffer(frame.dump())); }

private:
    HttpsTestClient https_;
    websocket::stream<TlsStream> ws_;
    websocket::response_type upgrade_response_;
    beast::error_code handshake_error_;
};

std::string open_socket_url(SlackClient& client, const SlackSimulator& sim) {
    HttpReply reply = client.post_form("apps.connections.open", sim.app_token(), "");
    REQUIRE(reply.body["ok"] == true);
    return reply.body["url"].get<std::string>();
}

json buttons_block(const std::string& action_id) {
    return {{"type", "actions"},
            {"block_id", "decide"},
            {"elements",
             {{{"type", "button"},
               {"action_id", action_id},
               {"value", "D-1"},
               {"text", {{"type", "plain_text"}, {"text", "Approve"}}}}}}};
}

}  // namespace

TEST_CASE("slack simulator answers auth.test over TLS verified against its CA, with keep-alive", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    REQUIRE(sim.api_url().rfind("https://localhost:", 0) == 0);

    TlsStream connection = client.connect();
    HttpReply first = client.send("auth.test", sim.bot_token(), "", "application/x-www-form-urlencoded", &connection);
    CHECK(first.status == 200);
    CHECK(first.content_type == "application/json; charset=utf-8");
    CHECK(first.body["ok"] == true);
    CHECK(first.body["user_id"] == sim.bot_user_id());
    CHECK(first.body["team_id"] == "T0SIM");
    CHECK(first.body["bot_id"].get<std::string>().rfind("B", 0) == 0);
    // A second request on the same connection, then one asking to close it.
    HttpReply second = client.send("auth.test", sim.bot_token(), "", "", &connection, true);
    CHECK(second.body["ok"] == true);

    auto calls = sim.api_calls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].method == "auth.test");
    CHECK(calls[0].token == sim.bot_token());
    CHECK(calls[0].error.empty());
}

TEST_CASE("slack simulator refuses missing, unknown and wrong-type tokens", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    CHECK(client.send("auth.test", std::nullopt, "", "").body["error"] == "not_authed");
    CHECK(client.post_form("auth.test", "xoxb-forged", "").body["error"] == "invalid_auth");
    CHECK(client.post_form("auth.test", sim.app_token(), "").body["error"] == "not_allowed_token_type");
    CHECK(client.post_form("apps.connections.open", sim.bot_token(), "").body["error"] == "not_allowed_token_type");
    HttpReply unknown = client.post_form("chat.teleport", sim.bot_token(), "");
    CHECK(unknown.status == 200);
    CHECK(unknown.body["error"] == "unknown_method");
    CHECK(sim.api_calls().back().error == "unknown_method");
}

TEST_CASE("slack simulator creates channels by Slack's name rules", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    HttpReply created = client.post_json("conversations.create", sim.bot_token(),
                                         {{"name", "inc-1-payroll-phishing"}, {"is_private", true}});
    REQUIRE(created.body["ok"] == true);
    std::string id = created.body["channel"]["id"];
    CHECK(id.rfind("G", 0) == 0);
    CHECK(created.body["channel"]["is_private"] == true);
    auto channel = sim.channel(id);
    REQUIRE(channel);
    CHECK(channel->creator == sim.bot_user_id());
    CHECK(channel->members.count(sim.bot_user_id()) == 1);

    CHECK(client.post_json("conversations.create", sim.bot_token(), {{"name", "inc-1-payroll-phishing"}})
              .body["error"] == "name_taken");
    CHECK(client.post_json("conversations.create", sim.bot_token(), {{"name", "Inc 2"}}).body["error"] ==
          "invalid_name_specials");
    CHECK(client.post_json("conversations.create", sim.bot_token(), {{"name", std::string(81, 'a')}})
              .body["error"] == "invalid_name_maxlength");
    CHECK(client.post_json("conversations.create", sim.bot_token(), {{"name", ""}}).body["error"] ==
          "invalid_name_required");
    // Form encoding works for write methods too; the public channel gets a C id.
    HttpReply form = client.post_form("conversations.create", sim.bot_token(), "name=inc-2_eng&is_private=false");
    REQUIRE(form.body["ok"] == true);
    CHECK(form.body["channel"]["id"].get<std::string>().rfind("C", 0) == 0);
}

TEST_CASE("slack simulator posts messages with increasing ts and refuses channels the bot is not in", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string exec = sim.add_channel("exec-briefing", false, {sim.bot_user_id(), alice});
    std::string general = sim.add_channel("general", false, {alice});

    HttpReply first = client.post_json("chat.postMessage", sim.bot_token(), {{"channel", exec}, {"text", "one"}});
    HttpReply second = client.post_json("chat.postMessage", sim.bot_token(), {{"channel", exec}, {"text", "two"}});
    REQUIRE(first.body["ok"] == true);
    REQUIRE(second.body["ok"] == true);
    std::string ts1 = first.body["ts"], ts2 = second.body["ts"];
    CHECK(std::regex_match(ts1, std::regex(R"(\d{10}\.\d{6})")));
    CHECK(ts1 < ts2);
    CHECK(first.body["channel"] == exec);
    CHECK(first.body["message"]["text"] == "one");
    REQUIRE(sim.messages(exec).size() == 2);
    CHECK(sim.messages(exec)[0].user == sim.bot_user_id());

    CHECK(client.post_json("chat.postMessage", sim.bot_token(), {{"channel", general}, {"text", "x"}})
              .body["error"] == "not_in_channel");
    CHECK(client.post_json("chat.postMessage", sim.bot_token(), {{"channel", "C0NOSUCH"}, {"text", "x"}})
              .body["error"] == "channel_not_found");
    CHECK(client.post_json("chat.postMessage", sim.bot_token(), {{"channel", exec}}).body["error"] == "no_text");
    CHECK(client.post_json("chat.postMessage", sim.bot_token(), {{"channel", exec}, {"blocks", {{{"text", "x"}}}}})
              .body["error"] == "invalid_blocks");
    json too_many = json::array();
    for (int i = 0; i < 51; ++i) too_many.push_back({{"type", "divider"}});
    CHECK(client.post_json("chat.postMessage", sim.bot_token(), {{"channel", exec}, {"blocks", too_many}})
              .body["error"] == "msg_blocks_too_long");
    CHECK(sim.messages(exec).size() == 2);
}

TEST_CASE("slack simulator history is newest first and shows metadata only when asked", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string exec = sim.add_channel("exec-briefing", false, {sim.bot_user_id(), alice});
    json metadata = {{"event_type", "warroom_publish"}, {"event_payload", {{"draft", "D-1"}}}};
    REQUIRE(client.post_json("chat.postMessage", sim.bot_token(),
                             {{"channel", exec}, {"text", "published"}, {"metadata", metadata}})
                .body["ok"] == true);
    REQUIRE(client.post_json("chat.postMessage", sim.bot_token(), {{"channel", exec}, {"text", "later"}})
                .body["ok"] == true);
    REQUIRE(client.post_json("chat.postEphemeral", sim.bot_token(),
                             {{"channel", exec}, {"user", alice}, {"text", "only alice"}})
                .body["ok"] == true);

    HttpReply plain = client.post_form("conversations.history", sim.bot_token(), "channel=" + exec);
    REQUIRE(plain.body["ok"] == true);
    REQUIRE(plain.body["messages"].size() == 2);   // the ephemeral message is not history
    CHECK(plain.body["messages"][0]["text"] == "later");
    CHECK(plain.body["messages"][1]["text"] == "published");
    CHECK_FALSE(plain.body["messages"][1].contains("metadata"));

    HttpReply with = client.post_form("conversations.history", sim.bot_token(),
                                      "channel=" + exec + "&include_all_metadata=true&limit=1");
    REQUIRE(with.body["messages"].size() == 1);
    CHECK(with.body["has_more"] == true);
    std::string cursor = with.body["response_metadata"]["next_cursor"];
    HttpReply next = client.post_form("conversations.history", sim.bot_token(),
                                      "channel=" + exec + "&include_all_metadata=1&cursor=" + cursor);
    REQUIRE(next.body["messages"].size() == 1);
    CHECK(next.body["messages"][0]["metadata"] == metadata);
    CHECK(next.body["response_metadata"]["next_cursor"] == "");

    // A read method takes form or query arguments only: in a JSON body, its channel is absent.
    CHECK(client.post_json("conversations.history", sim.bot_token(), {{"channel", exec}}).body["error"] ==
          "channel_not_found");
}

TEST_CASE("slack simulator history names the bot of each app's message, and a renamed channel keeps its id",
          "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    const std::string alice = sim.add_user("alice");
    const std::string copycat = sim.add_app("copycat");
    const std::string exec = sim.add_channel("exec-briefing", false, {sim.bot_user_id(), alice});
    json metadata = {{"event_type", "warroom_publish"}, {"event_payload", {{"outbox_job", 3}}}};
    CHECK_THROWS(sim.post_as(copycat, exec, "not in the channel yet"));
    sim.add_member(exec, copycat);
    REQUIRE(client.post_json("chat.postMessage", sim.bot_token(),
                             {{"channel", exec}, {"text", "ours"}, {"metadata", metadata}})
                .body["ok"] == true);
    sim.post_as(copycat, exec, "theirs", metadata);
    sim.post_as(alice, exec, "a person's");

    const json history = client.post_form("conversations.history", sim.bot_token(),
                                          "channel=" + exec + "&include_all_metadata=true").body;
    REQUIRE(history["messages"].size() == 3);
    const json& person = history["messages"][0];
    const json& theirs = history["messages"][1];
    const json& ours = history["messages"][2];
    const std::string own_bot = client.post_form("auth.test", sim.bot_token(), "").body["bot_id"];
    CHECK(ours["bot_id"] == own_bot);
    CHECK(theirs["user"] == copycat);
    CHECK(theirs["bot_id"].get<std::string>().rfind("B", 0) == 0);
    CHECK(theirs["bot_id"] != own_bot);
    CHECK(theirs["app_id"] != ours["app_id"]);
    CHECK(theirs["metadata"] == ours["metadata"]);   // any app may write any metadata
    CHECK_FALSE(person.contains("bot_id"));

    sim.rename_channel(exec, "exec-old");
    CHECK_THROWS(sim.rename_channel(exec, "Exec"));
    const json info = client.post_form("conversations.info", sim.bot_token(), "channel=" + exec).body["channel"];
    CHECK(info["name"] == "exec-old");
    CHECK(info["previous_names"] == json::array({"exec-briefing"}));
    // The old name is free for anyone.
    CHECK(sim.add_channel("exec-briefing", false, {alice}) != exec);
}

TEST_CASE("slack simulator rate-limits with 429 and Retry-After, and fails with 500, not executing", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string exec = sim.add_channel("exec-briefing", false, {sim.bot_user_id()});
    json post = {{"channel", exec}, {"text", "hello"}};

    sim.rate_limit("chat.postMessage", 1, 7);
    HttpReply limited = client.post_json("chat.postMessage", sim.bot_token(), post);
    CHECK(limited.status == 429);
    CHECK(limited.retry_after == "7");
    CHECK(limited.body["error"] == "ratelimited");
    CHECK(sim.messages(exec).empty());

    sim.fail("chat.postMessage", 1);
    HttpReply failed = client.post_json("chat.postMessage", sim.bot_token(), post);
    CHECK(failed.status == 500);
    CHECK(sim.messages(exec).empty());

    CHECK(client.post_json("chat.postMessage", sim.bot_token(), post).body["ok"] == true);
    CHECK(sim.messages(exec).size() == 1);
    auto calls = sim.api_calls();
    REQUIRE(calls.size() == 3);
    CHECK(calls[0].http_status == 429);
    CHECK(calls[0].error == "ratelimited");
    CHECK(calls[1].http_status == 500);
    CHECK(calls[2].http_status == 200);
}

TEST_CASE("slack simulator Socket Mode says hello, sends an escaped slash command and records the ack", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string bob = sim.add_user("bob");
    std::string exec = sim.add_channel("exec-briefing", false, {sim.bot_user_id(), alice});
    std::string general = sim.add_channel("general", false, {alice});

    std::string url = open_socket_url(client, sim);
    CHECK(std::regex_match(url, std::regex(R"(wss://localhost:\d+/link/\?ticket=[0-9a-f-]+&app_id=A\w+)")));
    SocketModeClient socket(client, url);
    REQUIRE(socket.upgraded());
    json hello = socket.read();
    CHECK(hello["type"] == "hello");
    CHECK(hello["num_connections"] == 1);
    CHECK(hello["connection_info"]["app_id"].get<std::string>().rfind("A", 0) == 0);
    CHECK(sim.connections_opened() == 1);

    std::string id = sim.slash_command(alice, general, "declare sev2 @bob & #exec-briefing <now>");
    json envelope = socket.read();
    CHECK(envelope["envelope_id"] == id);
    CHECK(envelope["type"] == "slash_commands");
    CHECK(envelope["accepts_response_payload"] == true);
    CHECK(envelope["retry_attempt"] == 0);
    CHECK(envelope["retry_reason"] == "");
    const json& payload = envelope["payload"];
    CHECK(payload["command"] == "/incident");
    CHECK(payload["user_id"] == alice);
    CHECK(payload["user_name"] == "alice");
    CHECK(payload["channel_id"] == general);
    CHECK(payload["channel_name"] == "general");
    CHECK(payload["team_id"] == "T0SIM");
    CHECK(payload["text"] == "declare sev2 <@" + bob + "|bob> &amp; <#" + exec + "|exec-briefing> &lt;now&gt;");
    CHECK(payload["response_url"].get<std::string>().rfind("https://localhost:", 0) == 0);

    socket.send({{"envelope_id", id}, {"payload", {{"text", "Declared INC-1"}}}});
    socket.send({{"envelope_id", "not-an-envelope"}});   // ignored, recorded nowhere
    REQUIRE(sim.wait_for([&] { return !sim.acks().empty(); }, kWait));
    auto acks = sim.acks();
    REQUIRE(acks.size() == 1);
    CHECK(acks[0].envelope_id == id);
    CHECK(acks[0].payload["text"] == "Declared INC-1");
    CHECK(acks[0].connection == 1);
    CHECK(sim.unacked_envelopes().empty());
    CHECK(sim.envelopes_sent() == 1);
}

TEST_CASE("slack simulator redelivers an unacked envelope after drop_sockets on the next connection", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string general = sim.add_channel("general", false, {alice});

    std::string first_url = open_socket_url(client, sim);
    std::string id;
    {
        SocketModeClient first(client, first_url);
        REQUIRE(first.read()["type"] == "hello");
        id = sim.slash_command(alice, general, "list");
        REQUIRE(first.read()["envelope_id"] == id);
        sim.drop_sockets();
        CHECK_THROWS(first.read());   // reset, no close frame
    }
    REQUIRE(sim.wait_for([&] { return sim.open_connections() == 0; }, kWait));
    CHECK(sim.unacked_envelopes() == std::vector<std::string>{id});

    SocketModeClient second(client, open_socket_url(client, sim));
    json hello = second.read();
    CHECK(hello["type"] == "hello");
    CHECK(hello["num_connections"] == 1);
    json again = second.read();
    CHECK(again["envelope_id"] == id);
    CHECK(again["retry_attempt"] == 1);
    CHECK(again["retry_reason"] == "connection_lost");
    CHECK(again["payload"]["text"] == "list");
    second.send({{"envelope_id", id}});
    REQUIRE(sim.wait_for([&] { return sim.acks().size() == 1; }, kWait));
    CHECK(sim.acks()[0].connection == 2);
    CHECK(sim.acks()[0].payload.is_null());
    CHECK(sim.envelopes_sent() == 2);
    CHECK(sim.connections_opened() == 2);
}

TEST_CASE("slack simulator redelivers an envelope not acked within the ack timeout", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string general = sim.add_channel("general", false, {alice});
    sim.set_ack_timeout(200ms);

    SocketModeClient socket(client, open_socket_url(client, sim));
    REQUIRE(socket.read()["type"] == "hello");
    std::string id = sim.slash_command(alice, general, "list");
    REQUIRE(socket.read()["retry_attempt"] == 0);
    json again = socket.read();
    CHECK(again["envelope_id"] == id);
    CHECK(again["retry_attempt"] == 1);
    CHECK(again["retry_reason"] == "timeout");
    socket.send({{"envelope_id", id}});
    REQUIRE(sim.wait_for([&] { return sim.unacked_envelopes().empty(); }, kWait));
    CHECK(sim.acks().size() == 1);
}

TEST_CASE("slack simulator refuses a reused Socket Mode ticket with HTTP 401", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string url = open_socket_url(client, sim);
    SocketModeClient first(client, url);
    REQUIRE(first.upgraded());
    SocketModeClient reused(client, url);
    CHECK_FALSE(reused.upgraded());
    CHECK(reused.upgrade_status() == 401);
    CHECK(first.read()["type"] == "hello");
    CHECK(sim.connections_opened() == 1);
}

TEST_CASE("slack simulator sends a button click as a block_actions envelope", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string erin = sim.add_user("erin");
    std::string outsider = sim.add_user("mallory");
    std::string exec = sim.add_channel("exec-briefing", true, {sim.bot_user_id(), erin});
    // Form-encoded, as many clients send it: blocks travel as a JSON string.
    std::string blocks = warroom::sim_common::percent_encode(json::array({buttons_block("approve")}).dump());
    HttpReply posted = client.post_form("chat.postMessage", sim.bot_token(),
                                        "channel=" + exec + "&text=Approve%20D-1%3F&blocks=" + blocks);
    REQUIRE(posted.body["ok"] == true);
    std::string ts = posted.body["ts"];

    CHECK_THROWS_AS(sim.click(erin, exec, ts, "no-such-button"), std::runtime_error);
    CHECK_THROWS_AS(sim.click(outsider, exec, ts, "approve"), std::runtime_error);
    CHECK_THROWS_AS(sim.click(erin, exec, "1.000000", "approve"), std::runtime_error);

    SocketModeClient socket(client, open_socket_url(client, sim));
    REQUIRE(socket.read()["type"] == "hello");
    std::string id = sim.click(erin, exec, ts, "approve");
    json envelope = socket.read();
    CHECK(envelope["envelope_id"] == id);
    CHECK(envelope["type"] == "interactive");
    CHECK(envelope["accepts_response_payload"] == false);
    const json& payload = envelope["payload"];
    CHECK(payload["type"] == "block_actions");
    CHECK(payload["user"]["id"] == erin);
    CHECK(payload["user"]["username"] == "erin");
    CHECK(payload["container"]["message_ts"] == ts);
    CHECK(payload["container"]["channel_id"] == exec);
    CHECK(payload["channel"]["id"] == exec);
    CHECK(payload["message"]["ts"] == ts);
    CHECK(payload["message"]["blocks"][0]["block_id"] == "decide");
    REQUIRE(payload["actions"].size() == 1);
    CHECK(payload["actions"][0]["action_id"] == "approve");
    CHECK(payload["actions"][0]["block_id"] == "decide");
    CHECK(payload["actions"][0]["value"] == "D-1");
    CHECK(payload["actions"][0]["action_ts"].get<std::string>() > ts);
}

TEST_CASE("slack simulator stops delivering to a socket it told to disconnect", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string general = sim.add_channel("general", false, {alice});

    SocketModeClient old_socket(client, open_socket_url(client, sim));
    REQUIRE(old_socket.read()["type"] == "hello");
    sim.send_disconnect();
    json disconnect = old_socket.read();
    CHECK(disconnect["type"] == "disconnect");
    CHECK(disconnect["reason"] == "refresh_requested");

    std::string id = sim.slash_command(alice, general, "list");   // waits: no connection is ready
    SocketModeClient new_socket(client, open_socket_url(client, sim));
    json hello = new_socket.read();
    CHECK(hello["num_connections"] == 2);   // the old one is still open until closed
    CHECK(new_socket.read()["envelope_id"] == id);
    CHECK(sim.envelopes_sent() == 1);
}

TEST_CASE("slack simulator invites, lists, opens DMs, pins, updates and sets topics as Slack does", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    const std::string bot = sim.bot_token();
    std::string alice = sim.add_user("alice");
    std::string bob = sim.add_user("bob");
    std::string incident =
        client.post_json("conversations.create", bot, {{"name", "inc-1-main"}, {"is_private", true}})
            .body["channel"]["id"];
    std::string hidden = sim.add_channel("secret", true, {alice});
    sim.add_channel("general", false, {alice});

    json invite = {{"channel", incident}, {"users", alice + "," + bob}};
    CHECK(client.post_json("conversations.invite", bot, invite).body["ok"] == true);
    CHECK(client.post_json("conversations.invite", bot, invite).body["error"] == "already_in_channel");
    CHECK(client.post_json("conversations.invite", bot, {{"channel", incident}, {"users", "U0NOBODY"}}).body["error"] ==
          "user_not_found");
    CHECK(client.post_json("conversations.invite", bot, {{"channel", incident}, {"users", sim.bot_user_id()}})
              .body["error"] == "cant_invite_self");
    // A private channel the bot is not in does not exist for it.
    CHECK(client.post_json("conversations.invite", bot, {{"channel", hidden}, {"users", bob}}).body["error"] ==
          "channel_not_found");
    CHECK(sim.channel(incident)->members.size() == 3);

    // Two pages of one; the private channel the bot is not in is never listed.
    HttpReply page1 = client.post_form("conversations.list", bot, "types=public_channel,private_channel&limit=1");
    REQUIRE(page1.body["channels"].size() == 1);
    std::string cursor = page1.body["response_metadata"]["next_cursor"];
    REQUIRE_FALSE(cursor.empty());
    HttpReply page2 =
        client.post_form("conversations.list", bot, "types=public_channel,private_channel&limit=1&cursor=" + cursor);
    REQUIRE(page2.body["channels"].size() == 1);
    CHECK(page2.body["response_metadata"]["next_cursor"] == "");
    std::set<std::string> listed = {page1.body["channels"][0]["name"], page2.body["channels"][0]["name"]};
    CHECK(listed == std::set<std::string>{"inc-1-main", "general"});

    std::string dm = client.post_json("conversations.open", bot, {{"users", alice}}).body["channel"]["id"];
    CHECK(dm.rfind("D", 0) == 0);
    CHECK(client.post_json("conversations.open", bot, {{"users", alice}}).body["channel"]["id"] == dm);

    std::string ts = client.post_json("chat.postMessage", bot, {{"channel", incident}, {"text", "v1"}}).body["ts"];
    CHECK(client.post_json("pins.add", bot, {{"channel", incident}, {"timestamp", ts}}).body["ok"] == true);
    CHECK(client.post_json("pins.add", bot, {{"channel", incident}, {"timestamp", ts}}).body["error"] ==
          "already_pinned");
    CHECK(client.post_json("chat.update", bot, {{"channel", incident}, {"ts", ts}, {"text", "v2"}}).body["ok"] == true);
    CHECK(sim.message(incident, ts)->text == "v2");
    CHECK(sim.message(incident, ts)->edits == 1);
    CHECK(client.post_json("chat.update", bot, {{"channel", incident}, {"ts", "1.000000"}, {"text", "x"}})
              .body["error"] == "message_not_found");

    CHECK(client.post_json("conversations.setTopic", bot, {{"channel", incident}, {"topic", std::string(251, 't')}})
              .body["error"] == "too_long");
    CHECK(client.post_json("conversations.setTopic", bot, {{"channel", incident}, {"topic", "SEV2 | lead: alice"}})
              .body["channel"]["topic"]["value"] == "SEV2 | lead: alice");
    CHECK(sim.channel(incident)->topic == "SEV2 | lead: alice");
}

TEST_CASE("slack simulator sends disconnect after every N envelopes when asked", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string general = sim.add_channel("general", false, {alice});
    sim.disconnect_every(1);

    SocketModeClient socket(client, open_socket_url(client, sim));
    REQUIRE(socket.read()["type"] == "hello");
    std::string id = sim.slash_command(alice, general, "list");
    CHECK(socket.read()["envelope_id"] == id);
    CHECK(socket.read()["type"] == "disconnect");
    socket.send({{"envelope_id", id}});   // an ack on a socket told to go away still counts
    REQUIRE(sim.wait_for([&] { return sim.acks().size() == 1; }, kWait));
}

TEST_CASE("slack simulator holds a slow answer without blocking other requests", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient slow_client(sim);
    SlackClient other_client(sim);
    std::string exec = sim.add_channel("exec-briefing", false, {sim.bot_user_id()});
    json post = {{"channel", exec}, {"text", "hello"}};

    sim.slow("chat.postMessage", 1, 1500ms);
    const auto asked = std::chrono::steady_clock::now();
    auto held = std::async(std::launch::async, [&] { return slow_client.post_json("chat.postMessage", sim.bot_token(), post); });
    REQUIRE(sim.wait_for([&] { return sim.answers_held() == 1; }, kWait));
    // The call ran at once; only its answer waits, and the server answers others meanwhile.
    CHECK(sim.messages(exec).size() == 1);
    CHECK(other_client.post_form("auth.test", sim.bot_token(), "").body["ok"] == true);
    CHECK(held.wait_for(0ms) == std::future_status::timeout);
    HttpReply answer = held.get();
    CHECK(std::chrono::steady_clock::now() - asked >= 1500ms);
    CHECK(answer.body["ok"] == true);
    // Only the next one.
    CHECK(other_client.post_json("chat.postMessage", sim.bot_token(), post).body["ok"] == true);
    CHECK(sim.answers_held() == 1);
}

TEST_CASE("slack simulator cuts an answer short after running the call", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string exec = sim.add_channel("exec-briefing", false, {sim.bot_user_id()});
    json post = {{"channel", exec}, {"text", "hello"}};

    sim.truncate("chat.postMessage", 1);
    TlsStream connection = client.connect();
    // Content-Length promises more than comes before the connection ends.
    CHECK_THROWS(client.send("chat.postMessage", sim.bot_token(), post.dump(), "application/json; charset=utf-8", &connection));
    CHECK(sim.answers_cut() == 1);
    CHECK(sim.messages(exec).size() == 1);
    CHECK(client.post_json("chat.postMessage", sim.bot_token(), post).body["ok"] == true);
    CHECK(sim.messages(exec).size() == 2);
    CHECK(sim.answers_cut() == 1);
}

TEST_CASE("slack simulator cuts an envelope mid-message, closes the socket and redelivers it", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string general = sim.add_channel("general", false, {alice});

    sim.truncate_envelopes(1);
    std::string id;
    {
        SocketModeClient first(client, open_socket_url(client, sim));
        REQUIRE(first.read()["type"] == "hello");
        id = sim.slash_command(alice, general, "list");
        CHECK_THROWS(first.read());   // half a message, then the connection ends
    }
    CHECK(sim.envelopes_cut() == 1);
    REQUIRE(sim.wait_for([&] { return sim.open_connections() == 0; }, kWait));
    CHECK(sim.unacked_envelopes() == std::vector<std::string>{id});

    SocketModeClient second(client, open_socket_url(client, sim));
    REQUIRE(second.read()["type"] == "hello");
    json again = second.read();
    CHECK(again["envelope_id"] == id);
    CHECK(again["retry_attempt"] == 1);
    CHECK(again["retry_reason"] == "connection_lost");
    second.send({{"envelope_id", id}});
    REQUIRE(sim.wait_for([&] { return sim.unacked_envelopes().empty(); }, kWait));
    CHECK(sim.envelopes_cut() == 1);
}

TEST_CASE("slack simulator fails the next TLS handshakes when asked", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    sim.fail_handshakes(2);
    CHECK_THROWS(client.connect());
    CHECK_THROWS(client.post_form("auth.test", sim.bot_token(), ""));
    CHECK(sim.handshakes_failed() == 2);
    CHECK(client.post_form("auth.test", sim.bot_token(), "").body["ok"] == true);
    CHECK(sim.handshakes_failed() == 2);
    // The failed ones never reached the Web API.
    CHECK(sim.api_calls().size() == 1);
}

TEST_CASE("slack simulator spreads envelopes over every live connection of the app, as Slack does", "[slack_sim]") {
    SlackSimulator sim;
    SlackClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string general = sim.add_channel("general", false, {alice});

    SocketModeClient first(client, open_socket_url(client, sim));
    REQUIRE(first.read()["type"] == "hello");
    SocketModeClient second(client, open_socket_url(client, sim));
    REQUIRE(second.read()["num_connections"] == 2);
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) ids.push_back(sim.slash_command(alice, general, "list"));
    // Two each, in turn; each connection acks what it got.
    for (SocketModeClient* connection : {&first, &second, &first, &second}) {
        const json envelope = connection->read();
        REQUIRE(envelope.contains("envelope_id"));
        connection->send({{"envelope_id", envelope["envelope_id"]}});
    }
    REQUIRE(sim.wait_for([&] { return sim.acks().size() == 4; }, kWait));
    std::map<int, int> per_connection;
    for (const auto& ack : sim.acks()) ++per_connection[ack.connection];
    CHECK(per_connection == std::map<int, int>{{1, 2}, {2, 2}});
    CHECK(sim.unacked_envelopes().empty());
}
