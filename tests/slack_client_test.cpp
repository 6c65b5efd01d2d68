// warroom's Slack client classes (WebApi, SocketModeClient) against the Slack
// simulator over TLS: answers, refusals, 429s and 500s; Socket Mode hello,
// acks, refreshes, dropped sockets and garbage frames.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/net/tls.hpp"
#include "adapters/slack/socket_mode_client.hpp"
#include "adapters/slack/web_api.hpp"
#include "bot/metrics.hpp"
#include "captured_log.hpp"
#include "slack_sim/slack_simulator.hpp"

using namespace warroom;
using namespace warroom::slack;
using namespace std::chrono_literals;
using Catch::Contains;
using nlohmann::json;
using slack_sim::SlackSimulator;

namespace {

namespace asio = boost::asio;

constexpr auto kWait = 10s;

// The simulator, and the client classes on an io_context running on a thread of its own.
struct ClientWorld {
    SlackSimulator sim;
    // Declared before everything that uses it, so it is destroyed after them.
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    asio::ssl::context tls = net::make_client_tls_context(sim.ca_file());
    RateLimiter limits;
    WebApi api{io.get_executor(), tls, sim.api_url(), sim.bot_token(), limits};
    std::thread thread{[this] { io.run(); }};

    ~ClientWorld() {
        work.reset();
        io.stop();
        thread.join();
    }

    // Runs `task` on the io thread and waits for its result.
    template <class T>
    T await(asio::awaitable<T> task) {
        auto result = asio::co_spawn(io, std::move(task), asio::use_future);
        REQUIRE(result.wait_for(kWait) == std::future_status::ready);
        return result.get();
    }

    ApiResult call(std::string method, json body) {
        return await([](WebApi& api, ApiRequest request) -> asio::awaitable<ApiResult> {
            co_return co_await api.call(request);
        }(api, ApiRequest{std::move(method), std::move(body)}));
    }

    // Reads something owned by the io thread, on the io thread.
    template <class F>
    auto on_io(F read) {
        std::packaged_task<decltype(read())()> task(std::move(read));
        auto result = task.get_future();
        asio::post(io, [&task] { task(); });
        REQUIRE(result.wait_for(kWait) == std::future_status::ready);
        return result.get();
    }

    std::size_t api_calls(const std::string& method) const {
        std::size_t count = 0;
        for (const auto& call : sim.api_calls()) count += call.method == method;
        return count;
    }
};

// A SocketModeClient running in a ClientWorld, with a handler that records
// every envelope it is given and answers slash commands.
struct SocketWorld : ClientWorld {
    std::mutex mutex;
    std::map<std::string, int> handled;   // envelope id -> times handled
    std::function<void(const Envelope&)> on_envelope = [](const Envelope&) {};
    std::optional<SocketModeClient> client;
    std::future<void> running;

    // With `group`, envelopes that arrive together are handled as one group (set before the client runs).
    explicit SocketWorld(std::string app_token = {}, std::optional<SocketModeClient::EnvelopeGroup> group = {}) {
        SocketModeTimings timings;
        timings.ping_interval = 200ms;
        timings.pong_timeout = 2s;
        timings.hello_timeout = 3s;
        timings.backoff_initial = 50ms;
        timings.backoff_max = 400ms;
        timings.refresh_grace = 3s;
        if (app_token.empty()) app_token = sim.app_token();
        if (app_token == "use-bot-token") app_token = sim.bot_token();
        client.emplace(io.get_executor(), tls, api, app_token,
                       [this](const Envelope& envelope) -> std::optional<json> {
                           {
                               std::lock_guard lock(mutex);
                               ++handled[envelope.envelope_id];
                           }
                           on_envelope(envelope);
                           if (envelope.type != "slash_commands") return std::nullopt;
                           return json{{"text", "handled " + envelope.payload.value("text", std::string())}};
                       },
                       timings);
        if (group) client->set_group(std::move(*group));
        running = asio::co_spawn(io, client->run(), asio::use_future);
    }

    ~SocketWorld() { stop(); }

