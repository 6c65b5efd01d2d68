// The approval gate a security review found open: nobody
// publishes to an audience with approvers alone, guests and outsiders cannot
// declare, lead or approve, and a decision is bound to the revision its card
// showed. Through the console with the example playbook, and the engine.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "console_support.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Matchers::Contains;

namespace {

std::size_t count_lines_starting(const std::string& transcript, const std::string& prefix) {
    std::size_t count = 0;
    for (const std::string& line : lines_of(transcript)) count += line.rfind(prefix, 0) == 0;
    return count;
}

// The draft.approved entries of incident 1's audit record, as facts.
std::vector<nlohmann::json> approvals_audited(Harness& h) {
    std::vector<nlohmann::json> facts;
    auto tx = h.store->begin();
    for (const AuditEntry& entry : tx->audit_entries(IncidentId{1}))
        if (entry.kind == "draft.approved") facts.push_back(nlohmann::json::parse(entry.facts));
    return facts;
}

const std::string kMain = "inc-1-payroll-phishing";

// zed, whom the playbook does not name, declares and drafts for the press.
void zed_drafts_for_the_press(Harness& h) {
    REQUIRE(h.say("zed", "general", "/incident declare sev3 Payroll phishing").kind == Reply::Kind::ok);
    REQUIRE(h.say("zed", kMain, "/incident draft press We are investigating a phishing campaign").kind ==
            Reply::Kind::ok);
}

}  // namespace

TEST_CASE("on the console, a self-declared lead's press draft waits for pr and is then published once",
          "[approval][console]") {
    TempDatabase db;
    SimulatedConsole bot(db.path, kTestStart);
    REQUIRE(bot.script("zed: /incident declare sev3 Payroll phishing\n"
                       "#inc-1-payroll-phishing zed: /incident draft press We are investigating a phishing campaign\n"
                       "#inc-1-payroll-phishing zed: /incident approve D-1\n") == 0);
    std::string transcript = bot.out.str();
    // Declaring and leading got zed nothing at the press office.
    CHECK(count_lines_starting(transcript, "#press-office ") == 0);
    CHECK_THAT(transcript, Contains("approved by @zed as the Crisis Lead; it also needs one of pr (@pat)"));
    // pat, of pr, was invited to where the card is, and the card names who is needed.
    CHECK_THAT(transcript, Contains("#inc-1-payroll-phishing * warroom invited @pat"));
    CHECK_THAT(transcript, Contains("needs the Crisis Lead @zed: needed · one of pr (@pat): needed"));

    REQUIRE(bot.script("#inc-1-payroll-phishing pat: /incident approve D-1\n") == 0);
    transcript = bot.out.str();
    CHECK(count_lines_starting(transcript, "#press-office <warroom> [INC-1] We are investigating a phishing campaign") ==
          1);
    CHECK_THAT(transcript, Contains("— approved by @zed and @pat"));
}

