#include "adapters/slack/slack_bot.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/net/endpoint.hpp"
#include "adapters/net/tls.hpp"
#include "adapters/slack/slack_events.hpp"
#include "adapters/slack/slack_performer.hpp"
#include "adapters/slack/socket_mode_client.hpp"
#include "bot/outbox.hpp"

namespace warroom::slack {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr std::size_t kOutboxBatch = 32;
constexpr milliseconds kFirstRetry{500};
// After stop(), work in flight gets this long to finish before it is abandoned.
constexpr milliseconds kStopGrace{5000};

// Waits for the timer; a cancel() ends the wait early, which is how loops are woken.
awaitable<void> sleep(asio::steady_timer& timer, asio::steady_timer::duration how_long) {
    timer.expires_after(how_long);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

void log_unexpected_end(const char* what, std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::critical("{} stopped unexpectedly: {}", what, e.what());
    }
}

const char* effect_name(const Effect& effect) {
    static constexpr const char* kNames[] = {"create channel", "invite",   "post",       "post card",
                                             "update card",    "publish", "escalation", "escalation update"};
    static_assert(std::size(kNames) == std::variant_size_v<Effect>, "one name per kind of effect");
    return kNames[effect.index()];
}

}  // namespace

std::string check_slack_settings(const SlackSettings& settings) {
    if (settings.app_token.rfind("xapp-", 0) != 0)
        return "SLACK_APP_TOKEN must be the app-level token (xapp-...) with the connections:write scope; "
               "create one under Basic Information → App-Level Tokens";
    if (settings.bot_token.rfind("xoxb-", 0) != 0)
        return "SLACK_BOT_TOKEN must be the bot token (xoxb-...) from OAuth & Permissions after installing the app";
    const auto endpoint = net::parse_endpoint(settings.api_url, "https", "SLACK_API_URL");
    if (const auto* error = std::get_if<net::EndpointError>(&endpoint)) return error->message;
    return {};
}

struct SlackBot::Impl {
    Impl(Engine& engine, Store& store, const Clock& clock, SlackSettings settings)
        : engine(engine), store(store), clock(clock), settings(std::move(settings)), refs(store) {}

    awaitable<void> main();
    awaitable<bool> identify();
    awaitable<void> outbox_loop();
    awaitable<void> schedule_loop();
    awaitable<void> watch_signals();
    std::optional<json> on_envelope(const Envelope& envelope);
    awaitable<void> tell_privately(SlackChannelId channel, UserId user, std::string text);
    void wake_outbox();
    void wake_scheduler();
    void shutdown();

    Engine& engine;
    Store& store;
    const Clock& clock;
    SlackSettings settings;
    // Declared before everything bound to it, so it is destroyed after them.
    asio::io_context io;
    asio::ssl::context tls = net::make_client_tls_context(settings.ca_file);
    RateLimiter limits;
    WebApi api{io.get_executor(), tls, settings.api_url, settings.bot_token, limits};
    SlackRefs refs;
    std::optional<SlackPerformer> performer;
    std::optional<SocketModeClient> socket;
    asio::steady_timer outbox_wake{io};
    asio::steady_timer outbox_retry{io};
    asio::steady_timer schedule_wake{io};
    bool outbox_dirty = false;
    bool schedules_dirty = false;
    bool stopping = false;
    std::optional<std::chrono::steady_clock::time_point> stopped_at;
    int exit_code = 0;
};

awaitable<void> SlackBot::Impl::main() {
    if (settings.stop_on_signals) asio::co_spawn(io, watch_signals(), asio::detached);
    if (!co_await identify()) {
        if (!stopping) exit_code = 1;
        shutdown();
        co_return;
    }
    socket.emplace(io.get_executor(), tls, api, settings.app_token,
                   [this](const Envelope& envelope) { return on_envelope(envelope); },
                   SocketModeTimings{settings.ping_interval, settings.pong_timeout, std::chrono::seconds(10),
                                     milliseconds(500), settings.reconnect_backoff_max, std::chrono::seconds(10)});
    asio::co_spawn(io, outbox_loop(), [](std::exception_ptr e) { log_unexpected_end("the outbox", e); });
    asio::co_spawn(io, schedule_loop(), [](std::exception_ptr e) { log_unexpected_end("the scheduler", e); });
    co_await socket->run();
}