    void stop() {
        if (!running.valid()) return;
        asio::post(io, [this] { client->stop(); });
        CHECK(running.wait_for(kWait) == std::future_status::ready);
        running.get();
    }

    int times_handled(const std::string& envelope_id) {
        std::lock_guard lock(mutex);
        auto it = handled.find(envelope_id);
        return it == handled.end() ? 0 : it->second;
    }

    std::optional<slack_sim::SimAck> ack_of(const std::string& envelope_id) const {
        std::optional<slack_sim::SimAck> found;
        for (const auto& ack : sim.acks())
            if (ack.envelope_id == envelope_id) found = ack;
        return found;
    }

    std::size_t acks_of(const std::string& envelope_id) const {
        std::size_t count = 0;
        for (const auto& ack : sim.acks()) count += ack.envelope_id == envelope_id;
        return count;
    }

    bool wait_ready(std::size_t connections) {
        return sim.wait_for([&] { return sim.connections_opened() >= connections; }, kWait);
    }
};

void check_no_secrets(const std::string& logged, const SlackSimulator& sim) {
    CHECK_THAT(logged, !Contains(sim.app_token()));
    CHECK_THAT(logged, !Contains(sim.bot_token()));
    CHECK_THAT(logged, !Contains("ticket="));
    CHECK_THAT(logged, !Contains("Bearer"));
}

}  // namespace

TEST_CASE("WebApi calls Slack and reads its answer", "[slack_client]") {
    ClientWorld world;
    const ApiResult who = world.call("auth.test", json::object());
    REQUIRE(who.ok());
    CHECK(who.http_status == 200);
    CHECK(who.body.value("user_id", "") == world.sim.bot_user_id());

    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("ops", false, {alice, world.sim.bot_user_id()});
    const ApiResult posted = world.call("chat.postMessage", {{"channel", channel}, {"text", "a & b <c>"}});
    REQUIRE(posted.ok());
    const auto message = world.sim.message(channel, posted.body.value("ts", ""));
    REQUIRE(message);
    CHECK(message->text == "a & b <c>");

    // A read method goes form-encoded, and Slack reads its arguments.
    const ApiResult info = world.call("conversations.info", {{"channel", channel}});
    REQUIRE(info.ok());
    CHECK(info.body["channel"].value("name", "") == "ops");
    const auto calls = world.sim.api_calls();
    REQUIRE(!calls.empty());
    CHECK(calls.back().method == "conversations.info");
    CHECK(calls.back().args.value("channel", "") == channel);
    CHECK(calls.back().token == world.sim.bot_token());
}

TEST_CASE("WebApi reports Slack's refusal with its error code and a readable description", "[slack_client]") {
    ClientWorld world;
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("ops", false, {alice});
    const ApiResult refused = world.call("chat.postMessage", {{"channel", channel}, {"text", "hello"}});
    CHECK(refused.outcome == ApiResult::Outcome::slack_error);
    CHECK(refused.error == "not_in_channel");
    CHECK(refused.http_status == 200);
    const std::string described = describe_api_error("chat.postMessage", refused);
    CHECK_THAT(described, Contains("chat.postMessage"));
    CHECK_THAT(described, Contains("not_in_channel"));
    CHECK_THAT(described, Contains("invite"));
    // Refusals are not repeated: repeating the same call cannot help.
    CHECK(world.api_calls("chat.postMessage") == 1);
}

TEST_CASE("WebApi honours a 429's Retry-After and then sends the call again", "[slack_client]") {
    warroom::test::CapturedLog log;
    ClientWorld world;
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("ops", false, {alice, world.sim.bot_user_id()});
    world.sim.rate_limit("chat.postMessage", 1, 1);

    const auto started = std::chrono::steady_clock::now();
    const ApiResult posted = world.call("chat.postMessage", {{"channel", channel}, {"text", "after the pause"}});
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(posted.ok());
    CHECK(took >= 950ms);
    const auto calls = world.sim.api_calls();
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].http_status == 429);
    CHECK(calls[1].http_status == 200);
    CHECK(world.sim.messages(channel).size() == 1);

    const std::string logged = log.text();
    CHECK_THAT(logged, Contains("429"));
    check_no_secrets(logged, world.sim);
}

