// Tabletop exercises through the engine: an
// exercise incident in ex-N-... channels, injects on the simulated clock,
// everything marked EXERCISE and nothing reaching a real audience, and a
// scorecard computed from the record.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "bot/scenario.hpp"
#include "commands/exercise_guard.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using namespace std::chrono_literals;
using Catch::Contains;
using Catch::StartsWith;
namespace fs = std::filesystem;

namespace {

const std::string kMain = "ex-1-compromised-build-dependency";
const std::string kExecChannel = "exec-briefing";
const std::string kMark = "[EXERCISE] ";

Scenario bundled_scenario(const Playbook& playbook) {
    ScenarioLoad load = read_scenario(playbook, playbook.scenarios.at("build-dependency"));
    REQUIRE(load.scenario);
    return *load.scenario;
}

std::vector<std::string> texts_in(const std::vector<Effect>& effects, const std::string& channel) {
    std::vector<std::string> texts;
    for (const PostMessage& m : messages_in(effects, channel)) texts.push_back(m.text);
    return texts;
}

// Every effect that would reach `channel`, described; empty when none does.
std::vector<std::string> aimed_at(const std::vector<Effect>& effects, const std::string& channel) {
    std::vector<std::string> found;
    for (const Effect& effect : effects) {
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, PostMessage>) {
                    if (e.channel && e.channel->value() == channel) found.push_back("message: " + e.text);
                } else if constexpr (std::is_same_v<T, Publish>) {
                    if (e.channel.value() == channel) found.push_back("publish: " + e.text);
                } else if constexpr (std::is_same_v<T, PostEscalation> || std::is_same_v<T, UpdateEscalation>) {
                    if (e.channel.value() == channel) found.push_back("escalation card: " + e.card.text);
                } else if constexpr (std::is_same_v<T, InviteUsers>) {
                    if (e.channel.value() == channel) found.push_back("invite");
                } else if constexpr (std::is_same_v<T, CreateChannel>) {
                    if (e.name.value() == channel) found.push_back("create");
                } else if constexpr (std::is_same_v<T, PostCard> || std::is_same_v<T, UpdateCard>) {
                    if (e.card.audience_channel == channel) found.push_back("card naming it as destination");
                }
            },
            effect);
    }
    return found;
}

// Every text a person would read that is not marked; cards carry the exercise flag instead.
std::vector<std::string> unmarked(const std::vector<Effect>& effects) {
    std::vector<std::string> found;
    auto check = [&](const std::string& what, const std::string& text) {
        if (!text.starts_with(kMark)) found.push_back(what + ": " + text);
    };
    for (const Effect& effect : effects) {
        std::visit(
            [&](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, PostMessage>) check("message", e.text);
                else if constexpr (std::is_same_v<T, Publish>) check("publish", e.text);
                else if constexpr (std::is_same_v<T, CreateChannel>) check("topic", e.topic);
                else if constexpr (std::is_same_v<T, PostCard> || std::is_same_v<T, UpdateCard> ||
                                   std::is_same_v<T, PostEscalation> || std::is_same_v<T, UpdateEscalation>) {
                    if (!e.card.exercise) found.push_back("card of " + e.card.incident_title);
                }
            },
            effect);
    }
    return found;
}

// A scenario file of the test's own, named "drill" in a copy of the bundled playbook.
struct DrillPlaybook {
    fs::path file = fs::temp_directory_path() / ("warroom-drill-" + std::to_string(std::random_device{}()) + ".json");
    Playbook playbook = bundled_playbook();

    DrillPlaybook() {
        write(R"({"title": "Drill", "severity": "sev3", "description": "A short drill.",
                  "injects": [{"at": "0s", "text": "Go."}, {"at": "10m", "from": "SOC", "text": "Still going."}],
                  "expected": [{"description": "Post an update", "kind": "update"}]})");
        playbook.scenarios["drill"] = ScenarioFile{"drill.json", file.string()};
    }
    ~DrillPlaybook() { fs::remove(file); }
    void write(const std::string& text) const { std::ofstream(file) << text; }
};

}  // namespace

