// The database going away loses nothing (issue 18): the whole bot through
// the Slack and Matrix simulators on a real PostgreSQL that is stopped and
// started again, or whose connections are cut from outside, while people type.
// Every command must be applied once and answered once, the outbox must drain
// without publishing anything twice, and no password or token may reach the
// log. A bot that cannot reach its database at start says so, names
// WARROOM_DB with the password masked, and exits non-zero.
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/matrix/matrix_cards.hpp"
#include "console_support.hpp"
#include "matrix_support.hpp"
#include "postgres_cluster.hpp"
#include "slack_support.hpp"

namespace warroom::test {
namespace {

// The private server's role password: asked for on every TCP connection, so
// the bot must keep using it across reconnects, and it must never be logged.
const std::string kServerPassword = "outage-s3cret-7Qx";

const std::string kMain = "inc-1-payroll-phishing-campaign";
const std::string kNoteText = "suspicious login from 10.0.0.7 at 09:12";
const std::string kDraftText = "Phishing against payroll contained: 3 accounts reset, next update 11:00.";

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
    return count;
}

// How many of INC-1's timeline entries hold `text`, read through the test's own connection.
std::size_t timeline_entries_with(Store& observer, const std::string& text) {
    auto tx = observer.begin();
    const auto entries = tx->timeline(IncidentId{1});
    return static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(), [&](const TimelineEntry& entry) {
        return entry.text.find(text) != std::string::npos;
    }));
}

std::vector<Draft> drafts_with(Store& observer, const std::string& text) {
    auto tx = observer.begin();
    std::vector<Draft> found;
    for (Draft& draft : tx->drafts(IncidentId{1}))
        if (draft.text == text) found.push_back(std::move(draft));
    return found;
}

// True once every committed effect was performed. A database still coming
// back counts as not yet.
bool outbox_drained(Store& observer) {
    try {
        auto tx = observer.begin();
        return tx->pending_jobs(1).empty();
    } catch (const StorageError&) {
        return false;
    }
}

// A URL of the CTest-shared cluster with a password in it, which the
// cluster's trust authentication ignores: it is there to be kept out of logs.
std::string with_password(const std::string& url, const std::string& password) {
    const std::string user = "postgresql://warroom@";
    REQUIRE(url.rfind(user, 0) == 0);
    return "postgresql://warroom:" + password + "@" + url.substr(user.size());
}

std::string database_name(const std::string& url) { return url.substr(url.rfind('/') + 1); }

// -- Slack -------------------------------------------------------------------

std::size_t acks_of(const SlackWorld& world, const std::string& envelope) {
    const auto acks = world.sim.acks();
    return static_cast<std::size_t>(
        std::count_if(acks.begin(), acks.end(), [&](const auto& ack) { return ack.envelope_id == envelope; }));
}

std::string answer_to(const SlackWorld& world, const std::string& envelope) {
    const auto ack = world.ack_of(envelope);
    if (!ack || !ack->payload.is_object()) return {};
    return ack->payload.value("text", std::string());
}

// Nothing the bot posted (cards, publishes, notices) is in any channel twice.
void check_nothing_posted_twice(SlackWorld& world) {
    for (const auto& channel : world.sim.channels()) {
        std::map<std::string, int> seen;
        for (const auto& message : world.sim.messages(channel.id))
            if (message.user == world.sim.bot_user_id() && !message.ephemeral_to) ++seen[message.text];
        for (const auto& [text, times] : seen) {
            INFO("#" << channel.name << ": " << text);
            CHECK(times == 1);
        }
    }
}

std::size_t published_in(SlackWorld& world, const std::string& channel, const std::string& text) {
    std::size_t count = 0;
    for (const auto& message : world.posts_in(channel))
        count += message.text.find(text) != std::string::npos;
    return count;
}

// Declares INC-1 in #general and waits until alice is in its channel; returns the channel's id.
std::string declare_on_slack(SlackWorld& world) {
    REQUIRE_THAT(world.command("alice", "general", "declare sev1 Payroll phishing campaign"),
                 Catch::Contains("INC-1"));
    world.wait_until_member(kMain, "alice");
    return world.channel_named(kMain).id;
}

