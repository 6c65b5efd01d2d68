// The Matrix simulator speaks the client-server API: checked from the outside
// over TLS verified against ca_file() for host "localhost" — by the project's
// own HTTP client for a login, and otherwise by the simulators' small test
// client (GET and PUT too), not through the simulator's insides.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/endpoint.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/tls.hpp"
#include "matrix_sim/matrix_simulator.hpp"
#include "sim_common/https_test_client.hpp"

using namespace warroom::matrix_sim;
using namespace std::chrono_literals;
using nlohmann::json;
using warroom::sim_common::HttpReply;
using warroom::sim_common::HttpsTestClient;
using warroom::sim_common::percent_encode;

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace ssl = asio::ssl;

constexpr auto kWait = 5000ms;
const std::string kApi = "/_matrix/client/v3";

// One request per connection, each with a deadline (kWait unless given).
class MatrixClient {
public:
    explicit MatrixClient(const MatrixSimulator& sim) : https_(sim.homeserver_url(), sim.ca_file()) {}

    HttpReply request(http::verb method, const std::string& target, const std::string& token,
                      const std::optional<std::string>& body = std::nullopt, std::chrono::milliseconds deadline = kWait) {
        HttpsTestClient::Request request = https_.request(method, target, token);
        if (body) {
            request.set(http::field::content_type, "application/json");
            request.body() = *body;
        }
        return https_.send(request, nullptr, deadline);
    }

    HttpReply get(const std::string& target, const std::string& token, std::chrono::milliseconds deadline = kWait) {
        return request(http::verb::get, target, token, std::nullopt, deadline);
    }
    HttpReply post(const std::string& target, const std::string& token, const json& body) {
        return request(http::verb::post, target, token, body.dump());
    }
    HttpReply put(const std::string& target, const std::string& token, const json& body) {
        return request(http::verb::put, target, token, body.dump());
    }

private:
    HttpsTestClient https_;
};

std::string room_path(const std::string& room_id, const std::string& rest) {
    return kApi + "/rooms/" + percent_encode(room_id) + rest;
}

std::string sync_target(const std::optional<std::string>& since, long timeout_ms, const std::string& filter = "") {
    std::string target = kApi + "/sync?timeout=" + std::to_string(timeout_ms);
    if (since) target += "&since=" + percent_encode(*since);
    if (!filter.empty()) target += "&filter=" + percent_encode(filter);
    return target;
}

json login_body(const std::string& user, const std::string& password) {
    return {{"type", "m.login.password"}, {"identifier", {{"type", "m.id.user"}, {"user", user}}}, {"password", password}};
}

std::vector<std::string> types_of(const json& events) {
    std::vector<std::string> types;
    for (const auto& event : events) types.push_back(event.value("type", "(none)"));
    return types;
}

std::vector<std::string> bodies_of(const json& events) {
    std::vector<std::string> bodies;
    for (const auto& event : events)
        if (event.value("type", "") == "m.room.message") bodies.push_back(event["content"].value("body", ""));
    return bodies;
}

const json* find_event_of_type(const json& events, const std::string& type, const std::string& state_key = "") {
    for (const auto& event : events)
        if (event.value("type", "") == type && event.value("state_key", "") == state_key) return &event;
    return nullptr;
}

// A homeserver with two people besides the bot, and a client to call it.
struct AliceAndBob {
    MatrixSimulator sim;
    MatrixClient client{sim};
    std::string alice = sim.add_user("alice");
    std::string bob = sim.add_user("bob");
    std::string bot = sim.bot_user_id();
};

}  // namespace

TEST_CASE("matrix simulator logs in by localpart through the project's HttpClient and by user id, and answers whoami",
          "[matrix_sim]") {
    MatrixSimulator sim;
    REQUIRE(sim.homeserver_url().rfind("https://localhost:", 0) == 0);
    CHECK(sim.server_name() == "localhost");
    CHECK(sim.bot_user_id() == "@warroom:localhost");

    // The bot's own client: TLS context with the test CA, POST through net::HttpClient.
    auto endpoint = warroom::net::parse_endpoint(sim.homeserver_url(), "https", "MATRIX_HOMESERVER");
    REQUIRE(std::holds_alternative<warroom::net::Endpoint>(endpoint));
    asio::io_context io;
    ssl::context tls = warroom::net::make_client_tls_context(sim.ca_file());
    warroom::net::HttpClient http_client(io.get_executor(), tls, std::get<warroom::net::Endpoint>(endpoint), 5s);
    warroom::net::HttpRequest login_request;
    login_request.target = kApi + "/login";
    login_request.content_type = "application/json";
    login_request.body = login_body("warroom", sim.bot_password()).dump();
    auto answered = asio::co_spawn(io, http_client.post(login_request), asio::use_future);
    io.run();
    warroom::net::HttpResponse by_localpart = answered.get();
    REQUIRE(by_localpart.status == 200);
    json first = json::parse(by_localpart.body);
    CHECK(first["user_id"] == sim.bot_user_id());
    std::string first_token = first["access_token"];
    CHECK_FALSE(first["device_id"].get<std::string>().empty());

    MatrixClient client(sim);
    HttpReply by_user_id = client.post(kApi + "/login", "", login_body(sim.bot_user_id(), sim.bot_password()));
    REQUIRE(by_user_id.status == 200);
    std::string second_token = by_user_id.body["access_token"];
    CHECK(second_token != first_token);
    CHECK(second_token != sim.bot_token());
    CHECK(by_user_id.body["device_id"] != first["device_id"]);

    HttpReply whoami = client.get(kApi + "/account/whoami", second_token);
    CHECK(whoami.status == 200);
    CHECK(whoami.body["user_id"] == sim.bot_user_id());
    CHECK(whoami.body["device_id"] == by_user_id.body["device_id"]);
    CHECK(client.get(kApi + "/account/whoami", first_token).body["device_id"] == first["device_id"]);

    HttpReply wrong = client.post(kApi + "/login", "", login_body("warroom", "not-the-password"));
    CHECK(wrong.status == 403);
    CHECK(wrong.body["errcode"] == "M_FORBIDDEN");
    CHECK(client.post(kApi + "/login", "", login_body("nobody", "secret")).body["errcode"] == "M_FORBIDDEN");

    auto requests = sim.requests();
    REQUIRE(requests.size() == 6);
    CHECK(requests[0].endpoint == "login");
    CHECK(requests[0].method == "POST");
    CHECK(requests[0].body["identifier"]["user"] == "warroom");
    CHECK(requests[2].endpoint == "whoami");
    CHECK(requests[2].user == sim.bot_user_id());
    CHECK(requests[2].token == second_token);
    CHECK(requests[4].status == 403);
    CHECK(requests[4].errcode == "M_FORBIDDEN");
}