TEST_CASE("exercise starts an exercise incident in ex- channels, marked EXERCISE", "[exercise]") {
    Harness h;
    const Reply reply = ok(h, "alice", "general", "/incident exercise build-dependency");
    CHECK_THAT(reply.text, Contains("Started exercise INC-1"));
    CHECK_THAT(reply.text, Contains("#" + kMain));
    CHECK_THAT(reply.text, Contains("you are the Crisis Lead"));
    CHECK_THAT(reply.text, Contains("/incident exercise end"));

    const auto incident = h.incident(1);
    REQUIRE(incident);
    CHECK(incident->exercise);
    CHECK(incident->scenario == "build-dependency");
    CHECK(incident->title == "Compromised build dependency");
    CHECK(incident->severity == Severity::sev1);
    CHECK(incident->lead == UserId{"alice"});
    CHECK(incident->declared_at == kTestStart);
    CHECK_THAT(ok(h, "alice", "general", "/incident list").text, Contains("INC-1 · EXERCISE build-dependency · sev1"));
    CHECK_THAT(ok(h, "alice", kMain, "/incident show").text, Contains("EXERCISE (scenario build-dependency)"));

    const auto fx = h.drain();
    // The playbook's sev1 workstreams, as for a real sev1, under ex- names.
    CHECK(created_channel_names(fx) ==
          std::vector<std::string>{kMain, "ex-1-engineering", "ex-1-communications", "ex-1-legal"});
    CHECK(invited_to(fx, kMain) == std::vector<std::string>{"alice", "cora", "lena", "pat", "sam"});
    CHECK(unmarked(fx).empty());
    const auto header = texts_in(fx, kMain);
    REQUIRE_FALSE(header.empty());
    CHECK_THAT(header[0], StartsWith(kMark + "INC-1 · Compromised build dependency"));
    CHECK_THAT(header[0], Contains("EXERCISE \"build-dependency\""));
    CHECK_THAT(header[0], Contains("9 inject(s) over 2h"));

    const auto started = h.timeline_of_kind(1, EntryKind::exercise);
    REQUIRE(started.size() == 1);
    CHECK_THAT(started[0].text, Contains("started exercise \"build-dependency\""));
    CHECK(h.timeline_of_kind(1, EntryKind::declared).empty());

    // One inject schedule per inject, at start + its offset; the playbook's rhythm runs too.
    const Scenario scenario = bundled_scenario(h.playbook);
    std::vector<Time> inject_times;
    bool has_sync = false;
    for (const Schedule& s : h.pending_schedules(1)) {
        if (s.kind == ScheduleKind::exercise_inject) {
            CHECK(s.target == std::to_string(inject_times.size()));
            inject_times.push_back(s.due_at);
        }
        has_sync = has_sync || s.kind == ScheduleKind::sync;
    }
    REQUIRE(inject_times.size() == scenario.injects.size());
    for (std::size_t i = 0; i < inject_times.size(); ++i) CHECK(inject_times[i] == kTestStart + scenario.injects[i].at);
    CHECK(has_sync);
}

TEST_CASE("injects are posted in the main channel at their offsets, in order", "[exercise]") {
    Harness h;
    ok(h, "alice", "general", "/incident exercise build-dependency");
    h.drain();
    const Scenario scenario = bundled_scenario(h.playbook);
    auto injects = [&] { return h.timeline_of_kind(1, EntryKind::inject); };
    CHECK(injects().empty());   // nothing before the scheduler runs

    h.advance(0s);
    auto posted = texts_in(h.drain(), kMain);
    REQUIRE(posted.size() == 1);
    CHECK(posted[0] == kMark + "INJECT 1/9 (T+0s) from SOC analyst: " + scenario.injects[0].text);

    h.advance(10min - 1s);
    CHECK(injects().size() == 1);
    h.advance(1s);
    REQUIRE(injects().size() == 2);
    CHECK(injects()[1].at == kTestStart + 10min);
    CHECK(injects()[1].actor == bot_user());
    posted = texts_in(h.drain(), kMain);
    CHECK(std::count(posted.begin(), posted.end(),
                     kMark + "INJECT 2/9 (T+10m) from Open-source advisory feed: " + scenario.injects[1].text) == 1);

    h.advance(2h);
    const auto all = injects();
    REQUIRE(all.size() == 9);
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(all[i].at == kTestStart + scenario.injects[i].at);
        CHECK_THAT(all[i].text, StartsWith("INJECT " + std::to_string(i + 1) + "/9 (T+"));
    }
    CHECK_THAT(all[5].text, StartsWith("INJECT 6/9 (T+1h5m) from PR: "));
    CHECK(unmarked(h.drain()).empty());   // syncs, reminders and summaries too
}