// A bot started against a database nobody listens on: it says which setting
// to fix, with the password masked, and exits 1 before doing anything else.
void check_refused_start(const std::string& environment, const std::string& mode, const std::string& secret) {
    const auto run = run_command("env -i " + environment + " timeout 60 " + std::string(WARROOM_BINARY) + " " +
                                 mode + " </dev/null 2>&1");
    INFO(run.output);
    CHECK(WIFEXITED(run.status));
    CHECK(WEXITSTATUS(run.status) == 1);
    CHECK_THAT(run.output, Catch::Contains("WARROOM_DB"));
    CHECK_THAT(run.output, Catch::Contains("***"));
    CHECK_THAT(run.output, Catch::Contains("cannot reach"));
    CHECK_THAT(run.output, !Catch::Contains(secret));
}

TEST_CASE("database outage: a bot whose PostgreSQL cannot be reached at start exits naming WARROOM_DB, password "
          "masked",
          "[outage]") {
    const std::string secret = "s3cret-pass";
    const std::string port = std::to_string(unused_local_port());
    const std::string url = "'WARROOM_DB=postgresql://warroom:" + secret + "@127.0.0.1:" + port + "/warroom'";
    const std::string keywords = "'WARROOM_DB=host=127.0.0.1 port=" + port + " password=" + secret + " dbname=x'";

    SECTION("the console, with a URL") { check_refused_start(url, "console --script -", secret); }
    SECTION("the console, with libpq's key=value form") { check_refused_start(keywords, "console --script -", secret); }
    SECTION("the Slack bot, its simulator waiting") {
        slack_sim::SlackSimulator sim;
        const std::string slack = "SLACK_APP_TOKEN=" + sim.app_token() + " SLACK_BOT_TOKEN=" + sim.bot_token() +
                                  " SLACK_API_URL=" + sim.api_url() + " SSL_CERT_FILE=" + sim.ca_file() + " ";
        check_refused_start(slack + url, "", secret);
        check_refused_start(slack + keywords, "", secret);
        // It stopped at the database: Slack never heard from it.
        CHECK(sim.api_calls().empty());
        CHECK(sim.connections_opened() == 0);
    }
}

TEST_CASE("database outage: PostgreSQL restarted under the Slack bot, commands typed meanwhile are applied and "
          "answered once",
          "[outage][slack]") {
    PostgresServer server(kServerPassword);
    CapturedLog log;
    SlackWorld world;
    world.use_postgres(server.fresh_database());
    world.sim.set_ack_timeout(1s);   // Slack's redelivery of what the bot left unacked, sooner
    world.start();
    const std::string main = declare_on_slack(world);

    // Down: what alice types is tried, left unacked and delivered again.
    server.stop();
    const std::string note = world.sim.slash_command(world.id("alice"), main, "note " + kNoteText);
    const std::string draft = world.sim.slash_command(world.id("alice"), main, "draft exec " + kDraftText);
    REQUIRE(world.sim.wait_for([&] { return occurrences(log.text(), "left unacked, for Slack to deliver again") >= 4; },
                               15s));
    CHECK(acks_of(world, note) == 0);
    CHECK(acks_of(world, draft) == 0);

    // Back: each is applied once and answered once.
    server.start();
    REQUIRE(world.sim.wait_for([&] { return acks_of(world, note) > 0 && acks_of(world, draft) > 0; }, 20s));
    CHECK_THAT(answer_to(world, draft), Catch::Contains("D-1"));
    CHECK(timeline_entries_with(*world.observer, kNoteText) == 1);
    const auto drafts = drafts_with(*world.observer, kDraftText);
    REQUIRE(drafts.size() == 1);
    const auto card = world.wait_for_card(kMain, "D-1");

    // Down again while the approved message is being published: the post is
    // made, its answer held until the server is gone, so the job cannot be
    // marked done. Performed again once the server is back, it must find
    // its message instead of posting it twice.
    REQUIRE(world.sim.wait_for([&] { return outbox_drained(*world.observer); }, 20s));
    world.sim.slow("chat.postMessage", 1, 3s);   // the approval's first post is its publish
    world.sim.click(world.id("alice"), main, card.ts, "warroom.approve");
    REQUIRE(world.sim.wait_for([&] { return published_in(world, "exec-briefing", kDraftText) == 1; }, 15s));
    server.stop();
    REQUIRE(world.sim.wait_for([&] { return occurrences(log.text(), "was done but could not be marked done") > 0; },
                               15s));
    server.start();

    REQUIRE(world.sim.wait_for([&] { return outbox_drained(*world.observer); }, 20s));
    world.stop();
    CHECK(world.exit_code == 0);
    CHECK(published_in(world, "exec-briefing", kDraftText) == 1);
    CHECK(drafts_with(*world.observer, kDraftText).at(0).state == DraftState::published);
    CHECK(acks_of(world, note) == 1);
    CHECK(acks_of(world, draft) == 1);
    CHECK(world.sim.unacked_envelopes().empty());
    CHECK(timeline_entries_with(*world.observer, kNoteText) == 1);
    check_nothing_posted_twice(world);

    const std::string logged = log.text();
    CHECK_THAT(logged, !Catch::Contains(kServerPassword));
    CHECK_THAT(logged, !Catch::Contains(world.sim.bot_token()));
    CHECK_THAT(logged, !Catch::Contains(world.sim.app_token()));
}

