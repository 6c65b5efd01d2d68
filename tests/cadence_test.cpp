// Syncs, reminders, sync reports and the summary cadence, in simulated time.
#include <catch2/catch.hpp>

#include "bot/interval.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kMain = "inc-1-build-dependency";

// A sev1 declared at kTestStart: the bundled playbook opens engineering,
// communications and legal, syncs them every 30m, holds the all-hands sync
// every 1h and prepares a summary every 2h.
void declare_sev1(Harness& h) {
    REQUIRE(h.say("alice", "general", "/incident declare sev1 Build dependency").kind == Reply::Kind::ok);
    REQUIRE(h.say("alice", kMain, "/incident workstream engineering @bob").kind == Reply::Kind::ok);
    h.drain();
}

std::size_t count_kind(Harness& h, EntryKind kind) { return h.timeline_of_kind(1, kind).size(); }

std::vector<std::string> texts_in(const std::vector<Effect>& effects, const std::string& channel,
                                  const std::string& containing = "") {
    std::vector<std::string> out;
    for (const PostMessage& m : messages_in(effects, channel))
        if (contains(m.text, containing)) out.push_back(m.text);
    return out;
}

}  // namespace

TEST_CASE("intervals are read as people type them, and nonsense is refused", "[cadence][interval]") {
    const Duration min = 30s, max = std::chrono::days(7);
    CHECK(std::get<Duration>(parse_interval("45s", min, max)) == 45s);
    CHECK(std::get<Duration>(parse_interval("30m", min, max)) == 30min);
    CHECK(std::get<Duration>(parse_interval("1h30m", min, max)) == 90min);
    CHECK(std::get<Duration>(parse_interval("2d", min, max)) == std::chrono::hours(48));
    auto error = [&](const char* text) { return std::get<IntervalError>(parse_interval(text, min, max)).message; };
    CHECK(contains(error("0s"), "too short"));
    CHECK(contains(error("10s"), "the shortest allowed here is 30s"));
    CHECK(contains(error("-5m"), "negative"));
    CHECK(contains(error("99y"), "unit \"y\""));
    CHECK(contains(error("8d"), "the longest allowed here is 7d"));
    CHECK(contains(error("30"), "no unit"));
    CHECK(contains(error("soon"), "not an interval"));
    CHECK(contains(error(""), "missing"));
    CHECK(contains(error("99999999999999999999m"), "far too long"));
    CHECK(format_interval(90min) == "1h30m");
    CHECK(format_interval(45s) == "45s");
}

TEST_CASE("UTC times are read for the simulated clock", "[cadence][clock]") {
    CHECK(parse_utc("2026-11-30T09:00Z") == from_unix_ms(1'796'029'200'000));
    CHECK(parse_utc("2026-11-30 09:00:30") == from_unix_ms(1'796'029'230'000));
    CHECK_FALSE(parse_utc("2026-13-30T09:00Z"));
    CHECK_FALSE(parse_utc("2026-11-30T09:00 tomorrow"));
    CHECK_FALSE(parse_utc("yesterday"));
}

TEST_CASE("declaring a sev1 starts the playbook's rhythm", "[cadence]") {
    Harness h;
    declare_sev1(h);
    std::map<std::string, Time> due;
    for (const Schedule& s : h.pending_schedules(1)) due[to_string(s.kind) + ":" + s.target] = s.due_at;
    CHECK(due.at("sync:all") == kTestStart + 1h);
    CHECK(due.at("sync_reminder:all") == kTestStart + 55min);
    for (const char* ws : {"engineering", "communications", "legal"}) {
        CHECK(due.at(std::string("sync:") + ws) == kTestStart + 30min);
        CHECK(due.at(std::string("sync_reminder:") + ws) == kTestStart + 25min);
    }
    CHECK(due.at("summary:") == kTestStart + 2h);
    CHECK(due.size() == 9);
}