TEST_CASE("matrix simulator refuses missing, unknown and expired tokens with 401", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string alice = sim.add_user("alice");

    HttpReply missing = client.get(kApi + "/account/whoami", "");
    CHECK(missing.status == 401);
    CHECK(missing.body["errcode"] == "M_MISSING_TOKEN");

    HttpReply unknown = client.get(kApi + "/account/whoami", "syt_forged");
    CHECK(unknown.status == 401);
    CHECK(unknown.body["errcode"] == "M_UNKNOWN_TOKEN");
    CHECK(unknown.body["soft_logout"] == false);

    // The token may also come as a query parameter.
    CHECK(client.get(kApi + "/account/whoami?access_token=" + percent_encode(sim.token_of(alice)), "").body["user_id"] == alice);

    REQUIRE(client.get(kApi + "/account/whoami", sim.bot_token()).status == 200);
    sim.expire_token(sim.bot_token());
    HttpReply expired = client.get(kApi + "/account/whoami", sim.bot_token());
    CHECK(expired.status == 401);
    CHECK(expired.body["errcode"] == "M_UNKNOWN_TOKEN");
    CHECK(expired.body["soft_logout"] == false);
    CHECK(sim.requests().back().user.empty());
    CHECK(client.get(kApi + "/account/whoami", sim.token_of(alice)).status == 200);
}

TEST_CASE("matrix simulator initial sync gives joined rooms with filtered timeline and state, and invites",
          "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string bot = sim.bot_user_id();
    std::string exec = sim.create_room(alice, "Exec briefing", "exec-briefing", {bot});
    std::string hello = sim.send_text(alice, exec, "hello bot");
    std::string invited_to = sim.create_room(alice, "Payroll phishing", std::nullopt, {});
    sim.invite(invited_to, alice, bot);

    json filter = {{"room", {{"timeline", {{"types", {"m.room.message"}}}}}}};
    HttpReply uploaded = client.post(kApi + "/user/" + percent_encode(bot) + "/filter", sim.bot_token(), filter);
    REQUIRE(uploaded.status == 200);
    std::string filter_id = uploaded.body["filter_id"];
    CHECK(client.post(kApi + "/user/" + percent_encode(alice) + "/filter", sim.bot_token(), filter).status == 403);

    HttpReply initial = client.get(sync_target(std::nullopt, 0, filter_id), sim.bot_token());
    REQUIRE(initial.status == 200);
    CHECK(initial.body["next_batch"].is_string());
    const json& joined = initial.body["rooms"]["join"];
    REQUIRE(joined.size() == 1);
    REQUIRE(joined.contains(exec));
    const json& timeline = joined[exec]["timeline"];
    REQUIRE(timeline["events"].size() == 1);   // only m.room.message passes the filter
    const json& message = timeline["events"][0];
    CHECK(message["event_id"] == hello);
    CHECK(message["sender"] == alice);
    CHECK(message["content"]["body"] == "hello bot");
    CHECK(message["content"]["msgtype"] == "m.text");
    CHECK(message["origin_server_ts"].is_number_integer());
    CHECK(message["unsigned"].is_object());
    CHECK_FALSE(message.contains("room_id"));
    CHECK(timeline["limited"] == false);
    const json& state = joined[exec]["state"]["events"];
    CHECK(find_event_of_type(state, "m.room.create"));
    CHECK(find_event_of_type(state, "m.room.power_levels"));
    REQUIRE(find_event_of_type(state, "m.room.name"));
    CHECK((*find_event_of_type(state, "m.room.name"))["content"]["name"] == "Exec briefing");
    CHECK(find_event_of_type(state, "m.room.member", bot));

    REQUIRE(initial.body["rooms"]["invite"].contains(invited_to));
    const json& stripped = initial.body["rooms"]["invite"][invited_to]["invite_state"]["events"];
    CHECK(find_event_of_type(stripped, "m.room.create"));
    CHECK(find_event_of_type(stripped, "m.room.join_rules"));
    REQUIRE(find_event_of_type(stripped, "m.room.name"));
    const json* invite = find_event_of_type(stripped, "m.room.member", bot);
    REQUIRE(invite);
    CHECK((*invite)["sender"] == alice);
    CHECK((*invite)["content"]["membership"] == "invite");

    // Joining by the room id: the next sync gives that room in full, as new to the client.
    std::string next = initial.body["next_batch"];
    HttpReply joined_now = client.post(kApi + "/join/" + percent_encode(invited_to), sim.bot_token(), json::object());
    REQUIRE(joined_now.status == 200);
    CHECK(joined_now.body["room_id"] == invited_to);
    HttpReply after_join = client.get(sync_target(next, 0), sim.bot_token());
    REQUIRE(after_join.body["rooms"]["join"].contains(invited_to));
    CHECK_FALSE(after_join.body["rooms"]["join"].contains(exec));
    CHECK_FALSE(after_join.body["rooms"].contains("invite"));
    CHECK(find_event_of_type(after_join.body["rooms"]["join"][invited_to]["timeline"]["events"], "m.room.member", bot));
    // Everything fits in the timeline, so it carries the state events too (state holds only what precedes it).
    CHECK(find_event_of_type(after_join.body["rooms"]["join"][invited_to]["timeline"]["events"], "m.room.create"));
    CHECK(sim.room(invited_to)->joined.count(bot) == 1);

    // An inline JSON filter works as well as an id.
    HttpReply inline_filter = client.get(sync_target(std::nullopt, 0, filter.dump()), sim.bot_token());
    CHECK(types_of(inline_filter.body["rooms"]["join"][exec]["timeline"]["events"]) ==
          std::vector<std::string>{"m.room.message"});
    CHECK(sim.syncs_answered() == 3);
}