TEST_CASE("WebApi reports a 500 as transient without repeating the call", "[slack_client]") {
    ClientWorld world;
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("ops", false, {alice, world.sim.bot_user_id()});
    world.sim.fail("chat.postMessage", 1, 500);

    const ApiResult failed = world.call("chat.postMessage", {{"channel", channel}, {"text", "maybe"}});
    CHECK(failed.outcome == ApiResult::Outcome::transient);
    CHECK(failed.http_status == 500);
    CHECK_THAT(describe_api_error("chat.postMessage", failed), Contains("500"));
    CHECK(world.api_calls("chat.postMessage") == 1);
    CHECK(world.sim.messages(channel).empty());

    // The next call goes through, on the same kept-alive client.
    CHECK(world.call("chat.postMessage", {{"channel", channel}, {"text", "now"}}).ok());
}

TEST_CASE("WebApi refuses a base URL that would send the token in clear", "[slack_client]") {
    asio::io_context io;
    auto tls = net::make_client_tls_context();
    RateLimiter limits;
    CHECK_THROWS_WITH(WebApi(io.get_executor(), tls, "http://slack.com/api/", "xoxb-secret", limits),
                      Contains("SLACK_API_URL") && Contains("loopback") && !Contains("xoxb-secret"));
}

TEST_CASE("describe_api_error names a missing scope", "[slack_client]") {
    ApiResult result;
    result.outcome = ApiResult::Outcome::slack_error;
    result.error = "missing_scope";
    result.http_status = 200;
    result.body = {{"ok", false}, {"error", "missing_scope"}, {"needed", "channels:manage"}};
    CHECK_THAT(describe_api_error("conversations.create", result), Contains("channels:manage"));
    result.error = "something_new";
    CHECK_THAT(describe_api_error("conversations.create", result), Contains("something_new"));
}

TEST_CASE("SocketModeClient connects, hands a slash command to the handler and acks with its answer",
          "[slack_client]") {
    warroom::test::CapturedLog log;
    SocketWorld world;
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("general", false, {alice});
    REQUIRE(world.wait_ready(1));

    const std::string id = world.sim.slash_command(alice, channel, "status");
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(id).has_value(); }, kWait));
    const auto ack = world.ack_of(id);
    CHECK(ack->payload == json{{"text", "handled status"}});
    CHECK(ack->connection == 1);
    CHECK(world.times_handled(id) == 1);
    CHECK(world.on_io([&] { return world.client->connections_ready(); }) == 1);
    CHECK(world.on_io([&] { return world.client->envelopes_handled(); }) == 1);

    world.stop();
    CHECK(world.sim.wait_for([&] { return world.sim.open_connections() == 0; }, kWait));
    const std::string logged = log.text();
    CHECK_THAT(logged, Contains("ready"));
    check_no_secrets(logged, world.sim);
}

TEST_CASE("SocketModeClient opens the next connection before closing one that announced disconnect",
          "[slack_client]") {
    warroom::test::CapturedLog log;
    SocketWorld world;
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("general", false, {alice});
    REQUIRE(world.wait_ready(1));

    world.sim.send_disconnect();
    // Sent right after the disconnect, while the old socket is the only one ready.
    const std::string during = world.sim.slash_command(alice, channel, "during refresh");
    // Both sockets open at once: the new one said hello before the old one closed.
    CHECK(world.sim.wait_for([&] { return world.sim.open_connections() == 2; }, kWait));
    REQUIRE(world.sim.wait_for(
        [&] { return world.sim.connections_opened() == 2 && world.sim.open_connections() == 1; }, kWait));

    const std::string after = world.sim.slash_command(alice, channel, "after refresh");
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(during) && world.ack_of(after); }, kWait));
    CHECK(world.times_handled(during) == 1);
    CHECK(world.times_handled(after) == 1);
    CHECK(world.ack_of(during)->payload == json{{"text", "handled during refresh"}});
    CHECK(world.ack_of(after)->connection == 2);
    CHECK(world.sim.unacked_envelopes().empty());
    CHECK(world.on_io([&] { return world.client->connections_ready(); }) == 2);

    const std::string logged = log.text();
    CHECK_THAT(logged, Contains("disconnect"));
    check_no_secrets(logged, world.sim);
}

