#include "adapters/matrix/matrix_bot.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/http/http_listener.hpp"
#include "adapters/matrix/client_api.hpp"
#include "adapters/matrix/matrix_events.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "adapters/matrix/matrix_performer.hpp"
#include "adapters/matrix/matrix_refs.hpp"
#include "adapters/outside/outside_performer.hpp"
#include "adapters/net/bot_loops.hpp"
#include "adapters/net/endpoint.hpp"
#include "adapters/net/tls.hpp"
#include "bot/backoff.hpp"
#include "bot/metrics.hpp"

namespace warroom::matrix {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using net::log_unexpected_end;
using net::sleep;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kFirstRetry{500};
constexpr std::string_view kSyncLease = "matrix.sync";   // the lease of the replica that runs /sync
// A timeline gap is paged back at most this far, in pages of at most
// kGapPage events (fewer while a page is too long to read) and at most
// kMaxGapRequests requests.
constexpr std::size_t kMaxGapEvents = 1000;
constexpr std::size_t kGapPage = 100;
constexpr int kMaxGapRequests = 100;
// Events this much older than the previous batch's arrival are still fetched
// from a gap: the homeserver's clock and ours may differ a little.
constexpr std::int64_t kGapClockSlackMs = 5000;

net::Endpoint homeserver_endpoint(const std::string& url) {
    auto parsed = net::parse_endpoint(url, "https", "MATRIX_HOMESERVER");
    if (auto* error = std::get_if<net::EndpointError>(&parsed)) throw std::invalid_argument(error->message);
    return std::get<net::Endpoint>(std::move(parsed));
}

// Who may bring warroom into a room: the people the playbook names.
std::set<std::string> playbook_people(const Playbook& playbook) {
    std::set<std::string> people;
    for (const UserId& user : playbook.people()) people.insert(user.value());
    return people;
}

// Milliseconds since the epoch by this machine's clock, as Matrix timestamps are.
std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Helpers kept out of coroutine bodies: GCC 12 destroys the temporaries of a
// ?: inside a coroutine twice.
std::string describe_skipped(const Ignored& ignored) {
    return "skipped Matrix event " + (ignored.matrix_event_id.empty() ? std::string("(no id)") : ignored.matrix_event_id) +
           " in " + (ignored.room_id.empty() ? std::string("(no room)") : ignored.room_id) + ": " + ignored.reason;
}

const std::string token_advice =
    "set a new MATRIX_ACCESS_TOKEN (or MATRIX_PASSWORD, so warroom logs in itself) and start warroom again";

}  // namespace

std::string check_matrix_settings(const MatrixSettings& settings) {
    const auto endpoint = net::parse_endpoint(settings.homeserver, "https", "MATRIX_HOMESERVER");
    if (const auto* error = std::get_if<net::EndpointError>(&endpoint)) return error->message;
    if (!is_matrix_user_id(settings.user_id))
        return "MATRIX_USER_ID must be the bot account's full Matrix id, like @warroom:example.org";
    if (settings.access_token.empty() && settings.password.empty())
        return "set MATRIX_ACCESS_TOKEN (the bot account's access token) or MATRIX_PASSWORD (to log in)";
    return {};
}

struct MatrixBot::Impl {
    Impl(Engine& engine, Store& store, const Clock& clock, MatrixSettings settings)
        : engine(engine),
          store(store),
          clock(clock),
          settings(std::move(settings)),
          records(store),
          refs(records),
          trusted_inviters(playbook_people(engine.playbook())) {
        outbox_queue.settle_failures_with(engine);   // an outside delivery failing for good is the lead's to hear
    }

    awaitable<void> main();
    awaitable<bool> sign_in();
    awaitable<void> create_filter();
    awaitable<void> sync_loop();
    awaitable<void> sync_while_holding_lease();
    awaitable<void> keep_sync_lease();
    enum class SyncLease { held, held_by_another, unknown };   // unknown: the database did not answer
    SyncLease renew_sync_lease();
    void release_sync_lease();
    awaitable<SyncPosition> start_position();
    awaitable<void> handle_batch(const SyncBatch& batch, const SyncPosition& previous);
    awaitable<std::optional<SyncBatch>> page_every_room(const SyncPosition& previous);
    awaitable<void> handle_event(const MatrixEvent& event);
    awaitable<void> handle_invite(const Invite& invite);
    awaitable<void> fill_gap(const TimelineGap& gap, const SyncPosition& previous);
    awaitable<void> send_stored_reply(const std::string& command_event_id);
    SyncContext sync_context();
    // The stored filter at full timelines, else the filter inline with `timeline_limit`.
    std::string filter_for(std::size_t timeline_limit) const;
    // The batch of a sync answer, or nothing after logging why it cannot be used.
    std::optional<SyncBatch> usable_batch(const MatrixRequest& request, const MatrixResult& answer);
    void fatal(const std::string& message);
    void shutdown();
    // Whether the last /sync was answered: /readyz and the connection gauge both read it.
    void sync_answered(bool answered) {
        sync_answering = answered;
        metrics::set_connected("matrix", answered);
    }