TEST_CASE("matrix simulator holds an incremental sync until its timeout, and wakes it when a message arrives",
          "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string room = sim.create_room(alice, "Ops", std::nullopt, {sim.bot_user_id()});
    std::string since = client.get(sync_target(std::nullopt, 0), sim.bot_token()).body["next_batch"];

    // Nothing new: held for the timeout, then empty with the same token.
    auto started = std::chrono::steady_clock::now();
    HttpReply quiet = client.get(sync_target(since, 300), sim.bot_token());
    CHECK(std::chrono::steady_clock::now() - started >= 290ms);
    CHECK(quiet.status == 200);
    CHECK_FALSE(quiet.body.contains("rooms"));
    CHECK(quiet.body["next_batch"] == since);

    // A 30 s long-poll on another thread, woken by alice's message.
    MatrixClient poller(sim);
    std::string token = sim.bot_token();
    auto polled = std::async(std::launch::async, [&] { return poller.get(sync_target(since, 30000), token, 10s); });
    REQUIRE(sim.wait_for([&] { return sim.syncs_waiting() == 1; }, kWait));
    std::string sent = sim.send_text(alice, room, "status?");
    REQUIRE(polled.wait_for(kWait) == std::future_status::ready);
    HttpReply woken = polled.get();
    REQUIRE(woken.status == 200);
    const json& events = woken.body["rooms"]["join"][room]["timeline"]["events"];
    REQUIRE(events.size() == 1);
    CHECK(events[0]["event_id"] == sent);
    CHECK(events[0]["content"]["body"] == "status?");
    CHECK(woken.body["next_batch"] != since);
    CHECK(sim.syncs_waiting() == 0);
}