TEST_CASE("workstreams are reminded before their sync, and a silent one is flagged at it", "[cadence][sync]") {
    Harness h;
    declare_sev1(h);
    h.advance(10min);
    REQUIRE(h.say("bob", "inc-1-engineering", "/incident update Builds frozen").kind == Reply::Kind::ok);
    h.drain();

    h.advance(14min);   // 09:24 local: nothing is due yet
    CHECK(h.drain().empty());

    h.advance(1min);    // +25m: one reminder per workstream channel
    auto reminders = h.drain();
    for (const char* ws : {"engineering", "communications", "legal"}) {
        auto posted = texts_in(reminders, std::string("inc-1-") + ws);
        REQUIRE(posted.size() == 1);
        CHECK(contains(posted[0], "post your update with /incident update TEXT"));
        CHECK(contains(posted[0], "in 5m"));
    }
    CHECK(count_kind(h, EntryKind::reminder) == 3);

    h.advance(5min);    // +30m: the syncs
    auto syncs = h.drain();
    const auto engineering = texts_in(syncs, "inc-1-engineering");
    REQUIRE(engineering.size() == 1);
    CHECK(contains(engineering[0], "\"Builds frozen\""));
    CHECK_FALSE(contains(engineering[0], "STALE"));
    const auto legal = texts_in(syncs, "inc-1-legal");
    REQUIRE(legal.size() == 1);
    CHECK(contains(legal[0], "STALE"));
    const auto missed = h.timeline_of_kind(1, EntryKind::missed_sync);
    REQUIRE(missed.size() == 2);   // communications and legal
    CHECK(contains(missed[0].text + missed[1].text, "legal"));
    CHECK(contains(missed[0].text + missed[1].text, "communications"));
}

TEST_CASE("the all-hands sync report shows each workstream's latest update and flags the stale ones",
          "[cadence][sync]") {
    Harness h;
    declare_sev1(h);
    for (const char* ws : {"engineering", "communications", "legal"})
        REQUIRE(h.say("alice", kMain, std::string("/incident sync off ") + ws).kind == Reply::Kind::ok);
    h.advance(40min);
    REQUIRE(h.say("bob", "inc-1-engineering", "/incident update Rebuilding from a clean mirror").kind ==
            Reply::Kind::ok);
    REQUIRE(h.say("cora", kMain, "/incident invite @cora").kind == Reply::Kind::error);   // not hers to do
    h.drain();

    h.advance(15min);   // +55m: the all-hands reminder names who is missing
    auto reminder = texts_in(h.drain(), kMain);
    REQUIRE(reminder.size() == 1);
    CHECK(contains(reminder[0], "All-hands sync at"));
    CHECK(contains(reminder[0], "waiting for: communications, legal"));

    h.advance(5min);    // +1h: the report
    auto report = texts_in(h.drain(), kMain);
    REQUIRE(report.size() == 1);
    CHECK(contains(report[0], "All-hands sync report"));
    CHECK(contains(report[0], "engineering (lead @bob): \"Rebuilding from a clean mirror\" (20m 00s ago)"));
    CHECK(contains(report[0], "communications (no lead): no update yet — STALE"));
    CHECK(contains(report[0], "Stale: communications, legal"));
    CHECK(count_kind(h, EntryKind::sync) == 1);
    CHECK(count_kind(h, EntryKind::missed_sync) == 2);

    // An hour later only what was reported since the previous sync counts.
    REQUIRE(h.say("lena", "inc-1-legal", "/incident update Contracts reviewed").kind == Reply::Kind::ok);
    h.advance(1h);
    report = texts_in(h.drain(), kMain, "All-hands sync report");
    REQUIRE(report.size() == 1);
    CHECK(contains(report[0], "legal (no lead): \"Contracts reviewed\" (1h 00m ago)\n"));
    CHECK(contains(report[0], "Stale: engineering, communications —"));
}