TEST_CASE("only one exercise runs at a time", "[exercise]") {
    Harness h;
    ok(h, "alice", "general", "/incident exercise build-dependency");
    h.drain();
    const Reply reply = refused(h, 1, "bob", "general", "/incident exercise build-dependency", "still running");
    CHECK_THAT(reply.text, Contains("INC-1"));
    CHECK_THAT(reply.text, Contains("#" + kMain));
    CHECK_THAT(reply.text, Contains("/incident INC-1 exercise end"));
    CHECK(h.incidents().size() == 1);

    // Once it has ended, the next one starts, numbered like any incident.
    ok(h, "alice", kMain, "/incident exercise end");
    const Reply next = ok(h, "bob", "general", "/incident exercise build-dependency");
    CHECK_THAT(next.text, Contains("INC-2"));
    CHECK_THAT(next.text, Contains("#ex-2-compromised-build-dependency"));
}

TEST_CASE("an unknown scenario lists the playbook's scenarios", "[exercise]") {
    Harness h;
    const Reply reply = invalid(h, "alice", "general", "/incident exercise ransomware", "\"ransomware\" is not a scenario");
    CHECK_THAT(reply.text, Contains("/incident exercise build-dependency"));
    CHECK_THAT(reply.text, Contains("scenarios: build-dependency"));
    invalid(h, "alice", "general", "/incident exercise", "name one scenario");
    invalid(h, "alice", "general", "/incident exercise build-dependency --lead carol", "--lead needs a person");
    CHECK(h.incidents().empty());
}

TEST_CASE("a malformed scenario file is reported at start and changes nothing, and once fixed runs without a restart",
          "[exercise]") {
    DrillPlaybook drill;
    Harness h(drill.playbook);
    drill.write(R"({"title": "Drill", "severity": "sev3", "description": "A short drill.",
                    "injects": [{"at": "0s", "text": "Go."}, {"at": "ten minutes", "text": "Still going."}],
                    "expected": [{"description": "Post an update", "kind": "tweet"}]})");
    const Reply reply = invalid(h, "alice", "general", "/incident exercise drill", "has 2 problem(s)");
    CHECK_THAT(reply.text, Contains("injects/1/at: \"ten minutes\" is not an interval"));
    CHECK_THAT(reply.text, Contains("expected/0/kind: \"tweet\""));
    CHECK_THAT(reply.text, Contains("the exercise did not start"));
    CHECK(h.incidents().empty());
    CHECK(h.pending_jobs().empty());

    drill.write(R"({"title": "Drill", "severity": "sev3", "description": "A short drill.",
                    "injects": [{"at": "0s", "text": "Go."}, {"at": "10m", "text": "Still going."}]})");
    ok(h, "alice", "general", "/incident exercise drill");
    CHECK(h.incident(1)->title == "Drill");
    CHECK(created_channel_names(h.drain()) == std::vector<std::string>{"ex-1-drill", "ex-1-engineering"});
}