    Engine& engine;
    Store& store;
    const Clock& clock;
    MatrixSettings settings;
    PlatformRecords records;
    MatrixRefs refs;
    std::set<std::string> trusted_inviters;
    UserId bot_user;
    std::string filter_id;
    // Declared before everything bound to it, so it is destroyed after them.
    asio::io_context io;
    asio::ssl::context tls = net::make_client_tls_context(settings.ca_file);
    MatrixApi api{io.get_executor(), tls, homeserver_endpoint(settings.homeserver), settings.access_token,
                  std::chrono::seconds(30), settings.max_response_body};
    std::optional<MatrixPerformer> performer;
    outside::OutsidePerformer outside{io.get_executor(), tls, engine.playbook(), records, clock};
    OutboxQueue outbox_queue{store, clock, settings.replica};
    net::OutboxLoop outbox{io.get_executor(), outbox_queue,
                           [this](const OutboxJob& job) {
                               return net::performer_for(job, *performer, outside).perform(job);
                           },
                           settings.retry_backoff_max};
    net::ScheduleLoop schedules{io.get_executor(), engine, clock, [this] { outbox.wake(); }};
    asio::steady_timer retry{io};
    asio::steady_timer lease_timer{io};
    asio::steady_timer lease_renewal{io};
    std::optional<http::WebSite> site;
    std::optional<http::HttpListener> listener;
    bool holding_sync = false;
    bool sync_answering = false;
    bool database_unreachable = false;   // an event of the batch in hand could not be recorded
    bool stopping = false;
    std::optional<std::chrono::steady_clock::time_point> stopped_at;
    int exit_code = 0;
};

awaitable<void> MatrixBot::Impl::main() {
    if (settings.stop_on_signals)
        asio::co_spawn(io, net::stop_on_signal([this] { shutdown(); }, "stopping the Matrix sync"), asio::detached);
    if (!co_await sign_in()) {
        if (!stopping) exit_code = 1;
        shutdown();
        co_return;
    }
    co_await create_filter();
    asio::co_spawn(io, outbox.run(), [](std::exception_ptr e) { log_unexpected_end("the outbox", e); });
    asio::co_spawn(io, schedules.run(), [](std::exception_ptr e) { log_unexpected_end("the scheduler", e); });
    co_await sync_while_holding_lease();
}

// Replicas share one sync position, so one of them syncs at a time: the one
// holding the "matrix.sync" lease. The others perform outbox jobs and fire
// schedules, and look at the lease every quarter of its length; when its
// holder stops renewing it, one of them takes over from the stored position.
// Correctness does not rest on the lease: two replicas handling the same
// batch (a holder paused past its lease) apply each event once, because the
// engine records every Matrix event id in the event's own transaction.
awaitable<void> MatrixBot::Impl::sync_while_holding_lease() {
    bool said_waiting = false;
    Backoff database_backoff(kFirstRetry, settings.retry_backoff_max);
    while (!stopping) {
        if (const SyncLease lease = renew_sync_lease(); lease != SyncLease::held) {
            // A database that cannot be reached was logged by renew_sync_lease.
            if (!said_waiting && lease == SyncLease::held_by_another)
                spdlog::info("another replica runs the Matrix sync; this one ({}) performs the outbox and takes the "
                             "sync over when that one stops", settings.replica);
            said_waiting = lease == SyncLease::held_by_another;
            co_await sleep(lease_timer, settings.sync_lease / 4);
            continue;
        }
        said_waiting = false;
        spdlog::info("this replica ({}) runs the Matrix sync", settings.replica);
        holding_sync = true;
        asio::co_spawn(io, keep_sync_lease(), [](std::exception_ptr e) { log_unexpected_end("the sync lease", e); });
        bool database_lost = false;
        milliseconds pause{0};
        try {
            co_await sync_loop();
            database_backoff.reset();
        } catch (const StorageUnavailable& error) {
            // A read outside an event's own transaction (a room or card named
            // in the batch, a stored answer to send, the sync position) found
            // the database gone. The batch in hand was not marked synced, so
            // the sync starts again from the stored position, as after a
            // restart, and recognises each event it already handled.
            pause = database_backoff.next();
            spdlog::error("the database cannot be reached; the Matrix sync starts again from its stored position in "
                          "{} ms: {}",
                          pause.count(), error.what());
            database_lost = true;
        }
        holding_sync = false;
        lease_renewal.cancel();
        if (database_lost) co_await sleep(retry, pause);
    }
    release_sync_lease();
}