// Learns warroom's own user id, and checks the bot token before anything else.
awaitable<bool> SlackBot::Impl::identify() {
    milliseconds backoff = kFirstRetry;
    // Named, not a temporary inside the co_await: GCC 12 destroys such temporaries twice.
    const ApiRequest who_am_i{"auth.test", json::object()};
    while (!stopping) {
        ApiResult answer = co_await api.call(who_am_i);
        if (answer.ok()) {
            const std::string user = answer.body.value("user_id", std::string());
            if (user.empty()) {
                spdlog::error("Slack's auth.test named no bot user; is SLACK_BOT_TOKEN a bot token (xoxb-)?");
                co_return false;
            }
            performer.emplace(store, api, refs, UserId{user});
            spdlog::info("signed in to Slack as bot user {}", user);
            co_return true;
        }
        if (answer.outcome == ApiResult::Outcome::slack_error) {
            spdlog::error("{}; check SLACK_BOT_TOKEN", describe_api_error("auth.test", answer));
            co_return false;
        }
        spdlog::warn("{}; retrying in {} ms", describe_api_error("auth.test", answer), backoff.count());
        co_await sleep(outbox_retry, backoff);
        backoff = std::min(backoff * 2, settings.reconnect_backoff_max);
    }
    co_return false;
}

// Performs committed effects in order. A job that fails stays first in line
// and is repeated after a growing pause: later effects may depend on it (a
// post needs its channel), and each repeat is harmless (SlackPerformer).
awaitable<void> SlackBot::Impl::outbox_loop() {
    milliseconds backoff = kFirstRetry;
    while (!stopping) {
        outbox_dirty = false;
        std::vector<OutboxJob> jobs;
        bool readable = true;
        try {
            auto tx = store.begin();
            jobs = tx->pending_jobs(kOutboxBatch);
        } catch (const StorageError& error) {
            spdlog::error("cannot read the outbox, trying again in {} ms: {}", backoff.count(), error.what());
            readable = false;
        }
        if (!readable) {
            co_await sleep(outbox_retry, backoff);
            backoff = std::min(backoff * 2, settings.retry_backoff_max);
            continue;
        }
        if (jobs.empty()) {
            if (!outbox_dirty) co_await sleep(outbox_wake, asio::steady_timer::duration::max());
            continue;
        }
        for (const OutboxJob& job : jobs) {
            if (stopping) co_return;
            const Delivery delivery = co_await performer->perform(job);
            if (stopping) co_return;
            if (!delivery.done) {
                spdlog::warn("outbox job {} ({}) not done yet, repeating in {} ms: {}", job.id.value(),
                             effect_name(job.effect), backoff.count(), delivery.problem);
                co_await sleep(outbox_retry, backoff);
                backoff = std::min(backoff * 2, settings.retry_backoff_max);
                break;
            }
            backoff = kFirstRetry;
            bool recorded = true;
            try {
                complete_outbox_job(store, job, clock);
            } catch (const StorageError& error) {
                // It will be repeated, harmlessly; the log says why.
                spdlog::error("outbox job {} was done but could not be marked done: {}", job.id.value(), error.what());
                recorded = false;
            }
            if (!recorded) {
                co_await sleep(outbox_retry, backoff);
                break;
            }
        }
    }
}

awaitable<void> SlackBot::Impl::schedule_loop() {
    while (!stopping) {
        schedules_dirty = false;
        std::optional<Time> next;
        try {
            if (engine.run_due_schedules() > 0) wake_outbox();
            next = engine.next_due_time();
        } catch (const StorageError& error) {
            spdlog::error("schedules could not run: {}; trying again in a minute", error.what());
            next = clock.now() + std::chrono::minutes(1);
        }
        if (schedules_dirty) continue;
        const auto wait = next ? std::max<Duration>(*next - clock.now(), Duration::zero())
                               : std::chrono::duration_cast<Duration>(std::chrono::hours(24));
        co_await sleep(schedule_wake, std::chrono::duration_cast<asio::steady_timer::duration>(wait));
    }
}