TEST_CASE("an inject whose scenario broke mid-exercise is reported, not lost silently", "[exercise]") {
    DrillPlaybook drill;
    Harness h(drill.playbook);
    ok(h, "alice", "general", "/incident exercise drill");
    h.advance(0s);
    drill.write("{ not json");
    h.advance(10min);
    const auto posted = texts_in(h.drain(), "ex-1-drill");
    CHECK(std::count(posted.begin(), posted.end(), kMark + "INJECT 1/2 (T+0s): Go.") == 1);
    const auto failed = std::find_if(posted.begin(), posted.end(),
                                     [](const std::string& t) { return t.find("Could not post inject 2") != t.npos; });
    REQUIRE(failed != posted.end());
    CHECK_THAT(*failed, Contains("not valid JSON"));
    CHECK(h.timeline_of_kind(1, EntryKind::inject).size() == 1);

    ok(h, "alice", "ex-1-drill", "/incident exercise end");
    const auto scorecard = h.timeline_of_kind(1, EntryKind::exercise).back().text;
    CHECK_THAT(scorecard, Contains("Injects posted: 1 of 2 (1 could not be posted)"));
    CHECK_THAT(scorecard, Contains("Expected actions: not scored, its scenario file has problems now"));
}

TEST_CASE("exercise end scores the exercise against the record", "[exercise][scorecard]") {
    Harness h;
    ok(h, "alice", "general", "/incident exercise build-dependency");
    h.advance(5min);
    ok(h, "alice", kMain, "/incident workstream build-pipeline @bob");                                // T+5m
    h.advance(3min);
    ok(h, "bob", "ex-1-build-pipeline", "/incident update Runners isolated, tokens being rotated");    // T+8m
    h.advance(2min);
    ok(h, "alice", kMain, "/incident lead @carol");                                                    // T+10m
    h.advance(2min);
    ok(h, "carol", kMain, "/incident lead accept");                                                    // T+12m
    h.advance(3min);
    ok(h, "carol", kMain, "/incident draft exec Release pipeline compromised; 4.12.0 rollout halted"); // T+15m D-1
    h.advance(5min);
    ok(h, "carol", kMain, "/incident approve D-1");                                                    // T+20m
    h.drain();
    h.advance(5min);
    ok(h, "carol", kMain, "/incident decision Halt the 4.12.0 rollout");                               // T+25m
    h.advance(5min);
    ok(h, "carol", kMain, "/incident draft customers Do not install 4.12.0; 4.12.1 follows today");    // T+30m D-2
    h.advance(15min);
    ok(h, "carol", kMain, "/incident status mitigating");                                              // T+45m
    h.advance(5min);
    ok(h, "carol", kMain, "/incident draft press We are investigating an issue in our build pipeline"); // T+50m D-3
    h.advance(10min);
    ok(h, "carol", kMain, "/incident escalate Revoke the old code-signing certificate");              // T+1h
    h.advance(20min);
    ok(h, "carol", kMain, "/incident approve D-2");                                                    // T+1h20m
    ok(h, "cora", kMain, "/incident approve D-2");   // customers needs customer-comms' approval too
    h.advance(10min);
    h.drain();

    const Reply reply = ok(h, "carol", kMain, "/incident exercise end");                               // T+1h30m
    CHECK(reply.text == "Ended exercise INC-1 after 1h30m; the scorecard is in #" + kMain);
    const auto posted = texts_in(h.drain(), kMain);
    // The scorecard, then the audit record's head, anchored as the exercise ends.
    REQUIRE(posted.size() == 2);
    CHECK_THAT(posted[1], Contains("Audit record of INC-1: "));
    CHECK_THAT(posted[1], Contains("`warroom export INC-1 --verify --head "));
    const std::string& card = posted[0];
    INFO(card);
    CHECK_THAT(card, StartsWith(kMark + "SCORECARD · INC-1 · build-dependency: Compromised build dependency\n"));
    CHECK_THAT(card, Contains("\nRan 1h30m from " + format_utc(kTestStart) + "; ended by @carol\n"));
    CHECK_THAT(card, Contains("\nTime to a Crisis Lead: 12m (@carol accepted the Crisis Lead role from @alice)\n"));
    CHECK_THAT(card, Contains("\nTime to the first approved communication: 20m (D-1, exec)\n"));
    CHECK_THAT(card, Contains("\nApproval latency:\n- D-1 (exec): approved in 5m\n- D-2 (customers): approved in 50m\n"
                              "- D-3 (press): still undecided after 40m\n"));
    const auto missed = h.timeline_of_kind(1, EntryKind::missed_sync).size();
    CHECK(missed >= 6);   // three silent default workstreams, at T+30m and T+1h
    CHECK_THAT(card, Contains("\nMissed syncs: " + std::to_string(missed) + "\n"));
    CHECK_THAT(card, Contains("\nInjects posted: 7 of 9\n"));
    CHECK_THAT(card, Contains(
        "\nExpected actions: 7 of 9 done, 6 in time"
        "\n- done at T+8m, within 20m: Workstreams post their first status update"
        "\n- done at T+5m, within 30m: Open a workstream dedicated to the build pipeline and signing secrets"
        "\n- done at T+25m, within 40m: Record the decision on halting the 4.12.0 rollout"
        "\n- done at T+20m, within 45m: Approve a first briefing for the executives"
        "\n- done at T+45m, within 1h: Move the incident to mitigating once the runners are isolated and the tokens "
        "rotated"
        "\n- done at T+1h20m, late: expected within 1h15m: Approve an answer for affected customers"
        "\n- not done (expected within 1h30m): Publish a holding statement for the press"
        "\n- not done (expected within 1h45m): Draft the regulator notification"
        "\n- done at T+1h, within 2h: Ask the executives to approve revoking the code-signing certificate"));

    // It is over: resolved at the end, nothing more scheduled, the scorecard on the record.
    const auto incident = h.incident(1);
    CHECK(incident->status == Status::resolved);
    CHECK(incident->resolved_at == kTestStart + 90min);
    CHECK(h.pending_schedules(1).empty());
    const auto entries = h.timeline_of_kind(1, EntryKind::exercise);
    REQUIRE(entries.size() == 2);
    CHECK(kMark + entries[1].text == card);
    h.advance(1h);
    CHECK(h.timeline_of_kind(1, EntryKind::inject).size() == 7);
    CHECK(h.drain().empty());
}