MatrixBot::Impl::SyncLease MatrixBot::Impl::renew_sync_lease() {
    try {
        auto tx = store.begin(TransactionKind::claim);
        const Time now = clock.now();
        const bool held = tx->take_lease(kSyncLease, settings.replica, now, now + settings.sync_lease);
        tx->commit();
        return held ? SyncLease::held : SyncLease::held_by_another;
    } catch (const StorageError& error) {
        spdlog::error("cannot renew the Matrix sync lease: {}", error.what());
        return SyncLease::unknown;
    }
}

void MatrixBot::Impl::release_sync_lease() {
    try {
        auto tx = store.begin(TransactionKind::claim);
        tx->release_lease(kSyncLease, settings.replica);
        tx->commit();
    } catch (const StorageError& error) {
        spdlog::warn("cannot give back the Matrix sync lease (another replica takes it when it ends): {}", error.what());
    }
}

awaitable<void> MatrixBot::Impl::keep_sync_lease() {
    while (holding_sync && !stopping) {
        co_await sleep(lease_renewal, settings.sync_lease / 4);
        if (!holding_sync || stopping) co_return;
        if (renew_sync_lease() != SyncLease::held) {
            // The batch in flight is left unhandled; its holder now replays it.
            spdlog::warn("this replica lost the Matrix sync lease; it stops syncing");
            holding_sync = false;
        }
    }
}

// Logs in when only a password is given, then asks the homeserver who the
// token belongs to: a bad token stops warroom here, with a message naming it.
awaitable<bool> MatrixBot::Impl::sign_in() {
    Backoff backoff(kFirstRetry, settings.retry_backoff_max);
    while (!stopping && settings.access_token.empty()) {
        const MatrixRequest login = password_login_request(settings.user_id, settings.password);
        MatrixResult answer = co_await api.call(login);
        if (answer.ok() && answer.body.contains("access_token") && answer.body["access_token"].is_string()) {
            settings.access_token = answer.body["access_token"].get<std::string>();
            api.set_access_token(settings.access_token);
            break;
        }
        if (answer.outcome != MatrixResult::Outcome::transient) {
            spdlog::error("{}; check MATRIX_USER_ID and MATRIX_PASSWORD", describe_matrix_error(login, answer));
            co_return false;
        }
        const milliseconds pause = backoff.next();
        spdlog::warn("{}; trying again in {} ms", describe_matrix_error(login, answer), pause.count());
        co_await sleep(retry, pause);
    }
    const MatrixRequest who = whoami_request();
    while (!stopping) {
        MatrixResult answer = co_await api.call(who);
        if (answer.ok()) {
            const std::string user = answer.body.value("user_id", std::string());
            if (!is_matrix_user_id(user)) {
                spdlog::error("the homeserver's whoami named no user; is MATRIX_HOMESERVER the client-server API?");
                co_return false;
            }
            if (user != settings.user_id)
                spdlog::warn("MATRIX_USER_ID is {} but the access token belongs to {}; acting as {}", settings.user_id,
                             user, user);
            bot_user = UserId{user};
            performer.emplace(records, api, refs, bot_user, engine.playbook().admins);
            spdlog::info("signed in to {} as {}", settings.homeserver, user);
            co_return true;
        }
        if (answer.outcome == MatrixResult::Outcome::token_refused) {
            spdlog::error("the homeserver refused the access token ({}): {}", answer.errcode, token_advice);
            co_return false;
        }
        if (answer.outcome == MatrixResult::Outcome::refused || answer.outcome == MatrixResult::Outcome::too_large) {
            spdlog::error("{}; is MATRIX_HOMESERVER a Matrix homeserver?", describe_matrix_error(who, answer));
            co_return false;
        }
        const milliseconds pause = backoff.next();
        spdlog::warn("{}; trying again in {} ms", describe_matrix_error(who, answer), pause.count());
        co_await sleep(retry, pause);
    }
    co_return false;
}