TEST_CASE("SocketModeClient reconnects after a dropped socket and handles a redelivered envelope once",
          "[slack_client]") {
    warroom::test::CapturedLog log;
    SocketWorld world;
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("general", false, {alice});
    // The first "drop" command loses its socket while being handled, so its ack
    // cannot arrive and Slack delivers it again on the next connection.
    bool dropped = false;
    world.on_envelope = [&](const Envelope& envelope) {
        if (dropped || envelope.payload.value("text", "") != "drop") return;
        dropped = true;
        world.sim.drop_sockets();
        world.sim.wait_for([&] { return world.sim.open_connections() == 0; }, kWait);
    };
    REQUIRE(world.wait_ready(1));

    const std::string id = world.sim.slash_command(alice, channel, "drop");
    REQUIRE(world.wait_ready(2));
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(id).has_value(); }, kWait));
    CHECK(world.times_handled(id) == 1);
    CHECK(world.ack_of(id)->connection == 2);
    // The caller still sees the answer the lost ack carried.
    CHECK(world.ack_of(id)->payload == json{{"text", "handled drop"}});
    CHECK(world.sim.envelopes_sent() >= 2);

    // And the new connection works as the old one did.
    const std::string next = world.sim.slash_command(alice, channel, "next");
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(next).has_value(); }, kWait));
    CHECK(world.times_handled(next) == 1);
    CHECK(world.sim.unacked_envelopes().empty());

    const std::string logged = log.text();
    CHECK_THAT(logged, Contains("reconnecting in"));
    check_no_secrets(logged, world.sim);
}

TEST_CASE("SocketModeClient handles envelopes that arrive together as one group and acks them once it is durable",
          "[slack_client]") {
    // The group's record, kept on the client's thread.
    std::vector<std::vector<std::string>> groups;   // envelope ids handled, per group committed
    std::vector<std::string> open_group;
    bool acked_before_durable = false;
    int commits_to_fail = 0;
    SocketWorld* world_ptr = nullptr;
    SocketModeClient::EnvelopeGroup group{
        [&] {
            open_group.clear();
            return true;
        },
        [&] {
            for (const std::string& id : open_group) acked_before_durable |= world_ptr->ack_of(id).has_value();
            if (commits_to_fail > 0) {
                --commits_to_fail;
                throw EnvelopeNotHandled("the disk is full");
            }
            groups.push_back(open_group);
        },
        [&] { open_group.clear(); }};
    SocketWorld world({}, group);
    world_ptr = &world;
    world.on_envelope = [&](const Envelope& envelope) { open_group.push_back(envelope.envelope_id); };
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("general", false, {alice});
    REQUIRE(world.wait_ready(1));

    // Fifty commands at once, while the client's thread is held: they wait in its socket together.
    std::promise<void> release;
    asio::post(world.io, [future = release.get_future().share()] { future.wait(); });
    std::vector<std::string> ids;
    for (int i = 0; i < 50; ++i) ids.push_back(world.sim.slash_command(alice, channel, "note " + std::to_string(i)));
    REQUIRE(world.sim.wait_for([&] { return world.sim.envelopes_sent() >= 50; }, kWait));
    release.set_value();
    REQUIRE(world.sim.wait_for(
        [&] {
            for (const std::string& id : ids)
                if (!world.ack_of(id)) return false;
            return true;
        },
        kWait));
    for (const std::string& id : ids) CHECK(world.times_handled(id) == 1);
    world.on_io([] { return 0; });   // the client's thread has finished the commit that acked them
    CHECK_FALSE(acked_before_durable);
    std::size_t largest = 0;
    for (const auto& each : groups) largest = std::max(largest, each.size());
    CHECK(largest > 1);
    CHECK(groups.size() < ids.size());

    // A group that did not become durable is not acked: Slack delivers its envelope again, and then it is.
    world.sim.set_ack_timeout(300ms);
    world.on_io([&] { return commits_to_fail = 1; });
    const std::string lost = world.sim.slash_command(alice, channel, "lost");
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(lost).has_value(); }, kWait));
    CHECK(world.times_handled(lost) == 2);
    CHECK(world.ack_of(lost)->payload == json{{"text", "handled lost"}});
}