TEST_CASE("matrix simulator createRoom makes the real event sequence, alias and power levels", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string bot = sim.bot_user_id();
    json request = {{"name", "INC-1 payroll phishing"},
                    {"topic", "sev2"},
                    {"preset", "private_chat"},
                    {"visibility", "private"},
                    {"room_alias_name", "inc-1-payroll"},
                    {"invite", json::array({alice})},
                    {"power_level_content_override", {{"users", {{bot, 100}, {alice, 50}}}}},
                    {"initial_state",
                     json::array({{{"type", "m.room.guest_access"}, {"content", {{"guest_access", "forbidden"}}}}})}};
    HttpReply created = client.post(kApi + "/createRoom", sim.bot_token(), request);
    REQUIRE(created.status == 200);
    std::string room_id = created.body["room_id"];
    CHECK(room_id.front() == '!');
    CHECK(room_id.substr(room_id.size() - 10) == ":localhost");

    std::vector<std::string> sequence;
    for (const auto& event : sim.events(room_id)) sequence.push_back(event.type + "/" + event.state_key.value_or("-"));
    CHECK(sequence == std::vector<std::string>{"m.room.create/", "m.room.member/" + bot, "m.room.power_levels/",
                                               "m.room.join_rules/", "m.room.history_visibility/", "m.room.name/",
                                               "m.room.topic/", "m.room.canonical_alias/", "m.room.guest_access/",
                                               "m.room.member/" + alice});
    auto events = sim.events(room_id);
    CHECK(events[0].content["creator"] == bot);
    CHECK(events[0].content["room_version"] == "10");
    CHECK(events[3].content["join_rule"] == "invite");
    CHECK(events[4].content["history_visibility"] == "shared");
    CHECK(events[7].content["alias"] == "#inc-1-payroll:localhost");
    CHECK(events[9].content["membership"] == "invite");

    auto room = sim.room(room_id);
    REQUIRE(room);
    CHECK(room->name == "INC-1 payroll phishing");
    CHECK(room->topic == "sev2");
    CHECK(room->join_rule == "invite");
    CHECK(room->aliases == std::vector<std::string>{"#inc-1-payroll:localhost"});
    CHECK(room->invited == std::set<std::string>{alice});
    CHECK(room->joined == std::set<std::string>{bot});
    // The override's users replace the default map; the other defaults stay.
    CHECK(room->power_levels["users"] == json({{bot, 100}, {alice, 50}}));
    CHECK(room->power_levels["state_default"] == 50);
    CHECK(room->power_levels["events_default"] == 0);
    CHECK(room->power_levels["invite"] == 0);
    CHECK(room->power_levels["notifications"]["room"] == 50);
    CHECK(sim.room_by_alias("#inc-1-payroll:localhost")->room_id == room_id);

    HttpReply directory = client.get(kApi + "/directory/room/" + percent_encode("#inc-1-payroll:localhost"), sim.bot_token());
    CHECK(directory.body["room_id"] == room_id);
    CHECK(directory.body["servers"] == json::array({"localhost"}));
    CHECK(client.get(kApi + "/directory/room/" + percent_encode("#nothing:localhost"), sim.bot_token()).body["errcode"] ==
          "M_NOT_FOUND");

    HttpReply taken = client.post(kApi + "/createRoom", sim.bot_token(), {{"room_alias_name", "inc-1-payroll"}});
    CHECK(taken.status == 400);
    CHECK(taken.body["errcode"] == "M_ROOM_IN_USE");
    CHECK(sim.rooms().size() == 1);

    // Defaults without an override: the creator at 100.
    HttpReply plain = client.post(kApi + "/createRoom", sim.token_of(alice), json::object());
    REQUIRE(plain.status == 200);
    CHECK(sim.room(plain.body["room_id"].get<std::string>())->power_levels["users"] == json({{alice, 100}}));

    HttpReply joined_rooms = client.get(kApi + "/joined_rooms", sim.bot_token());
    CHECK(joined_rooms.body["joined_rooms"] == json::array({room_id}));
    HttpReply members = client.get(room_path(room_id, "/joined_members"), sim.bot_token());
    CHECK(members.body["joined"].size() == 1);
    CHECK(members.body["joined"][bot]["display_name"] == "warroom");
}

TEST_CASE_METHOD(AliceAndBob, "matrix simulator invites and joins by the room's rules, and reports leaving in sync",
                 "[matrix_sim]") {
    std::string room = client.post(kApi + "/createRoom", sim.bot_token(), {{"preset", "private_chat"}}).body["room_id"];

    // Not invited to a private room: refused.
    CHECK(client.post(room_path(room, "/join"), sim.token_of(alice), json::object()).status == 403);
    REQUIRE(client.post(room_path(room, "/invite"), sim.bot_token(), {{"user_id", alice}}).status == 200);
    CHECK(sim.room(room)->invited.count(alice) == 1);
    REQUIRE(client.post(room_path(room, "/join"), sim.token_of(alice), json::object()).status == 200);
    CHECK(sim.room(room)->joined.count(alice) == 1);

    HttpReply again = client.post(room_path(room, "/invite"), sim.bot_token(), {{"user_id", alice}});
    CHECK(again.status == 403);
    CHECK(again.body["errcode"] == "M_FORBIDDEN");
    CHECK(again.body["error"].get<std::string>().find("is already in the room") != std::string::npos);
    HttpReply nobody = client.post(room_path(room, "/invite"), sim.bot_token(), {{"user_id", "@nobody:localhost"}});
    CHECK(nobody.status == 404);
    CHECK(nobody.body["errcode"] == "M_NOT_FOUND");
    // bob is not in the room, so he cannot invite.
    CHECK(client.post(room_path(room, "/invite"), sim.token_of(bob), {{"user_id", bob}}).status == 403);

    // A public room takes anyone, by alias.
    sim.create_room(alice, "Lobby", "lobby", {}, true);
    HttpReply by_alias = client.post(kApi + "/join/" + percent_encode("#lobby:localhost"), sim.token_of(bob), json::object());
    CHECK(by_alias.status == 200);
    CHECK(sim.room_by_alias("#lobby:localhost")->joined.count(bob) == 1);

    std::string since = client.get(sync_target(std::nullopt, 0), sim.token_of(alice)).body["next_batch"];
    REQUIRE(client.post(room_path(room, "/leave"), sim.token_of(alice), json::object()).status == 200);
    HttpReply after = client.get(sync_target(since, 0), sim.token_of(alice));
    REQUIRE(after.body["rooms"]["leave"].contains(room));
    CHECK_FALSE(after.body["rooms"].contains("join"));
    CHECK(sim.room(room)->joined.count(alice) == 0);
    CHECK(client.put(room_path(room, "/send/m.room.message/t1"), sim.token_of(alice), {{"body", "x"}}).status == 403);
}