TEST_CASE("the starter who keeps the role scores 0s to a Crisis Lead, and --lead names another", "[exercise][scorecard]") {
    Harness h;
    const Reply reply = ok(h, "bob", "general", "/incident exercise build-dependency --lead @carol");
    CHECK_THAT(reply.text, Contains("Crisis Lead: @carol"));
    const auto told = messages_to(h.drain(), "carol");
    REQUIRE(told.size() == 1);
    CHECK_THAT(told[0].text, StartsWith(kMark + "@bob started the exercise INC-1"));
    h.advance(20min);
    // A playbook admin may end anyone's exercise.
    ok(h, "alice", kMain, "/incident INC-1 exercise end");
    const std::string card = h.timeline_of_kind(1, EntryKind::exercise).back().text;
    CHECK_THAT(card, Contains("Time to a Crisis Lead: 0s (@carol held the role from the start)"));
    CHECK_THAT(card, Contains("Time to the first approved communication: none was approved"));
    CHECK_THAT(card, Contains("Approval latency: no drafts"));
    CHECK_THAT(card, Contains("Injects posted: 3 of 9"));   // T+0s, T+10m, T+20m
    CHECK_THAT(card, Contains("ended by @alice"));
}

TEST_CASE("exercise end by someone else is refused and recorded, and misplaced ends say where to type it", "[exercise]") {
    Harness h;
    invalid(h, "alice", "general", "/incident exercise end", "no exercise is running");
    ok(h, "alice", "general", "/incident declare sev2 Real phishing");
    h.drain();
    ok(h, "bob", "inc-1-real-phishing", "/incident exercise build-dependency");   // typed anywhere
    h.drain();
    CHECK(h.timeline_of_kind(1, EntryKind::exercise).empty());

    const Reply not_lead = refused(h, 2, "carol", "ex-2-compromised-build-dependency", "/incident exercise end",
                                   "only the Crisis Lead of INC-2 (@bob)");
    CHECK_THAT(not_lead.text, Contains("or a playbook admin"));
    invalid(h, "alice", "inc-1-real-phishing", "/incident exercise end", "INC-1 is a real incident");
    invalid(h, "bob", "general", "/incident exercise end", "/incident INC-2 exercise end");
    invalid(h, "bob", "ex-2-compromised-build-dependency", "/incident exercise end now", "takes nothing more");

    ok(h, "bob", "ex-2-engineering", "/incident exercise end");
    invalid(h, "bob", "ex-2-compromised-build-dependency", "/incident exercise end", "has already ended");
    CHECK(h.incident(1)->status == Status::investigating);   // the real incident is untouched
}