TEST_CASE("sync sets, lists and stops cadences", "[cadence][sync]") {
    Harness h;
    declare_sev1(h);

    Reply reply = h.say("alice", kMain, "/incident sync 45s engineering");
    REQUIRE(reply.kind == Reply::Kind::ok);
    CHECK(contains(reply.text, "the engineering sync every 45s"));
    CHECK(contains(reply.text, "reminder 22s before"));
    h.drain();
    h.advance(45s);
    auto effects = h.drain();
    CHECK(texts_in(effects, "inc-1-engineering").size() == 2);   // reminder, then sync

    // Typed in a workstream's channel, the target is that workstream.
    reply = h.say("alice", "inc-1-legal", "/incident sync 2h");
    CHECK(contains(reply.text, "the legal sync every 2h"));

    reply = h.say("alice", kMain, "/incident sync");
    REQUIRE(reply.kind == Reply::Kind::ok);
    CHECK(contains(reply.text, "the all-hands sync: every 1h"));
    CHECK(contains(reply.text, "the legal sync: every 2h"));

    REQUIRE(h.say("alice", kMain, "/incident sync off legal").kind == Reply::Kind::ok);
    reply = h.say("alice", kMain, "/incident sync off legal");
    CHECK(reply.kind == Reply::Kind::error);
    CHECK(contains(reply.text, "already off"));
    CHECK(contains(h.say("alice", kMain, "/incident sync").text, "the legal sync: off"));
}

TEST_CASE("bad sync intervals and targets are refused with a hint and change nothing", "[cadence][sync]") {
    Harness h;
    declare_sev1(h);
    const std::string before = h.state_fingerprint();
    for (const char* bad : {"0s", "-5m", "99y", "10s", "8d", "soon", "30m forensics", "30m all extra"}) {
        INFO(bad);
        const Reply reply = h.say("alice", kMain, std::string("/incident sync ") + bad);
        CHECK(reply.kind == Reply::Kind::error);
        CHECK(contains(reply.text, "/incident sync"));
    }
    CHECK(contains(h.say("alice", kMain, "/incident sync 30m forensics").text, "no workstream \"forensics\""));
    CHECK(h.state_fingerprint() == before);
}

TEST_CASE("only the Crisis Lead sets syncs, and a workstream lead their own", "[cadence][sync]") {
    Harness h;
    declare_sev1(h);
    const std::string before = h.state_fingerprint();

    Reply reply = h.say("carol", kMain, "/incident sync 30m all");
    CHECK(reply.kind == Reply::Kind::error);
    CHECK(contains(reply.text, "only the Crisis Lead of INC-1 (@alice)"));
    reply = h.say("bob", "inc-1-engineering", "/incident sync 1h all");
    CHECK(reply.kind == Reply::Kind::error);
    CHECK(contains(reply.text, "you set its sync only"));
    reply = h.say("bob", kMain, "/incident sync 1h engineering");   // not in his workstream's channel
    CHECK(reply.kind == Reply::Kind::error);
    CHECK(h.state_fingerprint() == before);
    CHECK(h.timeline_of_kind(1, EntryKind::refusal).size() == 3);

    reply = h.say("bob", "inc-1-engineering", "/incident sync 1h");
    CHECK(reply.kind == Reply::Kind::ok);
    CHECK(contains(reply.text, "the engineering sync every 1h"));
}

TEST_CASE("a resolved incident keeps no rhythm, reopening restores the playbook's", "[cadence]") {
    Harness h;
    declare_sev1(h);
    REQUIRE(h.say("alice", kMain, "/incident status resolved").kind == Reply::Kind::ok);
    CHECK(h.pending_schedules(1).empty());
    h.drain();
    CHECK(h.advance(6h) == 0);
    CHECK(h.drain().empty());
    CHECK(h.say("alice", kMain, "/incident sync 30m").kind == Reply::Kind::error);

    REQUIRE(h.say("alice", kMain, "/incident status investigating").kind == Reply::Kind::ok);
    CHECK(h.pending_schedules(1).size() == 9);
}

TEST_CASE("a new severity brings its rhythm", "[cadence]") {
    Harness h;
    REQUIRE(h.say("alice", "general", "/incident declare sev4 Odd login").kind == Reply::Kind::ok);
    CHECK(h.pending_schedules(1).empty());   // sev4 has no cadence
    const Reply reply = h.say("alice", "inc-1-odd-login", "/incident severity sev2");
    REQUIRE(reply.kind == Reply::Kind::ok);
    auto posted = texts_in(h.drain(), "inc-1-odd-login");
    CHECK(contains(posted.back(), "rhythm now all-hands sync every 2h, workstream syncs every 1h, summary every 4h"));
    std::set<std::string> kinds;
    for (const Schedule& s : h.pending_schedules(1)) kinds.insert(to_string(s.kind) + ":" + s.target);
    CHECK(kinds == std::set<std::string>{"summary:", "sync:all", "sync_reminder:all"});
    // A workstream opened now follows the sev2 workstream cadence.
    REQUIRE(h.say("alice", "inc-1-odd-login", "/incident workstream forensics").kind == Reply::Kind::ok);
    CHECK(h.pending_schedules(1).size() == 5);
}