TEST_CASE_METHOD(AliceAndBob, "matrix simulator send is idempotent per transaction id and checks bodies",
                 "[matrix_sim]") {
    std::string room = sim.create_room(sim.bot_user_id(), "Ops", std::nullopt, {alice});
    json notice = {{"msgtype", "m.notice"}, {"body", "card"}};
    std::string send_path = room_path(room, "/send/m.room.message/warroom.job-1.0");
    std::size_t before = sim.events(room).size();

    HttpReply first = client.put(send_path, sim.bot_token(), notice);
    REQUIRE(first.status == 200);
    HttpReply repeated = client.put(send_path, sim.bot_token(), notice);
    CHECK(repeated.body["event_id"] == first.body["event_id"]);
    CHECK(sim.events(room).size() == before + 1);
    CHECK(sim.event(first.body["event_id"].get<std::string>())->content == notice);

    // Another user's token with the same txnId is another transaction.
    HttpReply other = client.put(send_path, sim.token_of(alice), notice);
    REQUIRE(other.status == 200);
    CHECK(other.body["event_id"] != first.body["event_id"]);
    CHECK(sim.events(room).size() == before + 2);

    // Transaction ids belong to the device: a new login on the same device gets the first event back.
    std::string device = client.get(kApi + "/account/whoami", sim.bot_token()).body["device_id"];
    json relogin = login_body("warroom", sim.bot_password());
    relogin["device_id"] = device;
    std::string new_token = client.post(kApi + "/login", "", relogin).body["access_token"];
    CHECK(new_token != sim.bot_token());
    CHECK(client.put(send_path, new_token, notice).body["event_id"] == first.body["event_id"]);
    CHECK(sim.events(room).size() == before + 2);

    // Bodies: not JSON, too large, not a member.
    HttpReply not_json = client.request(http::verb::put, room_path(room, "/send/m.room.message/t2"), sim.bot_token(),
                                    std::string("{not json"));
    CHECK(not_json.status == 400);
    CHECK(not_json.body["errcode"] == "M_NOT_JSON");
    HttpReply too_large = client.put(room_path(room, "/send/m.room.message/t3"), sim.bot_token(),
                                 {{"msgtype", "m.notice"}, {"body", std::string(70000, 'x')}});
    CHECK(too_large.status == 413);
    CHECK(too_large.body["errcode"] == "M_TOO_LARGE");
    HttpReply outsider = client.put(room_path(room, "/send/m.room.message/t4"), sim.token_of(bob), notice);
    CHECK(outsider.status == 403);
    CHECK(sim.events(room).size() == before + 2);

    // The sender's own sync shows its transaction id.
    HttpReply synced = client.get(sync_target(std::nullopt, 0), sim.bot_token());
    const json& events = synced.body["rooms"]["join"][room]["timeline"]["events"];
    REQUIRE_FALSE(events.empty());
    CHECK(events.back()["event_id"] == other.body["event_id"]);
    CHECK(events[events.size() - 2]["unsigned"]["transaction_id"] == "warroom.job-1.0");
    CHECK_FALSE(events.back()["unsigned"].contains("transaction_id"));
}

TEST_CASE_METHOD(AliceAndBob, "matrix simulator puts and gets state with power checks, and keeps the room current",
                 "[matrix_sim]") {
    std::string room = sim.create_room(bot, "Ops", std::nullopt, {alice});

    // The empty state key: the path ends with '/'.
    HttpReply topic = client.put(room_path(room, "/state/m.room.topic/"), sim.bot_token(), {{"topic", "sev1: payroll"}});
    REQUIRE(topic.status == 200);
    CHECK(topic.body["event_id"].get<std::string>().front() == '$');
    CHECK(sim.room(room)->topic == "sev1: payroll");
    HttpReply read_back = client.get(room_path(room, "/state/m.room.topic/"), sim.token_of(alice));
    CHECK(read_back.status == 200);
    CHECK(read_back.body == json({{"topic", "sev1: payroll"}}));

    // alice has power 0 and state needs 50.
    HttpReply refused = client.put(room_path(room, "/state/m.room.topic/"), sim.token_of(alice), {{"topic", "mine"}});
    CHECK(refused.status == 403);
    CHECK(refused.body["errcode"] == "M_FORBIDDEN");
    CHECK(sim.room(room)->topic == "sev1: payroll");

    HttpReply absent = client.get(room_path(room, "/state/m.room.avatar/"), sim.bot_token());
    CHECK(absent.status == 404);
    CHECK(absent.body["errcode"] == "M_NOT_FOUND");
    CHECK(client.get(room_path(room, "/state/m.room.topic/"), sim.token_of(bob)).status == 403);

    // Power levels: read, raise alice, and she may set the topic.
    json levels = client.get(room_path(room, "/state/m.room.power_levels/"), sim.bot_token()).body;
    levels["users"][alice] = 50;
    REQUIRE(client.put(room_path(room, "/state/m.room.power_levels/"), sim.bot_token(), levels).status == 200);
    CHECK(sim.room(room)->power_levels["users"][alice] == 50);
    CHECK(client.put(room_path(room, "/state/m.room.topic/"), sim.token_of(alice), {{"topic", "mine"}}).status == 200);
    CHECK(sim.room(room)->topic == "mine");

    // A state key with characters that need encoding, and pinned events.
    std::string pinned_id = sim.send_text(alice, room, "runbook");
    REQUIRE(client.put(room_path(room, "/state/m.room.pinned_events"), sim.bot_token(), {{"pinned", json::array({pinned_id})}})
                .status == 200);
    CHECK(sim.room(room)->pinned == std::vector<std::string>{pinned_id});
    std::string odd_key = "@alice:localhost/with slash";
    REQUIRE(client.put(room_path(room, "/state/org.example.note/" + percent_encode(odd_key)), sim.bot_token(), {{"n", 1}})
                .status == 200);
    CHECK(client.get(room_path(room, "/state/org.example.note/" + percent_encode(odd_key)), sim.bot_token()).body ==
          json({{"n", 1}}));
    auto requests = sim.requests();
    CHECK(requests.back().endpoint == "state_get");
    CHECK(requests.back().path == kApi + "/rooms/" + room + "/state/org.example.note/" + odd_key);
}

