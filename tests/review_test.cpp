// The post-incident review:
// a scripted incident in simulated time, and the review's numbers checked
// exactly, in the Markdown people read and in the JSON tools read.
#include <catch2/catch.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "bot/export.hpp"
#include "bot/review.hpp"
#include "bot/text.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;
using namespace std::chrono_literals;

namespace {

const std::string kMain = "inc-1-payroll-phishing";
const std::string kEngineering = "inc-1-engineering";
const std::string kLegal = "inc-1-legal";

// Moves simulated time to `offset` after the incident was declared (at kTestStart).
void at(Harness& h, Duration offset) { h.advance(kTestStart + offset - h.clock.now()); }

// The reviews posted in the main channel by the effects performed so far.
std::vector<std::string> posted_reviews(Harness& h) {
    h.drain();
    std::vector<std::string> reviews;
    for (const PostMessage& message : messages_in(h.effects(), kMain))
        if (message.text.rfind("# Post-incident review", 0) == 0) reviews.push_back(message.text);
    return reviews;
}

std::string the_line_with(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.find(needle) != std::string::npos) return line;
    return "(no line with \"" + needle + "\")";
}

nlohmann::json exported_json(Harness& h) {
    std::ostringstream out, err;
    REQUIRE(export_incident(*h.store, IncidentId{1}, "json", out, err) == 0);
    CHECK(err.str().empty());
    return nlohmann::json::parse(out.str());
}

// alice declares a sev1 at T0; bob leads engineering.
void declare(Harness& h) {
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    ok(h, "alice", kMain, "/incident workstream engineering @bob");
    h.drain();
}

// The whole response, on a script with known times (T0 = kTestStart, 2026-11-18 11:06:40 UTC):
//   T0 declared (alice) · +10m bob drafts D-1 · +20m bob's approval refused · +25m alice approves D-1
//   +40m alice escalates E-1 · +52m erin allows it · +1h sev1 → sev2 · +1h30m alice hands over to carol
//   +1h35m carol accepts · +2h mitigated · +3h30m resolved · then impact, root cause, two action items.
void scripted_incident(Harness& h) {
    declare(h);
    at(h, 10min);
    ok(h, "bob", kEngineering,
       "/incident draft exec Payroll phishing contained: 3 accounts reset.\nNext update 11:00.");
    at(h, 20min);
    REQUIRE(h.say("bob", kMain, "/incident approve D-1").kind == Reply::Kind::error);
    at(h, 25min);
    ok(h, "alice", kMain, "/incident approve D-1");
    h.drain();   // published now
    at(h, 30min);
    ok(h, "alice", kMain, "/incident decision Reset the passwords of the 3 users who clicked");
    at(h, 40min);
    ok(h, "alice", kMain, "/incident escalate Take the payroll portal offline until Monday --by 30m");
    at(h, 52min);
    REQUIRE(h.answer("erin", 1, true, "Agreed, tell HR first").kind == Reply::Kind::ok);
    at(h, 60min);
    ok(h, "alice", kMain, "/incident severity sev2");
    at(h, 90min);
    ok(h, "alice", kMain, "/incident lead @carol");
    at(h, 95min);
    ok(h, "carol", kMain, "/incident lead accept");
    at(h, 120min);
    ok(h, "carol", kMain, "/incident status mitigated");
    at(h, 210min);
    ok(h, "carol", kMain, "/incident status resolved");
    at(h, 240min);
    ok(h, "carol", kMain, "/incident impact 14 mailboxes received the lure; 3 accounts were used for 40 minutes");
    ok(h, "bob", kEngineering, "/incident rootcause The gateway's lookalike-domain filter was off for payroll");
    ok(h, "carol", kMain, "/incident action Turn the lookalike-domain filter on for every team @bob");
    ok(h, "carol", kMain, "/incident action Run a payroll phishing tabletop");
    h.drain();
}

}  // namespace

