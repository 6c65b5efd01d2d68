#include "adapters/slack/slack_bot.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/http/http_listener.hpp"
#include "adapters/outside/outside_performer.hpp"
#include "adapters/net/bot_loops.hpp"
#include "adapters/net/endpoint.hpp"
#include "adapters/net/tls.hpp"
#include "adapters/slack/slack_events.hpp"
#include "adapters/slack/slack_people.hpp"
#include "adapters/slack/slack_performer.hpp"
#include "adapters/slack/socket_mode_client.hpp"
#include "bot/backoff.hpp"
#include "bot/json_fields.hpp"

namespace warroom::slack {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kFirstRetry{500};

using net::log_unexpected_end;
using net::sleep;

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
        : engine(engine), store(store), clock(clock), settings(std::move(settings)), records(store), refs(records) {
        outbox_queue.settle_failures_with(engine);   // an outside delivery failing for good is the lead's to hear
    }

    awaitable<void> main();
    awaitable<bool> identify();
    std::optional<json> on_envelope(const Envelope& envelope);
    awaitable<void> tell_privately(SlackChannelId channel, UserId user, std::string text);
    void wake_outbox();
    void wake_scheduler();
    void shutdown();

    Engine& engine;
    Store& store;
    const Clock& clock;
    SlackSettings settings;
    PlatformRecords records;
    // Declared before everything bound to it, so it is destroyed after them.
    asio::io_context io;
    asio::ssl::context tls = net::make_client_tls_context(settings.ca_file);
    RateLimiter limits;
    WebApi api{io.get_executor(), tls, settings.api_url, settings.bot_token, limits};
    SlackRefs refs;
    SlackPeople people{records, api, clock};
    std::optional<SlackPerformer> performer;
    std::optional<SocketModeClient> socket;
    outside::OutsidePerformer outside{io.get_executor(), tls, engine.playbook(), records, clock};
    OutboxQueue outbox_queue{store, clock, settings.replica};
    net::OutboxLoop outbox{io.get_executor(), outbox_queue,
                           [this](const OutboxJob& job) {
                               return net::performer_for(job, *performer, outside).perform(job);
                           },
                           settings.retry_backoff_max};
    net::ScheduleLoop schedules{io.get_executor(), engine, clock, [this] { wake_outbox(); }};
    asio::steady_timer identify_retry{io};
    std::optional<http::WebSite> site;
    std::optional<http::HttpListener> listener;
    bool stopping = false;
    std::optional<std::chrono::steady_clock::time_point> stopped_at;
    int exit_code = 0;
};

awaitable<void> SlackBot::Impl::main() {
    if (settings.stop_on_signals)
        asio::co_spawn(io, net::stop_on_signal([this] { shutdown(); }, "closing the Slack connection"), asio::detached);
    if (!co_await identify()) {
        if (!stopping) exit_code = 1;
        shutdown();
        co_return;
    }
    socket.emplace(io.get_executor(), tls, api, settings.app_token,
                   [this](const Envelope& envelope) { return on_envelope(envelope); },
                   SocketModeTimings{settings.ping_interval, settings.pong_timeout, std::chrono::seconds(10),
                                     milliseconds(500), settings.reconnect_backoff_max, std::chrono::seconds(10)});
    // Who is a guest or from another team is learnt before the engine sees the event.
    socket->set_preparer([this](const Envelope& envelope) -> awaitable<void> {
        const ChannelResolver resolve = [this](const SlackChannelId& id) { return refs.channel_name(id); };
        Inbound inbound = event_from_envelope(envelope, resolve);
        if (const auto* event = std::get_if<SlackEvent>(&inbound))
            co_await people.learn(SlackPeople::involved(event->event));
    });
    // Commands that arrive together are committed together (group commit); each is acked once durable.
    socket->set_group({[this] { return store.begin_group(); },
                       [this] {
                           try {
                               store.commit_group();
                           } catch (const StorageError& error) {
                               throw EnvelopeNotHandled(error.what());
                           }
                       },
                       [this] { store.abort_group(); }});
    asio::co_spawn(io, outbox.run(), [](std::exception_ptr e) { log_unexpected_end("the outbox", e); });
    asio::co_spawn(io, schedules.run(), [](std::exception_ptr e) { log_unexpected_end("the scheduler", e); });
    co_await socket->run();
}