TEST_CASE("matrix simulator cuts a long timeline short and pages back through messages", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string room = sim.create_room(alice, "Ops", std::nullopt, {sim.bot_user_id()});
    sim.set_timeline_limit(3);
    std::string since = client.get(sync_target(std::nullopt, 0), sim.bot_token()).body["next_batch"];
    std::vector<std::string> sent;
    for (int i = 0; i < 10; ++i) sent.push_back("m" + std::to_string(i));
    for (const auto& body : sent) sim.send_text(alice, room, body);
    sim.send_event(alice, room, "m.room.topic", {{"topic", "not state: a timeline event of a state type"}});

    HttpReply cut = client.get(sync_target(since, 0), sim.bot_token());
    const json& timeline = cut.body["rooms"]["join"][room]["timeline"];
    REQUIRE(timeline["events"].size() == 3);
    CHECK(timeline["limited"] == true);
    CHECK(bodies_of(timeline["events"]) == std::vector<std::string>{"m8", "m9"});

    // Back from prev_batch, 4 at a time, newest first, until no `end` is given.
    std::vector<std::string> older;
    std::string from = timeline["prev_batch"];
    int pages = 0;
    for (;;) {
        REQUIRE(++pages < 20);
        HttpReply page = client.get(room_path(room, "/messages?dir=b&limit=4&from=" + percent_encode(from)), sim.bot_token());
        REQUIRE(page.status == 200);
        CHECK(page.body["start"] == from);
        CHECK(page.body["chunk"].size() <= 4);
        for (const auto& body : bodies_of(page.body["chunk"])) older.push_back(body);
        if (!page.body.contains("end")) break;
        from = page.body["end"];
    }
    CHECK(older == std::vector<std::string>{"m7", "m6", "m5", "m4", "m3", "m2", "m1", "m0"});

    // Forwards from the start of the room: oldest first.
    HttpReply forwards = client.get(room_path(room, "/messages?dir=f&limit=100&from=s0"), sim.bot_token());
    CHECK(bodies_of(forwards.body["chunk"]) == sent);
    CHECK(types_of(forwards.body["chunk"]).front() == "m.room.create");
    CHECK_FALSE(forwards.body.contains("end"));
    CHECK(client.get(room_path(room, "/messages?dir=sideways"), sim.bot_token()).status == 400);
}

TEST_CASE_METHOD(AliceAndBob, "matrix simulator pages back only to a `to` token, and shapes synced events to "
                              "event_fields",
                 "[matrix_sim]") {
    std::string room = sim.create_room(alice, "Ops", std::nullopt, {bot});
    sim.send_text(alice, room, "before");
    std::string since = client.get(sync_target(std::nullopt, 0), sim.bot_token()).body["next_batch"];
    for (const char* body : {"a", "b", "c"}) sim.send_text(alice, room, body);
    std::string now = client.get(sync_target(since, 0), sim.bot_token()).body["next_batch"];

    // From the newer sync position back to the older one: the three in between, and nothing past it.
    HttpReply back = client.get(room_path(room, "/messages?dir=b&limit=10&from=" + percent_encode(now) +
                                                    "&to=" + percent_encode(since)),
                                sim.bot_token());
    REQUIRE(back.status == 200);
    CHECK(bodies_of(back.body["chunk"]) == std::vector<std::string>{"c", "b", "a"});
    CHECK_FALSE(back.body.contains("end"));
    HttpReply forwards = client.get(room_path(room, "/messages?dir=f&limit=10&from=" + percent_encode(since) +
                                                        "&to=" + percent_encode(now)),
                                    sim.bot_token());
    CHECK(bodies_of(forwards.body["chunk"]) == std::vector<std::string>{"a", "b", "c"});

    // event_fields: dot-separated paths kept, the rest left out, nothing made for a path that is absent.
    const json filter = {{"event_fields", {"type", "content.body", "unsigned.redacted_because"}},
                         {"room", {{"timeline", {{"types", {"m.room.message"}}}}}}};
    HttpReply shaped = client.get(sync_target(since, 0, filter.dump()), sim.bot_token());
    const json& events = shaped.body["rooms"]["join"][room]["timeline"]["events"];
    REQUIRE(events.size() == 3);
    CHECK(events[0] == json{{"type", "m.room.message"}, {"content", {{"body", "a"}}}});
}