// A connection the test holds open, for a transaction that must outlive one statement.
class HeldConnection {
public:
    explicit HeldConnection(const std::string& url) : conn_(PQconnectdb(url.c_str()), &PQfinish) {
        REQUIRE(PQstatus(conn_.get()) == CONNECTION_OK);
    }
    void run(const std::string& sql) {
        const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn_.get(), sql.c_str()), &PQclear);
        INFO(sql << ": " << PQerrorMessage(conn_.get()));
        REQUIRE(PQresultStatus(result.get()) == PGRES_COMMAND_OK);
    }

private:
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

TEST_CASE("database outage: the Slack bot's connections cut from outside while commands flow, nothing lost or "
          "doubled",
          "[outage][slack][postgresql]") {
    const std::string password = "cut-s3cret-4Rw";
    const std::string url = with_password(fresh_postgres_database(), password);
    const std::string database = database_name(url);
    CapturedLog log;
    SlackWorld world;
    world.use_postgres(url);
    world.sim.set_ack_timeout(1s);
    world.start();
    const std::string main = declare_on_slack(world);

    // A cut in the middle of a command's transaction, made certain: the test
    // locks the timeline, the bot's note waits for it after recording the
    // event, and that waiting session is terminated.
    const std::string first_note = "first clue, cut mid-transaction";
    std::string first;
    {
        HeldConnection locker(url);
        locker.run("BEGIN");
        locker.run("LOCK TABLE timeline IN ACCESS EXCLUSIVE MODE");
        first = world.sim.slash_command(world.id("alice"), main, "note " + first_note);
        const std::string waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database +
                                    "' AND wait_event_type = 'Lock'";
        REQUIRE(world.sim.wait_for([&] { return postgres_query(url, waiting) == "1"; }, 10s));
        CHECK(postgres_query(url, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = '" + database + "' AND wait_event_type = 'Lock') AS cut") == "1");
        REQUIRE(world.sim.wait_for([&] { return occurrences(log.text(), "left unacked") > 0; }, 10s));
        locker.run("ROLLBACK");
    }

    // Then every connection of the bot's cut again and again while notes arrive.
    std::atomic<bool> cutting{true};
    std::atomic<int> sessions_cut{0};
    std::thread cutter([&] {
        const std::string cut_all = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '" +
                                    database + "' AND pid <> pg_backend_pid()";
        // A cut each time the bot did something the simulator saw (a request, an ack): paced by the bot's own
        // progress, so every step it takes may meet a fresh connection or none.
        const auto activity = [&] { return world.sim.api_calls().size() + world.sim.acks().size(); };
        while (cutting) {
            const std::size_t seen = activity();
            world.sim.wait_for([&] { return !cutting || activity() != seen; }, 25s);
            if (!cutting) break;
            try {
                sessions_cut += std::stoi(postgres_query(url, cut_all));
            } catch (const std::exception&) {
                // A refused query is a round without a cut.
            }
        }
    });
    std::vector<std::string> notes;
    std::vector<std::string> envelopes;
    for (int n = 1; n <= 4; ++n) {
        notes.push_back("clue " + std::to_string(n) + " while connections are cut");
        envelopes.push_back(world.sim.slash_command(world.id("alice"), main, "note " + notes.back()));
    }
    envelopes.push_back(world.sim.slash_command(world.id("alice"), main, "draft exec " + kDraftText));
    const bool all_acked = world.sim.wait_for([&] {
        return std::all_of(envelopes.begin(), envelopes.end(), [&](const auto& e) { return acks_of(world, e) > 0; });
    }, 25s);
    cutting = false;
    cutter.join();
    REQUIRE(all_acked);
    CHECK(sessions_cut > 0);

    REQUIRE(world.sim.wait_for([&] { return acks_of(world, first) > 0; }, 10s));
    REQUIRE(world.sim.wait_for([&] { return outbox_drained(*world.observer); }, 20s));
    world.stop();
    CHECK(world.exit_code == 0);
    CHECK(timeline_entries_with(*world.observer, first_note) == 1);
    for (const std::string& text : notes) {
        INFO(text);
        CHECK(timeline_entries_with(*world.observer, text) == 1);
    }
    CHECK(drafts_with(*world.observer, kDraftText).size() == 1);
    CHECK(acks_of(world, first) == 1);
    for (const std::string& envelope : envelopes) CHECK(acks_of(world, envelope) == 1);
    CHECK(world.sim.unacked_envelopes().empty());
    check_nothing_posted_twice(world);

    const std::string logged = log.text();
    CHECK_THAT(logged, !Catch::Contains(password));
    CHECK_THAT(logged, !Catch::Contains(world.sim.bot_token()));
    CHECK_THAT(logged, !Catch::Contains(world.sim.app_token()));
}

// -- Matrix ------------------------------------------------------------------

TEST_CASE("database outage: PostgreSQL restarted under the Matrix bot, commands and a card's reaction meanwhile "
          "are applied and answered once",
          "[outage][matrix]") {
    PostgresServer server(kServerPassword);
    CapturedLog log;
    MatrixWorld world;
    world.use_postgres(server.fresh_database());
    world.start();
    REQUIRE_THAT(world.command("alice", world.general, "declare sev1 Payroll phishing campaign"),
                 Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited(kMain, "alice");
    REQUIRE_THAT(world.command("alice", main, "draft exec " + kDraftText), Catch::Contains("D-1"));
    const auto card = world.wait_for_card(main, "D-1");
    REQUIRE(world.sim.wait_for([&] { return outbox_drained(*world.observer); }, 20s));

    // Down: alice notes and drafts. The batch holding them cannot be
    // recorded, so the bot syncs the same batch again.
    server.stop();
    const std::string note = world.sim.send_text(world.id("alice"), main, "!incident note " + kNoteText);
    const std::string second_draft_text = "Customer notice: no customer data was accessed.";
    const std::string draft = world.sim.send_text(world.id("alice"), main, "!incident draft exec " + second_draft_text);
    REQUIRE(world.sim.wait_for([&] { return occurrences(log.text(), "syncing the same batch again") > 0; }, 15s));
    // Then she approves D-1 by its reaction: the batch now cannot even be
    // read (the reaction's card is looked up in the database), so the sync
    // starts again from its stored position; once the sync lease cannot be
    // renewed either, it waits until it can.
    world.sim.react(world.id("alice"), main, card.event_id, std::string(matrix::kApproveKey));
    REQUIRE(world.sim.wait_for([&] { return occurrences(log.text(), "cannot renew the Matrix sync lease") > 0; }, 15s));
    CHECK(world.answers_to(note).empty());
    CHECK(world.answers_to(draft).empty());
    CHECK(world.publishes_of(world.audience_room("exec-briefing"), "D-1") == 0);

    // Back: each applied once, answered once, D-1 published once.
    server.start();
    REQUIRE(world.sim.wait_for([&] { return !world.answers_to(note).empty() && !world.answers_to(draft).empty(); },
                               25s));
    CHECK_THAT(world.answers_to(draft).front().content.value("body", std::string()), Catch::Contains("D-2"));
    const std::string exec = world.audience_room("exec-briefing");
    REQUIRE(world.sim.wait_for([&] { return world.publishes_of(exec, "D-1") > 0; }, 15s));
    world.wait_for_card(main, "D-2");
    REQUIRE(world.sim.wait_for([&] { return outbox_drained(*world.observer); }, 20s));
    world.stop();
    CHECK(world.exit_code == 0);

    CHECK(world.answers_to(note).size() == 1);
    CHECK(world.answers_to(draft).size() == 1);
    CHECK(timeline_entries_with(*world.observer, kNoteText) == 1);
    const auto approved = drafts_with(*world.observer, kDraftText);
    REQUIRE(approved.size() == 1);
    CHECK(approved.front().state == DraftState::published);
    CHECK(drafts_with(*world.observer, second_draft_text).size() == 1);
    CHECK(world.publishes_of(exec, "D-1") == 1);
    for (const auto& room : world.sim.rooms()) {
        std::map<std::string, int> seen;
        for (const auto& message : world.bot_messages(room.room_id))
            ++seen[message.content.value("body", std::string())];
        for (const auto& [body, times] : seen) {
            INFO(room.room_id << ": " << body);
            CHECK(times == 1);
        }
    }

    const std::string logged = log.text();
    CHECK_THAT(logged, !Catch::Contains(kServerPassword));
    CHECK_THAT(logged, !Catch::Contains(world.sim.bot_token()));
}

}  // namespace
}  // namespace warroom::test