TEST_CASE("nothing of an exercise reaches the executives' channel", "[exercise][confine]") {
    // The same steps in a real incident do reach it, so the check below can fail.
    auto run = [](Harness& h, const std::string& start, const std::string& main) {
        ok(h, "alice", "general", start);
        ok(h, "alice", main, "/incident draft exec Build pipeline compromised; rollout halted");
        ok(h, "alice", main, "/incident approve D-1");
        ok(h, "alice", main, "/incident summary Rotate all CI secrets today");
        ok(h, "alice", main, "/incident approve D-2");
        ok(h, "alice", main, "/incident escalate Revoke the code-signing certificate --by 10m");
        h.advance(10min);   // the undecided request is re-raised
        REQUIRE(h.answer("erin", 1, true, "Revoke it").kind == Reply::Kind::ok);
        h.advance(2h + 30min);   // scheduled summaries, syncs, injects
        ok(h, "alice", main, "/incident approve D-3");   // the scheduled summary
        h.drain();
    };
    Harness real;
    run(real, "/incident declare sev1 Compromised build dependency", "inc-1-compromised-build-dependency");
    CHECK(aimed_at(real.effects(), kExecChannel).size() >= 5);

    Harness h;
    run(h, "/incident exercise build-dependency", kMain);
    const auto fx = h.effects();
    CHECK(aimed_at(fx, kExecChannel).empty());
    CHECK(unmarked(fx).empty());

    // What would have gone out is shown in the exercise, saying where it would have gone.
    const auto publishes = of<Publish>(fx);
    REQUIRE(publishes.size() == 3);
    for (const Publish& p : publishes) {
        CHECK(p.channel.value() == kMain);
        CHECK_THAT(p.text, StartsWith(kMark + "would be published to #exec-briefing: [INC-1] "));
    }
    CHECK(h.draft(1)->state == DraftState::published);
    const auto cards = of<PostEscalation>(fx);
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].channel.value() == kMain);
    CHECK_THAT(cards[0].card.incident_title, Contains("for #exec-briefing (kept in the exercise)"));
    CHECK(of<UpdateEscalation>(fx).size() == 1);
    CHECK(of<UpdateEscalation>(fx)[0].channel.value() == kMain);
    const auto reraised = texts_in(fx, kMain);
    CHECK(std::any_of(reraised.begin(), reraised.end(), [](const std::string& t) {
        return t.starts_with(kMark + "for #exec-briefing (kept in the exercise): @erin: E-1 is still undecided");
    }));
    // The executive is still asked directly: a direct message stays direct, marked.
    const auto to_erin = messages_to(fx, "erin");
    REQUIRE_FALSE(to_erin.empty());
    CHECK_THAT(to_erin[0].text, StartsWith(kMark));
}

TEST_CASE("approving in an exercise names the exercise channel, not the audience's", "[exercise][confine]") {
    Harness h;
    ok(h, "alice", "general", "/incident exercise build-dependency");
    ok(h, "alice", kMain, "/incident draft customers Please hold the 4.12.0 update");
    ok(h, "cora", kMain, "/incident approve D-1");   // customers needs customer-comms' approval too
    const Reply reply = ok(h, "alice", kMain, "/incident approve D-1");
    CHECK(reply.text == "Approved D-1; publishing to #" + kMain + " (standing in for #customer-comms)");
    const auto cards = posted_cards(h.drain());
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].card.audience_channel == kMain + " (standing in for #customer-comms)");
    CHECK(cards[0].card.text == "Please hold the 4.12.0 update");   // the text itself is untouched
}