TEST_CASE_METHOD(AliceAndBob, "matrix simulator lists the relations of an event",
                 "[matrix_sim]") {
    std::string room = sim.create_room(sim.bot_user_id(), "Ops", std::nullopt, {alice, bob});
    std::string card = sim.send_event(sim.bot_user_id(), room, "m.room.message", {{"msgtype", "m.notice"}, {"body", "card"}});
    std::string tick = sim.react(alice, room, card, "✅");
    std::string cross = sim.react(bob, room, card, "❌");
    std::string edit = sim.send_event(
        sim.bot_user_id(), room, "m.room.message",
        {{"msgtype", "m.notice"},
         {"body", "* card v2"},
         {"m.new_content", {{"msgtype", "m.notice"}, {"body", "card v2"}}},
         {"m.relates_to", {{"rel_type", "m.replace"}, {"event_id", card}}}});
    sim.send_text(alice, room, "unrelated");

    auto ids = [](const json& chunk) {
        std::vector<std::string> found;
        for (const auto& event : chunk) found.push_back(event["event_id"]);
        return found;
    };
    HttpReply all = client.get(room_path(room, "/relations/" + percent_encode(card)), sim.bot_token());
    REQUIRE(all.status == 200);
    CHECK(ids(all.body["chunk"]) == std::vector<std::string>{edit, cross, tick});
    HttpReply annotations = client.get(room_path(room, "/relations/" + percent_encode(card) + "/m.annotation"), sim.bot_token());
    CHECK(ids(annotations.body["chunk"]) == std::vector<std::string>{cross, tick});
    CHECK(annotations.body["chunk"][1]["content"]["m.relates_to"]["key"] == "✅");
    CHECK(annotations.body["chunk"][1]["sender"] == alice);
    HttpReply typed = client.get(room_path(room, "/relations/" + percent_encode(card) + "/m.replace/m.room.message"), sim.bot_token());
    CHECK(ids(typed.body["chunk"]) == std::vector<std::string>{edit});
    CHECK(client.get(room_path(room, "/relations/" + percent_encode("$nothing")), sim.bot_token()).status == 404);
    CHECK(sim.requests().back().endpoint == "relations");
}

TEST_CASE("matrix simulator rate-limits with M_LIMIT_EXCEEDED and fails with an HTML 5xx, not acting", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string room = sim.create_room(sim.bot_user_id(), "Ops", std::nullopt, {});
    std::size_t before = sim.events(room).size();
    std::string send_path = room_path(room, "/send/m.room.message/t1");
    json notice = {{"msgtype", "m.notice"}, {"body", "x"}};

    sim.rate_limit("send", 1, 1500ms, true);
    HttpReply limited = client.put(send_path, sim.bot_token(), notice);
    CHECK(limited.status == 429);
    CHECK(limited.body["errcode"] == "M_LIMIT_EXCEEDED");
    CHECK(limited.body["retry_after_ms"] == 1500);
    CHECK(limited.retry_after == "2");
    CHECK(sim.events(room).size() == before);

    sim.rate_limit("send", 1, 250ms);
    HttpReply without_header = client.put(send_path, sim.bot_token(), notice);
    CHECK(without_header.status == 429);
    CHECK(without_header.body["retry_after_ms"] == 250);
    CHECK(without_header.retry_after.empty());

    sim.fail("send", 1);
    HttpReply failed = client.put(send_path, sim.bot_token(), notice);
    CHECK(failed.status == 502);
    CHECK(failed.content_type == "text/html");
    CHECK(failed.body.is_null());
    CHECK(failed.text.find("<html>") == 0);
    CHECK(sim.events(room).size() == before);

    sim.fail("sync", 1, 503);
    CHECK(client.get(sync_target(std::nullopt, 0), sim.bot_token()).status == 503);
    CHECK(client.get(sync_target(std::nullopt, 0), sim.bot_token()).status == 200);

    CHECK(client.put(send_path, sim.bot_token(), notice).status == 200);
    CHECK(sim.events(room).size() == before + 1);
    auto requests = sim.requests();
    REQUIRE(requests.size() == 6);
    CHECK(requests[0].endpoint == "send");
    CHECK(requests[0].status == 429);
    CHECK(requests[0].errcode == "M_LIMIT_EXCEEDED");
    CHECK(requests[2].status == 502);
    CHECK(requests[3].endpoint == "sync");
    CHECK(requests[5].status == 200);
    CHECK(requests[5].errcode.empty());
    CHECK(sim.syncs_answered() == 2);
}