// A stored filter keeps every sync URL short; a server that will not store
// one gets the filter inline.
awaitable<void> MatrixBot::Impl::create_filter() {
    const MatrixRequest create = create_filter_request(bot_user);
    MatrixResult answer = co_await api.call(create);
    if (answer.ok()) filter_id = answer.body.value("filter_id", std::string());
    if (filter_id.empty()) {
        if (!answer.ok()) spdlog::warn("{}; syncing with the filter inline", describe_matrix_error(create, answer));
        filter_id = sync_filter().dump();
    }
}

std::string MatrixBot::Impl::filter_for(std::size_t timeline_limit) const {
    if (timeline_limit == kSyncTimelineLimit) return filter_id;
    return sync_filter(timeline_limit).dump();
}

SyncContext MatrixBot::Impl::sync_context() {
    return SyncContext{bot_user.value(), [this](const std::string& room_id) { return refs.channel_name(room_id); },
                       [this](const std::string& event_id) { return refs.card(event_id); }};
}

std::optional<SyncBatch> MatrixBot::Impl::usable_batch(const MatrixRequest& request, const MatrixResult& answer) {
    if (!answer.ok()) {
        spdlog::warn("{}", describe_matrix_error(request, answer));
        return std::nullopt;
    }
    auto read = read_sync(answer.body, sync_context());
    if (auto* error = std::get_if<SyncError>(&read)) {
        spdlog::warn("a sync answer could not be used: {}", error->message);
        return std::nullopt;
    }
    return std::get<SyncBatch>(std::move(read));
}

// At each start, a sync without `since` and with empty timelines: the
// invitations waiting now are answered (one a crash left unanswered
// included), and a new database starts from its next_batch, so history from
// before warroom first ran here is never acted on. Saved before anything is
// joined: the window in which a crash could move that start is one commit.
awaitable<SyncPosition> MatrixBot::Impl::start_position() {
    std::optional<SyncPosition> stored = refs.sync_position();
    const std::string filter = invitations_filter().dump();
    const MatrixRequest request = sync_request(std::nullopt, milliseconds(0), filter);
    Backoff backoff(kFirstRetry, settings.retry_backoff_max);
    while (!stopping) {
        MatrixResult answer = co_await api.sync(request);
        if (answer.outcome == MatrixResult::Outcome::token_refused) {
            fatal("the homeserver refused the access token (" + answer.errcode + ") while syncing: " + token_advice);
            break;
        }
        std::optional<SyncBatch> batch = usable_batch(request, answer);
        sync_answered(batch.has_value());
        if (!batch) {
            const milliseconds pause = backoff.next();
            co_await sleep(retry, pause);
            continue;
        }
        if (!stored) {
            stored = SyncPosition{batch->next_batch, wall_clock_ms()};
            refs.save_sync_position(*stored);
            spdlog::info("first sync: what was said before warroom first ran here is not acted on");
        }
        for (const SyncItem& item : batch->items)
            if (const auto* invite = std::get_if<Invite>(&item); invite && !stopping) co_await handle_invite(*invite);
        break;
    }
    co_return stored.value_or(SyncPosition{});
}