TEST_CASE("schedules missed while the bot was down fire once, then keep their rhythm", "[cadence][restart]") {
    Harness h;
    declare_sev1(h);
    h.clock.advance(3h + 10min);   // the bot was down: nothing ran
    h.engine.run_due_schedules();
    auto effects = h.drain();
    // Once each, not once per missed period.
    CHECK(texts_in(effects, kMain, "All-hands sync report").size() == 1);
    CHECK(texts_in(effects, kMain, "All-hands sync at").empty());   // a reminder for a past sync is moot
    CHECK(texts_in(effects, "inc-1-engineering").size() == 1);   // one sync, no reminder for a past sync
    CHECK(posted_cards(effects).size() == 1);                     // one summary draft
    for (const Schedule& s : h.pending_schedules(1)) {
        INFO(to_string(s.kind) << " " << s.target);
        CHECK(s.due_at > h.clock.now());
    }
    // The rhythm continues on the original grid: the next workstream sync at +3h30m.
    h.advance(20min);
    CHECK(texts_in(h.drain(), "inc-1-engineering").size() == 2);
}

TEST_CASE("summaries are prepared on cadence and published only once approved", "[cadence][summary]") {
    Harness h;
    declare_sev1(h);
    REQUIRE(h.say("bob", "inc-1-engineering", "/incident update Builds frozen").kind == Reply::Kind::ok);
    h.advance(2h);
    auto effects = h.drain();
    auto cards = posted_cards(effects);
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].to == UserId{"alice"});
    CHECK(cards[0].card.audience == "exec");
    CHECK(contains(cards[0].card.text, "Executive summary: INC-1"));
    CHECK(contains(cards[0].card.text, "Builds frozen"));
    const std::int64_t first = cards[0].card.draft.value();
    CHECK(h.draft(first)->author == bot_user());
    CHECK(publishes(h.effects()).empty());

    // Reminded once after 15 minutes, never published on its own.
    h.advance(15min);
    auto reminded = messages_to(h.drain(), "alice");
    REQUIRE(reminded.size() == 1);
    CHECK(contains(reminded[0].text, "D-" + std::to_string(first) + " of INC-1 has waited 15m"));
    h.advance(1h);
    CHECK(messages_to(h.drain(), "alice").empty());

    // Still undecided at the next cadence: a reminder, not a second summary.
    h.advance(45min);
    effects = h.drain();
    CHECK(posted_cards(effects).empty());
    CHECK(messages_to(effects, "alice").size() == 1);
    CHECK(publishes(h.effects()).empty());

    // Nobody can revise the bot's summary; the lead approves it, it is published once.
    const std::string id = "D-" + std::to_string(first);
    CHECK(contains(h.say("alice", kMain, "/incident changes " + id + " shorter").text, "nobody can revise it"));
    REQUIRE(h.say("alice", kMain, "/incident approve " + id).kind == Reply::Kind::ok);
    effects = h.drain();
    REQUIRE(publishes(effects).size() == 1);
    CHECK(publishes(effects)[0].channel == ChannelName{"exec-briefing"});
    CHECK(messages_to(effects, "warroom").empty());   // the bot does not write to itself
    h.advance(2h);
    CHECK(posted_cards(h.drain()).size() == 1);   // the next summary, D-2
    CHECK(publishes(h.effects()).size() == 1);
}

TEST_CASE("the bot's own words are never commands", "[cadence]") {
    Harness h;
    CHECK(h.say("warroom", "general", "/incident declare sev1 Fake").kind == Reply::Kind::ignored);
    CHECK(h.incidents().empty());
}