TEST_CASE("the review of a scripted incident states its key times and latencies exactly", "[review]") {
    Harness h;
    scripted_incident(h);
    const Reply reply = ok(h, "carol", kMain, "/incident review");
    CHECK_THAT(reply.text, Contains("Review of INC-1 posted in #" + kMain));
    CHECK_THAT(reply.text, Contains("warroom export INC-1"));

    const auto reviews = posted_reviews(h);
    REQUIRE(reviews.size() == 1);
    const std::string& md = reviews.front();
    INFO(md);

    CHECK(the_line_with(md, "# Post-incident review") == "# Post-incident review: INC-1 · Payroll phishing");
    // Summary
    CHECK(the_line_with(md, "- Severity:") == "- Severity: sev2 (declared sev1)");
    CHECK(the_line_with(md, "- Final status:") == "- Final status: resolved");
    CHECK(the_line_with(md, "- Crisis Lead") == "- Crisis Leads: @alice → @carol");
    CHECK(the_line_with(md, "- Declared:") == "- Declared: 2026-11-18 11:06 UTC by @alice");
    CHECK(the_line_with(md, "- Resolved:") == "- Resolved: 2026-11-18 14:36 UTC");
    CHECK(the_line_with(md, "- Total duration:") == "- Total duration: 3h 30m");
    CHECK(the_line_with(md, "- Workstreams:") == "- Workstreams: 3");
    CHECK(the_line_with(md, "- Communications published:") == "- Communications published: 1");
    // Severity history
    CHECK(the_line_with(md, ": declared sev1") == "- 2026-11-18 11:06 UTC: declared sev1");
    CHECK(the_line_with(md, "sev1 → sev2 by") ==
          "- 2026-11-18 12:06 UTC (1h 00m after declaration): sev1 → sev2 by @alice");
    // Key times, from declaration
    CHECK(the_line_with(md, "- Declared: 2026-11-18 11:06 UTC (") ==
          "- Declared: 2026-11-18 11:06 UTC (0s after declaration)");
    CHECK(the_line_with(md, "- Crisis Lead in place") ==
          "- Crisis Lead in place (@alice): 2026-11-18 11:06 UTC (0s after declaration)");
    CHECK(the_line_with(md, "- Crisis Lead handed over") ==
          "- Crisis Lead handed over to @carol: 2026-11-18 12:41 UTC (1h 35m after declaration)");
    CHECK(the_line_with(md, "- First approved communication:") ==
          "- First approved communication: 2026-11-18 11:31 UTC (25m 00s after declaration)");
    CHECK(the_line_with(md, "- Mitigated:") == "- Mitigated: 2026-11-18 13:06 UTC (2h 00m after declaration)");
    CHECK(the_line_with(md, "- Resolved: 2026-11-18 14:36 UTC (") ==
          "- Resolved: 2026-11-18 14:36 UTC (3h 30m after declaration)");
    // Communications: the approval, its latency and the text exactly as approved
    CHECK(the_line_with(md, "### D-1") == "### D-1 to exec");
    CHECK(the_line_with(md, "- Channel:") == "- Channel: #exec-briefing");
    CHECK(the_line_with(md, "- Author:") == "- Author: @bob; approved by @alice");
    CHECK(the_line_with(md, "- Created") ==
          "- Created 2026-11-18 11:16 UTC; approved 2026-11-18 11:31 UTC; published 2026-11-18 11:31 UTC");
    CHECK(the_line_with(md, "- Approval latency:") == "- Approval latency: 15m 00s");
    CHECK_THAT(md, Contains("> Payroll phishing contained: 3 accounts reset.\n> Next update 11:00."));
    // Escalations
    CHECK(the_line_with(md, "- E-1:") == "- E-1: Take the payroll portal offline until Monday");
    CHECK(the_line_with(md, "asked by @alice") ==
          "  asked by @alice at 2026-11-18 11:46 UTC; allowed by @erin at 2026-11-18 11:58 UTC (latency 12m 00s): "
          "Agreed, tell HR first");
    // Decisions, impact, root cause, action items
    CHECK(the_line_with(md, "@alice: Reset the passwords") ==
          "- 2026-11-18 11:36 UTC @alice: Reset the passwords of the 3 users who clicked");
    CHECK_THAT(md, Contains("## Impact\n14 mailboxes received the lure; 3 accounts were used for 40 minutes\n"));
    CHECK_THAT(md, Contains("## Root cause\nThe gateway's lookalike-domain filter was off for payroll\n"));
    CHECK(the_line_with(md, "- A-1:") ==
          "- A-1: Turn the lookalike-domain filter on for every team — owner @bob (added by @carol, "
          "2026-11-18 15:06 UTC)");
    CHECK(the_line_with(md, "- A-2:") ==
          "- A-2: Run a payroll phishing tabletop — unassigned (added by @carol, 2026-11-18 15:06 UTC)");
    // Workstreams and their leads
    CHECK(the_line_with(md, "- engineering (#") ==
          "- engineering (#inc-1-engineering): lead @bob, opened 2026-11-18 11:06 UTC");
    CHECK(the_line_with(md, "- legal (#") == "- legal (#inc-1-legal): no lead, opened 2026-11-18 11:06 UTC");

    // The timeline: every entry, refusals included, tagged by phase.
    CHECK(the_line_with(md, "· declared:") ==
          "- 2026-11-18 11:06 UTC · detect · @alice · declared: declared sev1 \"Payroll phishing\"; "
          "Crisis Lead @alice");
    CHECK_THAT(the_line_with(md, "· refusal:"),
               Contains("2026-11-18 11:26 UTC · respond · @bob · refusal: refused @bob"));
    CHECK_THAT(the_line_with(md, "· escalation:"), Contains("11:46 UTC · respond · @alice · escalation: E-1"));
    CHECK(the_line_with(md, "· status: status investigating → mitigated") ==
          "- 2026-11-18 13:06 UTC · recover · @carol · status: status investigating → mitigated");
    CHECK_THAT(the_line_with(md, "· rootcause:"), Contains("15:06 UTC · recover · @bob · rootcause: The gateway"));
    CHECK(the_line_with(md, " entries, tagged by response phase") ==
          std::to_string(h.timeline(1).size() - 1) + " entries, tagged by response phase (detect, respond, recover).");

    // The sections, in the order the spec lists them.
    std::size_t last = 0;
    for (const char* section : {"## Summary", "## Impact", "## Severity history", "## Key times", "## Timeline",
                                "## Workstreams", "## Decisions", "## Communications", "## Escalations",
                                "## Sync reports", "## Root cause", "## Action items"}) {
        const std::size_t found = md.find(std::string("\n") + section + "\n");
        INFO(section);
        REQUIRE(found != std::string::npos);
        CHECK(found > last);
        last = found;
    }

    // Writing it is on the timeline.
    const auto written = h.timeline_of_kind(1, EntryKind::review);
    REQUIRE(written.size() == 1);
    CHECK(written.front().actor == UserId{"carol"});
}