// Long-polls /sync from the stored position. A batch's position is saved
// only after every event in it was handled, so a crash replays the batch;
// the engine recognises each event it already handled by its Matrix event id.
//
// An answer too long to read (max_response_body) would be the same answer
// at the same position forever, so it is asked again at once with shorter
// timelines: the server marks each room it cut `limited`, and fill_gap pages
// what was left out with /messages. Down to one event a room; if even that is
// too long, every room is paged from the position (page_every_room).
awaitable<void> MatrixBot::Impl::sync_loop() {
    SyncPosition position = co_await start_position();
    Backoff backoff(kFirstRetry, settings.retry_backoff_max);
    Backoff database_backoff(kFirstRetry, settings.retry_backoff_max);
    std::size_t timeline_limit = kSyncTimelineLimit;   // back towards the full limit after each answer read
    bool failed = false;                                 // the last /sync failed (the metrics' reconnects)
    while (!stopping) {
        const MatrixRequest request = sync_request(position.next_batch, settings.sync_timeout, filter_for(timeline_limit));
        const auto asked_at = std::chrono::steady_clock::now();
        MatrixResult answer = co_await api.sync(request);
        if (stopping || !holding_sync) co_return;
        if (answer.outcome == MatrixResult::Outcome::token_refused) {
            fatal("the homeserver refused the access token (" + answer.errcode + ") while syncing: " + token_advice);
            co_return;
        }
        std::optional<SyncBatch> batch;
        if (answer.outcome != MatrixResult::Outcome::too_large) {
            batch = usable_batch(request, answer);
        } else if (timeline_limit > 1) {
            timeline_limit /= 2;
            spdlog::warn("the sync answer was longer than the {} bytes warroom reads; asking again with at most {} "
                         "event(s) a room, and paging the rest", settings.max_response_body, timeline_limit);
            continue;
        } else {
            spdlog::warn("even one event a room makes the sync answer longer than the {} bytes warroom reads; paging "
                         "every room's timeline instead", settings.max_response_body);
            batch = co_await page_every_room(position);
        }
        if (stopping) co_return;
        if (!batch) {
            sync_answered(false);
            failed = true;
            // The same position is asked again: nothing is skipped.
            const milliseconds pause = backoff.next();
            spdlog::info("syncing again in {} ms", pause.count());
            co_await sleep(retry, pause);
            continue;
        }
        backoff.reset();
        timeline_limit = std::min(std::max<std::size_t>(timeline_limit * 2, 1), kSyncTimelineLimit);
        const std::int64_t received_at = wall_clock_ms();
        if (std::exchange(failed, false)) metrics::reconnected("matrix");
        sync_answered(true);
        if (batch->newest_event_ms)
            metrics::matrix_sync_lag(milliseconds(received_at - *batch->newest_event_ms));
        else
            metrics::matrix_sync_lag(std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - asked_at));
        co_await handle_batch(*batch, position);
        if (stopping || !holding_sync) co_return;
        if (database_unreachable) {
            // Nothing of the unhandled events was recorded; the batch is asked for again from the same position.
            database_unreachable = false;
            const milliseconds pause = database_backoff.next();
            spdlog::warn("the database cannot be reached; syncing the same batch again in {} ms", pause.count());
            co_await sleep(retry, pause);
            continue;
        }
        database_backoff.reset();
        position = SyncPosition{batch->next_batch, received_at};
        try {
            refs.save_sync_position(position);
        } catch (const StorageError& error) {
            // Harmless: the next start replays this batch, and its events are recognised.
            spdlog::error("the sync position could not be saved: {}", error.what());
        }
        outbox.wake();
        schedules.wake();
    }
}

// When no sync answer with timelines can be read: a sync with none gives the
// new position (and the invitations), and each joined room's events between
// the old position and the new one are paged as a gap. The batch returned
// holds the invitations and a gap per room; nothing when either call failed.
awaitable<std::optional<SyncBatch>> MatrixBot::Impl::page_every_room(const SyncPosition& previous) {
    const MatrixRequest request = sync_request(previous.next_batch, milliseconds(0), invitations_filter().dump());
    MatrixResult answer = co_await api.sync(request);
    std::optional<SyncBatch> batch = usable_batch(request, answer);
    if (!batch) co_return std::nullopt;
    const MatrixRequest list = joined_rooms_request();
    MatrixResult joined = co_await api.call(list);
    if (!joined.ok()) {
        spdlog::warn("{}", describe_matrix_error(list, joined));
        co_return std::nullopt;
    }
    // Gaps the server reported are covered by paging every room; invitations are kept.
    std::erase_if(batch->items, [](const SyncItem& item) { return std::holds_alternative<TimelineGap>(item); });
    for (const json& room : joined.body.value("joined_rooms", json::array()))
        if (room.is_string()) batch->items.push_back(TimelineGap{room.get<std::string>(), batch->next_batch});
    co_return batch;
}

awaitable<void> MatrixBot::Impl::handle_batch(const SyncBatch& batch, const SyncPosition& previous) {
    for (const SyncItem& item : batch.items) {
        if (stopping || database_unreachable) co_return;
        if (const auto* invite = std::get_if<Invite>(&item)) {
            co_await handle_invite(*invite);
        } else if (const auto* event = std::get_if<MatrixEvent>(&item)) {
            co_await handle_event(*event);
        } else if (const auto* gap = std::get_if<TimelineGap>(&item)) {
            co_await fill_gap(*gap, previous);
        } else {
            const auto& ignored = std::get<Ignored>(item);
            spdlog::log(ignored.malformed ? spdlog::level::warn : spdlog::level::debug, "{}", describe_skipped(ignored));
        }
    }
}