TEST_CASE("SocketModeClient survives malformed frames and keeps its connection", "[slack_client]") {
    warroom::test::CapturedLog log;
    SocketWorld world;
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("general", false, {alice});
    REQUIRE(world.wait_ready(1));

    world.sim.send_raw_frame("{this is not json");
    world.sim.send_raw_frame(R"({"type":"mystery"})");
    world.sim.send_raw_frame(R"({"envelope_id":42,"type":"slash_commands"})");
    const std::string odd = world.sim.send_raw_frame(R"({"envelope_id":"odd-1","type":"new_kind","payload":{}})");
    CHECK(odd == "odd-1");

    const std::string id = world.sim.slash_command(alice, channel, "still here");
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(id) && world.ack_of("odd-1"); }, kWait));
    CHECK(world.ack_of(id)->payload == json{{"text", "handled still here"}});
    CHECK(world.ack_of("odd-1")->payload.is_null());
    CHECK(world.sim.connections_opened() == 1);

    const std::string logged = log.text();
    CHECK_THAT(logged, Contains("not JSON"));
    CHECK_THAT(logged, Contains("ignoring a frame"));
}

TEST_CASE("SocketModeClient given a bot token logs why and retries slowly, and stop ends it", "[slack_client]") {
    warroom::test::CapturedLog log;
    SocketWorld world("use-bot-token");
    const SlackSimulator* sim = &world.sim;
    REQUIRE(sim->wait_for([&] { return world.api_calls("apps.connections.open") >= 2; }, kWait));
    // No hot loop: at most one attempt per backoff_max (400 ms) after the first.
    CHECK_FALSE(sim->wait_for([&] { return world.api_calls("apps.connections.open") >= 6; }, 800ms));
    for (const auto& call : sim->api_calls()) CHECK(call.error == "not_allowed_token_type");
    world.stop();

    const std::string logged = log.text();
    CHECK_THAT(logged, Contains("not_allowed_token_type"));
    CHECK_THAT(logged, Contains("SLACK_APP_TOKEN"));
    check_no_secrets(logged, *sim);
}

TEST_CASE("metrics: SocketModeClient reports its connection, its reconnects and how fast it acks",
          "[slack_client][metrics]") {
    SocketWorld world;
    const metrics::Labels slack{{"platform", "slack"}};
    const auto acks_observed = [] { return metrics::value("warroom_ack_latency_seconds").value_or(0); };
    const double acks = acks_observed();
    const std::string alice = world.sim.add_user("alice");
    const std::string channel = world.sim.add_channel("general", false, {alice});
    REQUIRE(world.wait_ready(1));

    // Acked, so the hello came first.
    const std::string first = world.sim.slash_command(alice, channel, "status");
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(first).has_value(); }, kWait));
    CHECK(world.on_io([&] { return world.client->connected(); }));
    CHECK(metrics::connected("slack"));
    // Observed once the ack's write completes, which may be just after Slack has it.
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (acks_observed() < acks + 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    CHECK(acks_observed() == acks + 1);
    const double reconnects = metrics::value("warroom_platform_reconnects_total", slack).value_or(0);

    world.sim.drop_sockets();
    REQUIRE(world.wait_ready(2));
    const std::string second = world.sim.slash_command(alice, channel, "again");
    REQUIRE(world.sim.wait_for([&] { return world.ack_of(second).has_value(); }, kWait));
    CHECK(metrics::value("warroom_platform_reconnects_total", slack) == reconnects + 1);
    CHECK(world.on_io([&] { return world.client->connected(); }));

    world.stop();
    CHECK_FALSE(world.on_io([&] { return world.client->connected(); }));
    CHECK_FALSE(metrics::connected("slack"));
}