TEST_CASE("the JSON export carries the same numbers: ms since epoch, ISO-8601, durations in seconds",
          "[review][export]") {
    Harness h;
    scripted_incident(h);
    const nlohmann::json j = exported_json(h);
    const std::int64_t t0 = to_unix_ms(kTestStart);

    CHECK(j["format"] == "warroom-review/1");
    const auto& incident = j["incident"];
    CHECK(incident["id"] == "INC-1");
    CHECK(incident["severity"] == "sev2");
    CHECK(incident["declared_severity"] == "sev1");
    CHECK(incident["status"] == "resolved");
    CHECK(incident["crisis_lead"] == "carol");
    CHECK(incident["declared_at"]["unix_ms"] == t0);
    CHECK(incident["declared_at"]["utc"] == "2026-11-18T11:06:40.000Z");
    CHECK(incident["duration_seconds"] == 12600);
    CHECK(incident["root_cause"] == "The gateway's lookalike-domain filter was off for payroll");
    CHECK(incident["crisis_leads"].size() == 2);
    CHECK(incident["crisis_leads"][1]["lead"] == "carol");
    CHECK(incident["crisis_leads"][1]["since"]["unix_ms"] == t0 + 95 * 60'000);

    const auto& times = j["key_times"];
    CHECK(times["declared"]["seconds_from_declaration"] == 0);
    CHECK(times["lead_handovers"][0]["at"]["seconds_from_declaration"] == 95 * 60);
    CHECK(times["first_approved_communication"]["seconds_from_declaration"] == 25 * 60);
    CHECK(times["first_approved_communication"]["unix_ms"] == t0 + 25 * 60'000);
    CHECK(times["first_approved_communication"]["utc"] == "2026-11-18T11:31:40.000Z");
    CHECK(times["mitigated"]["seconds_from_declaration"] == 2 * 3600);
    CHECK(times["resolved"]["seconds_from_declaration"] == 3 * 3600 + 30 * 60);
    CHECK(times["resolved"]["utc"] == "2026-11-18T14:36:40.000Z");

    const auto& d1 = j["communications"][0];
    CHECK(d1["id"] == "D-1");
    CHECK(d1["state"] == "published");
    CHECK(d1["channel"] == "#exec-briefing");
    CHECK(d1["approval_latency_seconds"] == 15 * 60);
    CHECK(d1["created_at"]["unix_ms"] == t0 + 10 * 60'000);
    CHECK(d1["text"] == "Payroll phishing contained: 3 accounts reset.\nNext update 11:00.");
    CHECK(j["summary"]["communications_published"] == 1);

    const auto& e1 = j["escalations"][0];
    CHECK(e1["state"] == "allowed");
    CHECK(e1["decided_by"] == "erin");
    CHECK(e1["latency_seconds"] == 12 * 60);

    CHECK(j["severity_history"].size() == 1);
    CHECK(j["severity_history"][0]["to"] == "sev2");
    CHECK(j["action_items"].size() == 2);
    CHECK(j["action_items"][0]["owner"] == "bob");
    CHECK(j["action_items"][1]["owner"].is_null());

    // The full timeline, every entry with its phase.
    const auto timeline = h.timeline(1);
    REQUIRE(j["timeline"].size() == timeline.size());
    CHECK(j["timeline"][0]["phase"] == "detect");
    std::size_t refusals_seen = 0;
    bool mitigated = false;
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        CHECK(j["timeline"][i]["seq"] == timeline[i].seq);
        CHECK(j["timeline"][i]["kind"] == to_string(timeline[i].kind));
        refusals_seen += timeline[i].kind == EntryKind::refusal;
        mitigated = mitigated || timeline[i].text == "status investigating → mitigated";
        if (i > 0) CHECK(j["timeline"][i]["phase"] == (mitigated ? "recover" : "respond"));
    }
    CHECK(mitigated);
    CHECK(refusals_seen == 1);
}

TEST_CASE("an incident resolved without being called mitigated recovers from its resolution", "[review]") {
    Harness h;
    declare(h);
    at(h, 45min);
    ok(h, "alice", kMain, "/incident status resolved");
    ok(h, "alice", kMain, "/incident review");
    const auto reviews = posted_reviews(h);
    REQUIRE(reviews.size() == 1);
    const std::string& md = reviews.front();
    INFO(md);
    CHECK(the_line_with(md, "- Mitigated:") == "- Mitigated: —");
    CHECK(the_line_with(md, "- First approved communication:") == "- First approved communication: —");
    CHECK(the_line_with(md, "- Crisis Lead:") == "- Crisis Lead: @alice");
    CHECK(the_line_with(md, "- Severity:") == "- Severity: sev1");
    CHECK_THAT(the_line_with(md, "status investigating → resolved"), Contains("· recover ·"));
    CHECK_THAT(md, Contains("## Impact\nNot recorded — add it with /incident impact TEXT"));
    CHECK_THAT(md, Contains("## Root cause\nNot recorded — add it with /incident rootcause TEXT"));
    CHECK_THAT(md, Contains("## Action items\nNone recorded — add them with /incident action TEXT @owner"));
}

TEST_CASE("review is refused on an open incident and changes nothing", "[review]") {
    Harness h;
    declare(h);
    ok(h, "alice", kMain, "/incident status mitigating");
    h.drain();
    invalid(h, "alice", kMain, "/incident review",
            "INC-1 is still open (status mitigating): resolve it first with /incident status resolved");
    CHECK(posted_reviews(h).empty());
}

TEST_CASE("only the Crisis Lead or a playbook admin writes the review, others are refused and recorded",
          "[review]") {
    Harness h;
    ok(h, "carol", "general", "/incident declare sev1 Payroll phishing");
    ok(h, "carol", kMain, "/incident workstream engineering @bob");
    ok(h, "carol", kMain, "/incident status resolved");
    h.drain();
    const Reply reply = refused(h, 1, "bob", kMain, "/incident review", "only the Crisis Lead of INC-1 (@carol)");
    CHECK_THAT(reply.text, Contains("or a playbook admin"));
    CHECK(posted_reviews(h).empty());

    ok(h, "alice", "general", "/incident INC-1 review");   // alice is the bundled playbook's admin
    CHECK(posted_reviews(h).size() == 1);
}

TEST_CASE("running the review again reflects what was added since", "[review]") {
    Harness h;
    declare(h);
    ok(h, "alice", kMain, "/incident status resolved");
    ok(h, "alice", kMain, "/incident review");
    ok(h, "alice", kMain, "/incident action Patch the gateway @bob");
    ok(h, "alice", kMain, "/incident review");
    const auto reviews = posted_reviews(h);
    REQUIRE(reviews.size() == 2);
    CHECK_THAT(reviews[0], !Contains("Patch the gateway"));
    CHECK_THAT(reviews[1], Contains("- A-1: Patch the gateway — owner @bob"));
    // The second review's timeline shows the first one being written.
    CHECK_THAT(reviews[1], Contains("· review: review written:"));
}

TEST_CASE("rootcause: a workstream lead in their own channel, not in another's", "[review][rootcause]") {
    Harness h;
    declare(h);
    const Reply reply = ok(h, "bob", kEngineering, "/incident rootcause Lookalike-domain filter was off");
    CHECK_THAT(reply.text, Contains("Root cause recorded"));
    CHECK(h.incident(1)->root_cause == "Lookalike-domain filter was off");
    const auto entries = h.timeline_of_kind(1, EntryKind::rootcause);
    REQUIRE(entries.size() == 1);
    CHECK(entries.front().actor == UserId{"bob"});
    CHECK_THAT(messages_in(h.drain(), kEngineering).back().text,
               Contains("Root cause recorded by @bob: Lookalike-domain filter was off"));

    refused(h, 1, "bob", kLegal, "/incident rootcause It was the lawyers",
            "only the Crisis Lead of INC-1 (@alice), or the lead of workstream legal, can record the root cause");
    refused(h, 1, "bob", kMain, "/incident rootcause It was the lawyers",
            "or a workstream lead in their workstream's channel can record the root cause");
    CHECK(h.incident(1)->root_cause == "Lookalike-domain filter was off");

    // After resolution too, and the latest wins while the earlier stays on the timeline.
    ok(h, "alice", kMain, "/incident status resolved");
    const Reply second = ok(h, "alice", kMain, "/incident rootcause Filter disabled by a change without review");
    CHECK_THAT(second.text, Contains("the earlier one stays on the timeline"));
    CHECK(h.incident(1)->root_cause == "Filter disabled by a change without review");
    CHECK(h.timeline_of_kind(1, EntryKind::rootcause).size() == 2);

    invalid(h, "alice", kMain, "/incident rootcause", "/incident rootcause ");
    invalid(h, "alice", kMain, "/incident rootcause " + std::string(kMaxTextBytes + 1, 'x'), "the limit is");
}

TEST_CASE("impact: the latest statement wins, earlier ones stay on the timeline", "[review][impact]") {
    Harness h;
    declare(h);
    ok(h, "alice", kMain, "/incident impact 14 mailboxes received the lure");
    ok(h, "bob", kEngineering, "/incident impact 14 mailboxes received the lure; 3 accounts used");
    refused(h, 1, "lena", kMain, "/incident impact Nobody was affected", "can record the impact");
    invalid(h, "alice", kMain, "/incident impact", "say who and what was affected: /incident impact ");

    CHECK(h.incident(1)->impact == "14 mailboxes received the lure; 3 accounts used");
    const auto entries = h.timeline_of_kind(1, EntryKind::impact);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].text == "14 mailboxes received the lure");

    ok(h, "alice", kMain, "/incident status resolved");
    ok(h, "alice", kMain, "/incident review");
    const auto reviews = posted_reviews(h);
    REQUIRE(reviews.size() == 1);
    CHECK_THAT(reviews[0], Contains("## Impact\n14 mailboxes received the lure; 3 accounts used\n"));
}