awaitable<void> MatrixBot::Impl::handle_event(const MatrixEvent& event) {
    const bool is_command = std::holds_alternative<CommandText>(event.event.what);
    // Commands are always answered; a reaction is answered only when refused
    // (its card's edit is the answer otherwise).
    const ReplyRecorder record = [&](Transaction& tx, const Reply& reply) {
        if (!is_command && reply.kind != Reply::Kind::error) return;
        Reply shown = reply;
        StoredReply stored{event.room_id, shown, false, std::nullopt};
        if (!reply.may_show_in_channel)
            stored.direct_to = event.event.user;   // for the caller only, outside the incident's rooms
        else if (!is_command)
            stored.reply.text = event.event.user.value() + ": " + reply.text;
        MatrixRefs::record_reply(tx, event.matrix_event_id, stored);
    };
    Reply reply;
    try {
        reply = engine.handle(event.event, record);
    } catch (const std::exception& error) {
        // Nothing was committed: the transaction rolled back with the exception.
        spdlog::error("Matrix event {} could not be handled: {}", event.matrix_event_id, error.what());
        co_return;
    }
    if (reply.kind == Reply::Kind::unavailable) {
        // The rest of the batch waits: the same position is synced again once the database is back.
        database_unreachable = true;
        co_return;
    }
    if (reply.kind != Reply::Kind::ignored) {
        outbox.wake();
        schedules.wake();
    }
    // Also for an event seen before: its answer may not have gone out before a crash.
    co_await send_stored_reply(event.matrix_event_id);
}

awaitable<void> MatrixBot::Impl::send_stored_reply(const std::string& command_event_id) {
    std::optional<StoredReply> stored = refs.reply(command_event_id);
    if (!stored || stored->sent || stored->reply.text.empty()) co_return;
    // A transient failure (5xx, a lost answer, a timeout) is repeated until the answer is sent: nothing else
    // would send it while warroom runs, and the command was applied. The transaction id makes a repeat of a
    // send that did arrive the same message. The sync waits meanwhile, which keeps the answers in order.
    Backoff backoff(kFirstRetry, settings.retry_backoff_max);
    while (!stopping) {
        MatrixResult sent;
        if (stored->direct_to)
            sent = co_await performer->send_private_reply(*stored->direct_to, command_event_id, stored->reply.text);
        else
            sent = co_await performer->send_reply(stored->room_id, command_event_id, stored->reply.text);
        if (sent.ok()) {
            refs.mark_reply_sent(command_event_id);
            co_return;
        }
        if (sent.outcome != MatrixResult::Outcome::transient) {
            spdlog::warn("the answer to {} could not be sent: {}", command_event_id, sent.error);
            co_return;
        }
        const milliseconds pause = backoff.next();
        spdlog::warn("the answer to {} could not be sent yet, trying again in {} ms: {}", command_event_id,
                     pause.count(), sent.error);
        co_await sleep(retry, pause);
    }
}

awaitable<void> MatrixBot::Impl::handle_invite(const Invite& invite) {
    if (!trusted_inviters.count(invite.inviter)) {
        // A warning: when the playbook names nobody as a Matrix id, every invitation ends here.
        spdlog::warn("not joining {}: invited by {}, who is not in the playbook (admins, executives or a group)",
                     invite.room_id, invite.inviter);
        co_return;
    }
    const MatrixRequest join = join_request(invite.room_id);
    MatrixResult joined = co_await api.call(join);
    if (joined.ok()) {
        spdlog::info("joined {} on {}'s invitation", invite.room_id, invite.inviter);
    } else {
        // The invitation is still there: the next start's first sync offers it again.
        spdlog::warn("could not join {}: {}", invite.room_id, describe_matrix_error(join, joined));
    }
}