awaitable<void> SlackBot::Impl::watch_signals() {
    asio::signal_set signals(io, SIGINT, SIGTERM);
    boost::system::error_code error;
    const int signal = co_await signals.async_wait(asio::redirect_error(asio::use_awaitable, error));
    if (error) co_return;
    spdlog::warn("signal {}: closing the Slack connection", signal);
    shutdown();
}

std::optional<json> SlackBot::Impl::on_envelope(const Envelope& envelope) {
    if (stopping) return std::nullopt;
    const ChannelResolver resolve = [this](const SlackChannelId& id) { return refs.channel_name(id); };
    Reply reply;
    SlackEvent event;
    try {
        Inbound inbound = event_from_envelope(envelope, resolve);
        if (const auto* ignored = std::get_if<Ignored>(&inbound)) {
            spdlog::info("envelope {} ({}) acked and ignored: {}", envelope.envelope_id, envelope.type, ignored->reason);
            return std::nullopt;
        }
        event = std::get<SlackEvent>(std::move(inbound));
        reply = engine.handle(event.event);
    } catch (const std::exception& error) {
        // Nothing was committed: the transaction rolled back with the exception.
        spdlog::error("envelope {} could not be handled: {}", envelope.envelope_id, error.what());
        reply = Reply{Reply::Kind::error, "warroom could not record that just now (" + std::string(error.what()) +
                                              "); nothing changed, please try again"};
    }
    wake_outbox();
    wake_scheduler();
    // A slash command's answer rides in its ack, shown only to the caller.
    if (envelope.type == "slash_commands")
        return slash_command_payload(reply, [this](const ChannelName& name) { return refs.channel_id(name); });
    // A click is answered by its card changing; a refused click by a note only the clicker sees.
    if (reply.kind == Reply::Kind::error && !reply.text.empty() && !event.channel_id.value().empty())
        asio::co_spawn(io, tell_privately(event.channel_id, event.event.user, reply.text), asio::detached);
    return std::nullopt;
}

awaitable<void> SlackBot::Impl::tell_privately(SlackChannelId channel, UserId user, std::string text) {
    const ApiRequest request = ephemeral_request(channel, user, text);
    milliseconds backoff = kFirstRetry;
    for (int attempt = 1; attempt <= 4 && !stopping; ++attempt) {
        ApiResult answer = co_await api.call(request);
        if (answer.ok()) co_return;
        if (answer.outcome == ApiResult::Outcome::slack_error) {
            spdlog::warn("{} could not be told privately: {}", user.value(), describe_api_error(request.method, answer));
            co_return;
        }
        asio::steady_timer timer(io);
        co_await sleep(timer, backoff);
        backoff *= 2;
    }
}

void SlackBot::Impl::wake_outbox() {
    outbox_dirty = true;
    outbox_wake.cancel();
}

void SlackBot::Impl::wake_scheduler() {
    schedules_dirty = true;
    schedule_wake.cancel();
}

void SlackBot::Impl::shutdown() {
    if (stopping) return;
    stopping = true;
    stopped_at = std::chrono::steady_clock::now();
    if (socket) socket->stop();
    outbox_wake.cancel();
    outbox_retry.cancel();
    schedule_wake.cancel();
}

SlackBot::SlackBot(Engine& engine, Store& store, const Clock& clock, SlackSettings settings)
    : impl_(std::make_unique<Impl>(engine, store, clock, std::move(settings))) {}

SlackBot::~SlackBot() = default;

int SlackBot::run() {
    Impl& impl = *impl_;
    asio::co_spawn(impl.io, impl.main(), [&impl](std::exception_ptr e) {
        log_unexpected_end("the Slack connection", e);
        if (e) impl.exit_code = 1;
        impl.shutdown();
    });
    // Runs until every coroutine has ended; after stop(), what is still in
    // flight (a slow HTTP call) gets kStopGrace and is then abandoned.
    while (!impl.io.stopped()) {
        impl.io.run_for(std::chrono::milliseconds(100));
        if (impl.stopped_at && std::chrono::steady_clock::now() - *impl.stopped_at > kStopGrace) impl.io.stop();
    }
    return impl.exit_code;
}

void SlackBot::stop() {
    asio::post(impl_->io, [impl = impl_.get()] { impl->shutdown(); });
}

}  // namespace warroom::slack