TEST_CASE("two-person approval: either approves first, the second publishes, and the record says which",
          "[approval]") {
    Harness h;
    zed_drafts_for_the_press(h);
    // The approver's card reaches pat: invited to the main channel with it.
    const auto invited = invited_to(h.drain(), kMain);
    CHECK(std::find(invited.begin(), invited.end(), "pat") != invited.end());

    SECTION("the approver first, by button") {
        CHECK(h.click("pat", 1, CardDecision::approve).kind == Reply::Kind::ok);
        auto effects = h.drain();
        CHECK(publishes(effects).empty());
        CHECK(h.draft(1)->state == DraftState::pending);
        const auto updates = card_updates_for(effects, 1);
        REQUIRE(updates.size() == 1);
        CHECK(updates[0].card.approver_approval == UserId{"pat"});
        CHECK_FALSE(updates[0].card.lead_approval);
        // Approving twice adds nothing.
        CHECK(h.say("pat", kMain, "/incident approve D-1").kind == Reply::Kind::error);

        CHECK(h.say("zed", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        effects = h.drain();
        REQUIRE(publishes(effects).size() == 1);
        CHECK(publishes(effects)[0].channel == ChannelName{"press-office"});
        const auto audited = approvals_audited(h);
        REQUIRE(audited.size() == 2);
        CHECK(audited[0]["as"] == "approver");
        CHECK(audited[0]["complete"] == false);
        CHECK(audited[0]["text"] == "We are investigating a phishing campaign");
        CHECK(audited[1]["as"] == "crisis_lead");
        CHECK(audited[1]["complete"] == true);
    }
    SECTION("a lead who is in the group approves alone") {
        h.playbook.groups["pr"].push_back(UserId{"zed"});
        CHECK(h.say("zed", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        CHECK(publishes(h.drain()).size() == 1);
        const auto audited = approvals_audited(h);
        REQUIRE(audited.size() == 1);
        CHECK(audited[0]["as"] == "both");
        CHECK(audited[0]["complete"] == true);
    }
    SECTION("an approver may ask for changes, and a revision resets the approvals") {
        CHECK(h.say("zed", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        CHECK(h.say("pat", kMain, "/incident changes D-1 say when we will update").kind == Reply::Kind::ok);
        CHECK(h.say("zed", kMain, "/incident revise D-1 We are investigating; next update at 16:00").kind ==
              Reply::Kind::ok);
        CHECK(h.say("pat", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        CHECK(publishes(h.drain()).empty());   // zed's approval was for revision 1
        CHECK(h.say("zed", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        const auto published = publishes(h.drain());
        REQUIRE(published.size() == 1);
        CHECK_THAT(published[0].text, Contains("next update at 16:00"));
    }
    SECTION("someone neither the lead nor in pr cannot decide") {
        const Reply reply = h.say("cora", kMain, "/incident approve D-1");
        CHECK(reply.kind == Reply::Kind::error);
        CHECK_THAT(reply.text, Contains("or a member of pr (@pat)"));
        CHECK(h.click("cora", 1, CardDecision::reject).kind == Reply::Kind::error);
    }
    SECTION("a handover keeps the approver's approval, not the former lead's") {
        CHECK(h.say("zed", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        CHECK(h.say("pat", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
        h.drain();
        // Published already: start over with a second draft for a handover in between.
        REQUIRE(h.say("zed", kMain, "/incident draft press Second statement").kind == Reply::Kind::ok);
        CHECK(h.say("zed", kMain, "/incident approve D-2").kind == Reply::Kind::ok);
        CHECK(h.say("pat", kMain, "/incident lead @alice").kind == Reply::Kind::error);   // not the lead
        CHECK(h.say("zed", kMain, "/incident lead @alice").kind == Reply::Kind::ok);
        CHECK(h.say("alice", kMain, "/incident lead accept").kind == Reply::Kind::ok);
        CHECK(h.say("pat", kMain, "/incident approve D-2").kind == Reply::Kind::ok);
        CHECK(publishes(h.drain()).empty());   // zed's approval ended with his lead
        CHECK(h.draft(2)->state == DraftState::pending);
        CHECK(h.say("alice", kMain, "/incident approve D-2").kind == Reply::Kind::ok);
        CHECK(publishes(h.drain()).size() == 1);
        CHECK(h.draft(2)->state == DraftState::published);
    }
}

TEST_CASE("a decision on an older revision's card is refused and recorded, and the old card says it is outdated",
          "[approval]") {
    Harness h;
    REQUIRE(h.say("alice", "general", "/incident declare sev3 Payroll phishing").kind == Reply::Kind::ok);
    REQUIRE(h.say("carol", kMain, "/incident draft exec First text").kind == Reply::Kind::error);   // not a member
    REQUIRE(h.say("alice", kMain, "/incident invite @carol").kind == Reply::Kind::ok);
    REQUIRE(h.say("carol", kMain, "/incident draft exec First text").kind == Reply::Kind::ok);
    REQUIRE(h.say("alice", kMain, "/incident changes D-1 shorter").kind == Reply::Kind::ok);
    h.drain();
    REQUIRE(h.say("carol", kMain, "/incident revise D-1 Second text").kind == Reply::Kind::ok);
    const auto effects = h.drain();
    const auto updates = card_updates_for(effects, 1);
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].card.outdated);
    CHECK(updates[0].card.revision == 1);
    CHECK(cards_for(effects, 1).at(0).card.revision == 2);

    const Reply stale = h.click("alice", 1, CardDecision::approve, "", 1);
    CHECK(stale.kind == Reply::Kind::error);
    CHECK_THAT(stale.text, Contains("D-1 changed since that card"));
    CHECK(h.draft(1)->state == DraftState::pending);
    CHECK(publishes(h.drain()).empty());
    CHECK(h.say("alice", kMain, "/incident approve D-1 --revision 1").kind == Reply::Kind::error);
    bool recorded = false;
    for (const TimelineEntry& entry : h.timeline(1))
        recorded |= entry.kind == EntryKind::refusal && entry.text.find("changed since that card") != std::string::npos;
    CHECK(recorded);

    CHECK(h.say("alice", kMain, "/incident approve D-1 --revision 2").kind == Reply::Kind::ok);
    const auto published = publishes(h.drain());
    REQUIRE(published.size() == 1);
    CHECK_THAT(published[0].text, Contains("Second text"));
}

TEST_CASE("outsiders named by the adapter cannot declare, lead or approve", "[approval][authorization]") {
    Harness h;
    const auto as_outsider = [&](const std::string& user, const std::string& channel, const std::string& text,
                                 std::vector<std::string> outsiders) {
        Event event{EventId{h.next_event_id()}, UserId{user}, ChannelName{channel}, CommandText{text}};
        for (const std::string& outsider : outsiders) event.outsiders.push_back(UserId{outsider});
        return h.send(event);
    };
    Reply reply = as_outsider("gus", "general", "/incident declare sev3 Payroll phishing", {"gus"});
    CHECK(reply.kind == Reply::Kind::error);
    CHECK_THAT(reply.text, Contains("guests and people from outside the organisation can take part but cannot "
                                    "declare, lead or approve"));
    CHECK_FALSE(h.incident(1));
    CHECK(as_outsider("alice", "general", "/incident declare sev3 Payroll phishing --lead @gus", {"gus"}).kind ==
          Reply::Kind::error);
    REQUIRE(h.say("alice", "general", "/incident declare sev3 Payroll phishing").kind == Reply::Kind::ok);
    CHECK(as_outsider("alice", kMain, "/incident lead @gus", {"gus"}).kind == Reply::Kind::error);
    // pat is in pr, but a pat the platform says is a guest cannot approve for pr.
    REQUIRE(h.say("alice", kMain, "/incident draft press Holding statement").kind == Reply::Kind::ok);
    CHECK(as_outsider("pat", kMain, "/incident approve D-1", {"pat"}).kind == Reply::Kind::error);
    CHECK(h.say("alice", kMain, "/incident approve D-1").kind == Reply::Kind::ok);
    CHECK(publishes(h.drain()).empty());
}

TEST_CASE("Matrix users of servers the playbook does not list are outsiders", "[approval][playbook]") {
    Playbook book = bundled_playbook();
    book.matrix_servers = {"example.org"};
    CHECK(book.is_outside_matrix_servers(UserId{"@mallory:elsewhere.net"}));
    CHECK_FALSE(book.is_outside_matrix_servers(UserId{"@alice:example.org"}));
    CHECK_FALSE(book.is_outside_matrix_servers(UserId{"U0123"}));   // not a Matrix id
    book.matrix_servers.clear();
    CHECK_FALSE(book.is_outside_matrix_servers(UserId{"@mallory:elsewhere.net"}));

    book.matrix_servers = {"example.org"};
    Harness h(book);
    const Reply reply = h.say("@mallory:elsewhere.net", "general", "/incident declare sev3 Payroll phishing");
    CHECK(reply.kind == Reply::Kind::error);
    CHECK_THAT(reply.text, Contains("cannot declare, lead or approve"));
    CHECK(h.say("@alice:example.org", "general", "/incident declare sev3 Payroll phishing").kind == Reply::Kind::ok);
}