// The server left events out of a room's timeline (limited): page back from
// the gap to the previous position (/messages' `to`; and, in case the server
// ignores it, to the events the previous batch's arrival covered), and handle
// them oldest first. A page too long to read is asked again with fewer events.
awaitable<void> MatrixBot::Impl::fill_gap(const TimelineGap& gap, const SyncPosition& previous) {
    if (gap.prev_batch.empty()) co_return;
    std::vector<json> missed;
    std::string from = gap.prev_batch;
    std::size_t page_size = kGapPage;
    bool covered = false;
    for (int asked = 0; asked < kMaxGapRequests && !covered && missed.size() < kMaxGapEvents; ++asked) {
        const MatrixRequest request = gap_messages_request(gap.room_id, from, previous.next_batch, page_size);
        MatrixResult answer = co_await api.call(request);
        if (answer.outcome == MatrixResult::Outcome::too_large && page_size > 1) {
            page_size /= 2;
            continue;
        }
        if (!answer.ok()) {
            spdlog::warn("events skipped by the server in {} could not be fetched: {}", gap.room_id,
                         describe_matrix_error(request, answer));
            break;
        }
        auto read = read_gap_page(answer.body, bot_user.value(), previous.received_at_ms - kGapClockSlackMs);
        if (const auto* error = std::get_if<SyncError>(&read)) {
            spdlog::warn("events skipped by the server in {} could not be read: {}", gap.room_id, error->message);
            break;
        }
        GapPage& page = std::get<GapPage>(read);
        std::move(page.events.begin(), page.events.end(), std::back_inserter(missed));
        // No end: the server has nothing more that way (with `to`, the previous position was reached).
        covered = page.reached_known || page.end.empty() || page.end == from;
        from = std::move(page.end);
    }
    if (!covered)
        spdlog::warn("{}: the server skipped more events than warroom pages back ({} events, {} requests); the oldest "
                     "of them are not handled", gap.room_id, kMaxGapEvents, kMaxGapRequests);
    spdlog::info("fetched {} event(s) the server left out of {}'s timeline", missed.size(), gap.room_id);
    const SyncContext context = sync_context();
    for (auto event = missed.rbegin(); event != missed.rend() && !stopping && !database_unreachable; ++event) {
        const SyncItem item = read_timeline_event(*event, gap.room_id, context);
        if (const auto* matrix_event = std::get_if<MatrixEvent>(&item)) co_await handle_event(*matrix_event);
    }
}

void MatrixBot::Impl::fatal(const std::string& message) {
    spdlog::error("{}", message);
    exit_code = 1;
    shutdown();
}

void MatrixBot::Impl::shutdown() {
    if (stopping) return;
    stopping = true;
    stopped_at = std::chrono::steady_clock::now();
    if (listener) listener->stop();
    outbox.stop();
    schedules.stop();
    retry.cancel();
    lease_timer.cancel();
    lease_renewal.cancel();
}

MatrixBot::MatrixBot(Engine& engine, Store& store, const Clock& clock, MatrixSettings settings)
    : impl_(std::make_unique<Impl>(engine, store, clock, settings)) {
    // Anyone can name a room, and another server's admins can point its
    // aliases anywhere: audiences are pinned by room id or by warroom's own aliases.
    engine.use_channel_pins({ChannelPins::Platform::matrix, std::string(matrix_server_of(settings.user_id))});
    if (const auto& http_settings = impl_->settings.http) {
        Impl& impl = *impl_;
        impl.site.emplace(store, clock, *http_settings, [&impl]() -> std::string {
            if (!impl.performer) return "not signed in to the homeserver yet";
            // A replica that does not hold the sync only performs the outbox: it is ready as it is.
            if (impl.holding_sync && !impl.sync_answering) return "the last /sync with the homeserver failed";
            return {};
        });
        impl.listener.emplace(impl.io.get_executor(), *http_settings,
                              [&impl](const http::WebRequest& request) { return impl.site->answer(request); });
    }
}

MatrixBot::~MatrixBot() = default;

int MatrixBot::run() {
    Impl& impl = *impl_;
    if (impl.listener)
        asio::co_spawn(impl.io, impl.listener->run(), [](std::exception_ptr e) { log_unexpected_end("the HTTP listener", e); });
    asio::co_spawn(impl.io, impl.main(), [&impl](std::exception_ptr e) {
        log_unexpected_end("the Matrix sync", e);
        if (e) impl.exit_code = 1;
        impl.shutdown();
    });
    net::run_until_done(impl.io, impl.stopped_at);
    return impl.exit_code;
}

std::optional<std::string> MatrixBot::http_url() const {
    if (!impl_->listener) return std::nullopt;
    return impl_->listener->url();
}

void MatrixBot::stop() {
    asio::post(impl_->io, [impl = impl_.get()] { impl->shutdown(); });
}

}  // namespace warroom::matrix