TEST_CASE("action: numbered per incident, owner from a trailing mention, told to the owner", "[review][action]") {
    Harness h;
    declare(h);
    const Reply first = ok(h, "alice", kMain, "/incident action Ask @lena about notification duties @bob");
    CHECK(first.text == "Action item A-1 recorded, owner @bob");
    const Reply second = ok(h, "bob", kEngineering, "/incident action Ask @lena about notification duties");
    CHECK(second.text == "Action item A-2 recorded, unassigned; to name an owner, end the text with @name");

    const auto fx = h.drain();
    REQUIRE(messages_to(fx, "bob").size() == 1);
    CHECK(messages_to(fx, "bob").front().text ==
          "@alice gave you action item A-1 from INC-1 (Payroll phishing): Ask @lena about notification duties");
    const auto entries = h.timeline_of_kind(1, EntryKind::action);
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].text == "A-1: Ask @lena about notification duties (owner @bob)");
    CHECK(entries[1].text == "A-2: Ask @lena about notification duties (unassigned)");

    // Another incident starts again at A-1.
    ok(h, "alice", "general", "/incident declare sev3 Lost laptop");
    CHECK(ok(h, "alice", "general", "/incident INC-2 action Enable disk encryption checks").text ==
          "Action item A-1 recorded, unassigned; to name an owner, end the text with @name");
}