// Learns warroom's own user id and bot id, and checks the bot token before anything else.
awaitable<bool> SlackBot::Impl::identify() {
    Backoff backoff(kFirstRetry, settings.reconnect_backoff_max);
    // Named, not a temporary inside the co_await: GCC 12 destroys such temporaries twice.
    const ApiRequest who_am_i{"auth.test", json::object()};
    while (!stopping) {
        ApiResult answer = co_await api.call(who_am_i);
        if (answer.ok()) {
            const std::string user = text_field(answer.body, "user_id");
            const std::string bot = text_field(answer.body, "bot_id");
            if (user.empty() || bot.empty()) {
                spdlog::error("Slack's auth.test named no bot user or bot id; is SLACK_BOT_TOKEN a bot token (xoxb-)?");
                co_return false;
            }
            performer.emplace(records, api, refs, UserId{user}, BotId{bot});
            people.set_home_team(answer.body.value("team_id", std::string()));
            spdlog::info("signed in to Slack as bot user {} (bot {})", user, bot);
            co_return true;
        }
        if (answer.outcome == ApiResult::Outcome::slack_error) {
            spdlog::error("{}; check SLACK_BOT_TOKEN", describe_api_error("auth.test", answer));
            co_return false;
        }
        const milliseconds pause = backoff.next();
        spdlog::warn("{}; retrying in {} ms", describe_api_error("auth.test", answer), pause.count());
        co_await sleep(identify_retry, pause);
    }
    co_return false;
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
        if (std::holds_alternative<MembershipLeft>(event.event.what) && performer &&
            event.event.user == performer->bot_user()) {
            spdlog::info("envelope {}: warroom itself left {}; nothing to do", envelope.envelope_id,
                         event.channel_id.value());
            return std::nullopt;
        }
        event.event.outsiders = people.outsiders_among(SlackPeople::involved(event.event));
        reply = engine.handle(event.event);
    } catch (const StorageUnavailable& error) {
        throw EnvelopeNotHandled(error.what());
    } catch (const std::exception& error) {
        // Nothing was committed: the transaction rolled back with the exception.
        spdlog::error("envelope {} could not be handled: {}", envelope.envelope_id, error.what());
        reply = Reply{Reply::Kind::error, "warroom could not record that just now (" + std::string(error.what()) +
                                              "); nothing changed, please try again"};
    }
    if (reply.kind == Reply::Kind::unavailable) throw EnvelopeNotHandled(reply.text);
    wake_outbox();
    wake_scheduler();
    // A slash command's answer rides in its ack, shown only to the caller.
    if (envelope.type == "slash_commands")
        return slash_command_payload(reply, [this](const ChannelName& name) -> std::optional<SlackChannelId> {
            // The command is applied already: an answer with the name unlinked beats no answer.
            try {
                return refs.channel_id(name);
            } catch (const StorageError&) {
                return std::nullopt;
            }
        });
    // A click is answered by its card changing; a refused click by a note only the clicker sees.
    if (envelope.type == "interactive" && reply.kind == Reply::Kind::error && !reply.text.empty() &&
        !event.channel_id.value().empty())
        asio::co_spawn(io, tell_privately(event.channel_id, event.event.user, reply.text), asio::detached);
    return std::nullopt;
}

awaitable<void> SlackBot::Impl::tell_privately(SlackChannelId channel, UserId user, std::string text) {
    const ApiRequest request = ephemeral_request(channel, user, text);
    Backoff backoff(kFirstRetry, settings.retry_backoff_max);
    for (int attempt = 1; attempt <= 4 && !stopping; ++attempt) {
        ApiResult answer = co_await api.call(request);
        if (answer.ok()) co_return;
        if (answer.outcome == ApiResult::Outcome::slack_error) {
            spdlog::warn("{} could not be told privately: {}", user.value(), describe_api_error(request.method, answer));
            co_return;
        }
        asio::steady_timer timer(io);
        const milliseconds pause = backoff.next();
        co_await sleep(timer, pause);
    }
}

void SlackBot::Impl::wake_outbox() { outbox.wake(); }

void SlackBot::Impl::wake_scheduler() { schedules.wake(); }

void SlackBot::Impl::shutdown() {
    if (stopping) return;
    stopping = true;
    stopped_at = std::chrono::steady_clock::now();
    if (socket) socket->stop();
    if (listener) listener->stop();
    outbox.stop();
    schedules.stop();
    identify_retry.cancel();
}

SlackBot::SlackBot(Engine& engine, Store& store, const Clock& clock, SlackSettings settings)
    : impl_(std::make_unique<Impl>(engine, store, clock, std::move(settings))) {
    // Anyone can create or rename a Slack channel: audiences are pinned by ID.
    engine.use_channel_pins({ChannelPins::Platform::slack, ""});
    if (const auto& http_settings = impl_->settings.http) {
        Impl& impl = *impl_;
        impl.site.emplace(store, clock, *http_settings, [&impl]() -> std::string {
            if (impl.socket && impl.socket->connected()) return {};
            return "not connected to Slack (Socket Mode)";
        });
        impl.listener.emplace(impl.io.get_executor(), *http_settings,
                              [&impl](const http::WebRequest& request) { return impl.site->answer(request); });
    }
}

SlackBot::~SlackBot() = default;

int SlackBot::run() {
    Impl& impl = *impl_;
    if (impl.listener)
        asio::co_spawn(impl.io, impl.listener->run(), [](std::exception_ptr e) { log_unexpected_end("the HTTP listener", e); });
    asio::co_spawn(impl.io, impl.main(), [&impl](std::exception_ptr e) {
        log_unexpected_end("the Slack connection", e);
        if (e) impl.exit_code = 1;
        impl.shutdown();
    });
    net::run_until_done(impl.io, impl.stopped_at);
    return impl.exit_code;
}

std::optional<std::string> SlackBot::http_url() const {
    if (!impl_->listener) return std::nullopt;
    return impl_->listener->url();
}

void SlackBot::stop() {
    asio::post(impl_->io, [impl = impl_.get()] { impl->shutdown(); });
}

}  // namespace warroom::slack