TEST_CASE("matrix simulator answers an unknown endpoint with M_UNRECOGNIZED", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    HttpReply unknown = client.get(kApi + "/teleport", sim.bot_token());
    CHECK(unknown.status == 404);
    CHECK(unknown.body["errcode"] == "M_UNRECOGNIZED");
    HttpReply wrong_method = client.request(http::verb::delete_, kApi + "/sync", sim.bot_token());
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.body["errcode"] == "M_UNRECOGNIZED");
    CHECK(client.get("/_matrix/client/versions", "").body["versions"].is_array());
    auto requests = sim.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].endpoint == "unknown");
    CHECK(requests[0].path == kApi + "/teleport");
    CHECK(requests[1].endpoint == "unknown");
}

TEST_CASE("matrix simulator syncs an injected malformed event exactly as given", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string alice = sim.add_user("alice");
    std::string room = sim.create_room(alice, "Ops", std::nullopt, {sim.bot_user_id()});
    std::string since = client.get(sync_target(std::nullopt, 0), sim.bot_token()).body["next_batch"];
    json malformed = {{"type", "m.room.message"}, {"sender", alice}, {"content", "not an object"}};
    sim.inject_raw_event(room, malformed);
    sim.inject_raw_event(room, json::array({1, 2}));

    HttpReply synced = client.get(sync_target(since, 0), sim.bot_token());
    const json& events = synced.body["rooms"]["join"][room]["timeline"]["events"];
    REQUIRE(events.size() == 2);
    CHECK(events[0] == malformed);
    CHECK(events[1] == json::array({1, 2}));
    CHECK(sim.events(room).back().stream_position > sim.events(room).front().stream_position);
}

TEST_CASE("matrix simulator stops cleanly while a long-poll is held", "[matrix_sim]") {
    auto sim = std::make_unique<MatrixSimulator>();
    MatrixClient poller(*sim);
    MatrixClient client(*sim);
    std::string since = client.get(sync_target(std::nullopt, 0), sim->bot_token()).body["next_batch"];
    std::string token = sim->bot_token();
    std::string target = sync_target(since, 60000);
    auto polled = std::async(std::launch::async, [&] { return poller.get(target, token, 20s); });
    REQUIRE(sim->wait_for([&] { return sim->syncs_waiting() == 1; }, kWait));
    sim.reset();
    // The connection drops with the server: the client sees an error at once, not after its 20 s deadline.
    REQUIRE(polled.wait_for(kWait) == std::future_status::ready);
    CHECK_THROWS(polled.get());
}

TEST_CASE("matrix simulator holds a slow answer without blocking other requests", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient slow_client(sim);
    MatrixClient other_client(sim);
    std::string room = sim.create_room(sim.bot_user_id(), "Ops", std::nullopt, {});
    std::size_t before = sim.events(room).size();
    std::string send_path = room_path(room, "/send/m.room.message/slow1");
    json notice = {{"msgtype", "m.notice"}, {"body", "x"}};
    std::string token = sim.bot_token();

    sim.slow("send", 1, 1500ms);
    const auto asked = std::chrono::steady_clock::now();
    auto held = std::async(std::launch::async, [&] { return slow_client.put(send_path, token, notice); });
    REQUIRE(sim.wait_for([&] { return sim.answers_held() == 1; }, kWait));
    // Sent at once; only the answer waits, and the server answers others meanwhile.
    CHECK(sim.events(room).size() == before + 1);
    CHECK(other_client.get(kApi + "/account/whoami", token).status == 200);
    CHECK(held.wait_for(0ms) == std::future_status::timeout);
    HttpReply answer = held.get();
    CHECK(std::chrono::steady_clock::now() - asked >= 1500ms);
    CHECK(answer.status == 200);
    CHECK(answer.body["event_id"].is_string());
    CHECK(sim.answers_held() == 1);
}

TEST_CASE("matrix simulator cuts an answer short after acting, for sends and syncs alike", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    std::string room = sim.create_room(sim.bot_user_id(), "Ops", std::nullopt, {});
    std::size_t before = sim.events(room).size();
    std::string send_path = room_path(room, "/send/m.room.message/cut1");
    json notice = {{"msgtype", "m.notice"}, {"body", "x"}};

    sim.truncate("send", 1);
    CHECK_THROWS(client.put(send_path, sim.bot_token(), notice));
    CHECK(sim.events(room).size() == before + 1);
    // The same transaction again gives the same event, not a second one.
    HttpReply again = client.put(send_path, sim.bot_token(), notice);
    CHECK(again.status == 200);
    CHECK(sim.events(room).size() == before + 1);

    sim.truncate("sync", 1);
    CHECK_THROWS(client.get(sync_target(std::nullopt, 0), sim.bot_token()));
    CHECK(client.get(sync_target(std::nullopt, 0), sim.bot_token()).status == 200);
    CHECK(sim.answers_cut() == 2);
}

TEST_CASE("matrix simulator fails the next TLS handshakes when asked", "[matrix_sim]") {
    MatrixSimulator sim;
    MatrixClient client(sim);
    sim.fail_handshakes(1);
    CHECK_THROWS(client.get(kApi + "/account/whoami", sim.bot_token()));
    CHECK(sim.handshakes_failed() == 1);
    CHECK(client.get(kApi + "/account/whoami", sim.bot_token()).status == 200);
    CHECK(sim.handshakes_failed() == 1);
    // The failed one never reached the client-server API.
    CHECK(sim.requests().size() == 1);
}