TEST_CASE("the guard confines an exercise's effects and leaves a real incident's alone", "[exercise][confine]") {
    Incident incident;
    incident.id = IncidentId{4};
    incident.title = "Drill";
    incident.exercise = true;
    incident.channels = {Channel{ChannelName{"ex-4-drill"}, ChannelKind::main, {}, {}},
                         Channel{ChannelName{"ex-4-legal"}, ChannelKind::workstream, "legal", {}}};
    EscalationCard card;
    card.incident_title = "Drill";
    card.text = "Take payroll offline";
    const auto effects = [&] {
        return std::vector<Effect>{PostEscalation{ChannelName{kExecChannel}, card},
                                   post_to(ChannelName{"ex-4-legal"}, "Legal sync"),
                                   post_to(ChannelName{"announcements"}, "All staff: reset passwords"),
                                   direct_to(UserId{"erin"}, "Please decide E-1"),
                                   InviteUsers{ChannelName{"press-office"}, {UserId{"pat"}}},
                                   Publish{DraftId{1}, ChannelName{"press-office"}, "Holding statement"}};
    };

    std::vector<Effect> confined = effects();
    confine_to_exercise(incident, confined);
    REQUIRE(confined.size() == 6);
    const auto& escalation = std::get<PostEscalation>(confined[0]);
    CHECK(escalation.channel.value() == "ex-4-drill");
    CHECK(escalation.card.incident_title == "Drill — for #exec-briefing (kept in the exercise)");
    CHECK(escalation.card.exercise);
    CHECK(escalation.card.text == "Take payroll offline");
    CHECK(std::get<PostMessage>(confined[1]).channel->value() == "ex-4-legal");
    CHECK(std::get<PostMessage>(confined[1]).text == "[EXERCISE] Legal sync");
    CHECK(std::get<PostMessage>(confined[2]).channel->value() == "ex-4-drill");
    CHECK(std::get<PostMessage>(confined[2]).text ==
          "[EXERCISE] for #announcements (kept in the exercise): All staff: reset passwords");
    CHECK(std::get<PostMessage>(confined[3]).user->value() == "erin");
    CHECK_FALSE(std::get<PostMessage>(confined[3]).channel);
    CHECK(std::get<PostMessage>(confined[3]).text == "[EXERCISE] Please decide E-1");
    CHECK(std::get<PostMessage>(confined[4]).text ==
          "[EXERCISE] would have invited @pat to #press-office (kept in the exercise)");
    CHECK(std::get<Publish>(confined[5]).channel.value() == "ex-4-drill");
    CHECK(std::get<Publish>(confined[5]).text == "[EXERCISE] would be published to #press-office: Holding statement");

    // A review (Markdown) gets the mark as a paragraph of its own, so its first heading stays a heading.
    PostMessage review = post_to(ChannelName{"ex-4-drill"}, "# EXERCISE — Post-incident review");
    review.format = TextFormat::markdown;
    std::vector<Effect> reviews{review};
    confine_to_exercise(incident, reviews);
    CHECK(std::get<PostMessage>(reviews[0]).text == "[EXERCISE]\n\n# EXERCISE — Post-incident review");
    confine_to_exercise(incident, reviews);
    CHECK(std::get<PostMessage>(reviews[0]).text == "[EXERCISE]\n\n# EXERCISE — Post-incident review");

    // Passing the guard twice changes nothing more.
    std::vector<Effect> twice = confined;
    confine_to_exercise(incident, twice);
    CHECK(std::get<PostEscalation>(twice[0]).card.incident_title == escalation.card.incident_title);
    CHECK(std::get<Publish>(twice[5]).text == std::get<Publish>(confined[5]).text);

    incident.exercise = false;
    std::vector<Effect> real = effects();
    confine_to_exercise(incident, real);
    CHECK(std::get<PostEscalation>(real[0]).channel.value() == kExecChannel);
    CHECK(std::get<PostEscalation>(real[0]).card.incident_title == "Drill");
    CHECK_FALSE(std::get<PostEscalation>(real[0]).card.exercise);
    CHECK(std::get<PostMessage>(real[2]).channel->value() == "announcements");
    CHECK(std::get<PostMessage>(real[2]).text == "All staff: reset passwords");
    CHECK(std::holds_alternative<InviteUsers>(real[4]));
    CHECK(std::get<Publish>(real[5]).text == "Holding statement");
}