TEST_CASE("action without text is invalid and changes nothing", "[review][action]") {
    Harness h;
    declare(h);
    invalid(h, "alice", kMain, "/incident action",
            "say what needs doing, and optionally who owns it: /incident action");
    invalid(h, "alice", kMain, "/incident action @bob", "say what needs doing");
    invalid(h, "alice", kMain, "/incident action Watch the gateway @warroom", "warroom cannot own an action item");
    refused(h, 1, "bob", kLegal, "/incident action Review contracts", "can add action items");
}

TEST_CASE("analyse: an exercise is marked, and handovers between Matrix users are followed", "[review]") {
    const UserId alice{"@alice:example.org"}, carol{"@carol:example.org"}, dave{"@dave:example.org"};
    IncidentRecord record;
    record.incident.id = IncidentId{4};
    record.incident.title = "Ransomware drill";
    record.incident.exercise = true;
    record.incident.scenario = "ransomware";
    record.incident.lead = dave;
    record.incident.declared_by = alice;
    record.incident.declared_at = kTestStart;
    record.incident.channels.push_back(Channel{ChannelName{"ex-4-ransomware-drill"}, ChannelKind::main, {}, {}});
    record.as_of = kTestStart + 2h;
    auto entry = [&](Duration offset, const UserId& actor, EntryKind kind, std::string text) {
        record.timeline.push_back(TimelineEntry{static_cast<std::int64_t>(record.timeline.size() + 1),
                                                record.incident.id, kTestStart + offset, actor, kind, std::move(text)});
    };
    entry(0min, alice, EntryKind::declared, "declared sev2 \"Ransomware drill\"; Crisis Lead @alice:example.org");
    entry(10min, alice, EntryKind::lead, "@alice:example.org offered the Crisis Lead role to @carol:example.org");
    entry(12min, carol, EntryKind::lead, "@carol:example.org accepted the Crisis Lead role from @alice:example.org");
    entry(40min, dave, EntryKind::lead, "@dave:example.org accepted the Crisis Lead role from @carol:example.org");

    const Review review = analyse(record);
    REQUIRE(review.key_times.leads.size() == 3);
    CHECK(review.key_times.leads[0].lead == alice);
    CHECK(review.key_times.leads[0].since == kTestStart);
    CHECK(review.key_times.leads[1].lead == carol);
    CHECK(review.key_times.leads[1].since == kTestStart + 12min);
    CHECK(review.key_times.leads[2].lead == dave);
    CHECK(review.phases == std::vector<Phase>{Phase::detect, Phase::respond, Phase::respond, Phase::respond});

    const std::string md = render_markdown(review);
    CHECK(md.rfind("# EXERCISE — Post-incident review: INC-4 · Ransomware drill\n", 0) == 0);
    CHECK_THAT(md, Contains("This was a tabletop exercise (scenario \"ransomware\"), not a real incident."));
    CHECK_THAT(md, Contains("- Crisis Leads: @alice:example.org → @carol:example.org → @dave:example.org\n"));
    CHECK_THAT(md, Contains("- Crisis Lead handed over to @dave:example.org: 2026-11-18 11:46 UTC (40m 00s after "
                            "declaration)\n"));
    CHECK(render_json(review)["incident"]["exercise"] == true);
}
