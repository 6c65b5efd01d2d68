// Escalations to the executives: the request card, who may decide, the decision's reach, and the
// deadline that re-raises an undecided request.
#include <catch2/catch.hpp>

#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

namespace {

const std::string kMain = "inc-1-payroll-phishing";
const std::string kExec = "exec-briefing";
const std::string kRequest = "Take the payroll system offline until Monday";

// Wrong input: an error that also says what to type instead.
Reply invalid_with_hint(Harness& h, const std::string& user, const std::string& channel, const std::string& text,
                        const std::string& message_fragment) {
    Reply reply = invalid(h, user, channel, text, message_fragment);
    CHECK_THAT(reply.text, Contains("/incident"));
    return reply;
}

// alice declares INC-1 and asks the executives; everything so far is performed.
void declare_and_escalate(Harness& h, const std::string& by = "") {
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    ok(h, "alice", kMain, "/incident escalate " + kRequest + (by.empty() ? "" : " --by " + by));
    h.drain();
}

std::optional<Escalation> escalation(Harness& h, std::int64_t n) {
    auto tx = h.store->begin();
    return tx->escalation(EscalationId{n});
}

std::vector<Schedule> deadlines(Harness& h) {
    std::vector<Schedule> out;
    for (const Schedule& s : h.pending_schedules(1))
        if (s.kind == ScheduleKind::escalation_deadline) out.push_back(s);
    return out;
}

// Messages about E-1 only: cadences started at declaration post their own.
std::vector<PostMessage> about_e1(const std::vector<PostMessage>& messages) {
    std::vector<PostMessage> out;
    for (const PostMessage& m : messages)
        if (m.text.find("E-1") != std::string::npos) out.push_back(m);
    return out;
}
std::vector<TimelineEntry> reminders_about_e1(Harness& h) {
    std::vector<TimelineEntry> out;
    for (const TimelineEntry& e : h.timeline_of_kind(1, EntryKind::reminder))
        if (e.text.find("E-1") != std::string::npos) out.push_back(e);
    return out;
}

}  // namespace

TEST_CASE("escalate posts a card in the executives' channel naming who may decide") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    h.drain();
    Reply reply = ok(h, "alice", kMain, "/incident escalate " + kRequest + " --by 10m");
    CHECK_THAT(reply.text, Contains("E-1"));
    CHECK_THAT(reply.text, Contains("#" + kExec));
    CHECK_THAT(reply.text, Contains(format_utc(kTestStart + std::chrono::minutes(10))));

    const auto effects = h.drain();
    const auto cards = of<PostEscalation>(effects);
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].channel == ChannelName{kExec});
    CHECK(cards[0].card.escalation == EscalationId{1});
    CHECK(cards[0].card.incident == IncidentId{1});
    CHECK(cards[0].card.text == kRequest);   // the option is not part of the request
    CHECK(cards[0].card.requested_by == UserId{"alice"});
    CHECK(cards[0].card.executives == std::vector<UserId>{UserId{"erin"}});
    CHECK(cards[0].card.state == EscalationState::pending);
    REQUIRE(cards[0].card.deadline);
    CHECK(*cards[0].card.deadline == kTestStart + std::chrono::minutes(10));

    const auto to_erin = messages_to(effects, "erin");
    REQUIRE(to_erin.size() == 1);
    CHECK_THAT(to_erin[0].text, Contains("E-1"));
    CHECK_THAT(to_erin[0].text, Contains("#" + kExec));
    CHECK_THAT(to_erin[0].text, Contains("/incident allow E-1"));
    const auto in_main = about_e1(messages_in(effects, kMain));
    REQUIRE(in_main.size() == 1);
    CHECK_THAT(in_main[0].text, Contains(kRequest));
    CHECK_THAT(in_main[0].text, Contains("@erin"));

    const auto entries = h.timeline_of_kind(1, EntryKind::escalation);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].actor == UserId{"alice"});
    CHECK_THAT(entries[0].text, Contains("E-1"));
    CHECK_THAT(entries[0].text, Contains(kRequest));

    const auto due = deadlines(h);
    REQUIRE(due.size() == 1);
    CHECK(due[0].target == "E-1");
    CHECK(due[0].due_at == kTestStart + std::chrono::minutes(10));
    CHECK(escalation(h, 1)->state == EscalationState::pending);
}

TEST_CASE("without --by the executives get the playbook's default time to answer") {
    Harness h;
    declare_and_escalate(h);
    REQUIRE(escalation(h, 1)->deadline);
    CHECK(*escalation(h, 1)->deadline == kTestStart + h.playbook.timing.escalation_deadline);
    REQUIRE(deadlines(h).size() == 1);
    CHECK(deadlines(h)[0].due_at == kTestStart + h.playbook.timing.escalation_deadline);
}

TEST_CASE("only the Crisis Lead escalates") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    h.drain();
    refused(h, 1, "bob", kMain, "/incident escalate " + kRequest, "only the Crisis Lead of INC-1 (@alice)");
    CHECK(of<PostEscalation>(h.drain()).empty());
    CHECK_FALSE(escalation(h, 1));
}

TEST_CASE("a non-executive cannot decide and the card stays as it is") {
    Harness h;
    declare_and_escalate(h);
    // alice is the Crisis Lead and a playbook admin, still not an executive.
    for (const std::string who : {"bob", "alice"}) {
        Reply reply = refused(h, 1, who, kExec, "/incident allow E-1 go ahead",
                              "only the executives named in the playbook (@erin) decide escalations");
        refused(h, 1, who, kExec, "/incident deny E-1 too risky", "only the executives named in the playbook (@erin)");
        // Refused before the missing reason is even looked at.
        refused(h, 1, who, kExec, "/incident deny E-1", "only the executives named in the playbook (@erin)");
    }
    CHECK(of<UpdateEscalation>(h.drain()).empty());
    CHECK(escalation(h, 1)->state == EscalationState::pending);
    CHECK(h.timeline_of_kind(1, EntryKind::escalation_decision).empty());
}

TEST_CASE("an executive's decision reaches the card, the team and the requester, once") {
    Harness h;
    declare_and_escalate(h, "10m");
    h.advance(std::chrono::minutes(3));
    const Time decided = h.clock.now();
    Reply reply = ok(h, "erin", kExec, "/incident allow E-1 Do it, and tell payroll staff first");
    CHECK_THAT(reply.text, Contains("Allowed E-1"));

    const auto effects = h.drain();
    const auto updates = of<UpdateEscalation>(effects);
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].channel == ChannelName{kExec});
    CHECK(updates[0].card.escalation == EscalationId{1});
    CHECK(updates[0].card.state == EscalationState::allowed);
    CHECK(updates[0].card.decided_by == UserId{"erin"});
    CHECK(updates[0].card.decided_at == decided);
    CHECK(updates[0].card.comment == "Do it, and tell payroll staff first");
    CHECK(of<PostEscalation>(effects).empty());

    const auto in_main = about_e1(messages_in(effects, kMain));
    REQUIRE(in_main.size() == 1);
    CHECK_THAT(in_main[0].text, Contains("E-1 allowed by @erin at " + format_utc(decided)));
    CHECK_THAT(in_main[0].text, Contains("Do it, and tell payroll staff first"));
    const auto to_alice = about_e1(messages_to(effects, "alice"));
    REQUIRE(to_alice.size() == 1);
    CHECK_THAT(to_alice[0].text, Contains("allowed by @erin"));

    const auto entries = h.timeline_of_kind(1, EntryKind::escalation_decision);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].actor == UserId{"erin"});
    CHECK(entries[0].at == decided);
    CHECK_THAT(entries[0].text, Contains("allowed by @erin"));
    CHECK_THAT(entries[0].text, Contains("Do it, and tell payroll staff first"));

    const auto stored = escalation(h, 1);
    CHECK(stored->state == EscalationState::allowed);
    CHECK(stored->decided_by == UserId{"erin"});
    CHECK(stored->decided_at == decided);
    CHECK(deadlines(h).empty());

    SECTION("a second decision is refused and recorded") {
        refused(h, 1, "erin", kExec, "/incident deny E-1 changed my mind",
                "E-1 was already allowed by @erin at " + format_utc(decided));
        refused(h, 1, "erin", kExec, "/incident allow E-1", "already allowed");
        CHECK(of<UpdateEscalation>(h.drain()).empty());
        CHECK(escalation(h, 1)->state == EscalationState::allowed);
    }
}

TEST_CASE("deny records the reason for the team") {
    Harness h;
    declare_and_escalate(h);
    ok(h, "erin", "erin", "/incident deny E-1 Payroll must run on Friday; block the phishing domain instead");
    const auto effects = h.drain();
    const auto updates = of<UpdateEscalation>(effects);
    REQUIRE(updates.size() == 1);
    CHECK(updates[0].card.state == EscalationState::denied);
    CHECK(updates[0].card.comment == "Payroll must run on Friday; block the phishing domain instead");
    const auto in_main = about_e1(messages_in(effects, kMain));
    REQUIRE(in_main.size() == 1);
    CHECK_THAT(in_main[0].text, Contains("E-1 denied by @erin"));
    CHECK_THAT(in_main[0].text, Contains("block the phishing domain instead"));
    CHECK(escalation(h, 1)->state == EscalationState::denied);
}

TEST_CASE("the card's buttons follow the same rules as the commands") {
    Harness h;
    declare_and_escalate(h);

    expect_refusal(h, 1, "bob", [&] { return h.answer("bob", 1, true); }, "a card button",
                   "only the executives named in the playbook (@erin)");
    CHECK(of<UpdateEscalation>(h.drain()).empty());
    CHECK(escalation(h, 1)->state == EscalationState::pending);

    REQUIRE(h.answer("erin", 1, false, "Too risky before payday").kind == Reply::Kind::ok);
    const auto effects = h.drain();
    REQUIRE(of<UpdateEscalation>(effects).size() == 1);
    CHECK(of<UpdateEscalation>(effects)[0].card.state == EscalationState::denied);
    CHECK_THAT(about_e1(messages_in(effects, kMain)).at(0).text, Contains("Too risky before payday"));
    REQUIRE(h.timeline_of_kind(1, EntryKind::escalation_decision).size() == 1);
    CHECK(deadlines(h).empty());

    expect_refusal(h, 1, "erin", [&] { return h.answer("erin", 1, true); }, "a card button",
                   "E-1 was already denied by @erin");
    CHECK(of<UpdateEscalation>(h.drain()).empty());
    CHECK(escalation(h, 1)->state == EscalationState::denied);

    SECTION("a button for a request that does not exist changes nothing") {
        const std::string before = h.state_fingerprint();
        Reply reply = h.answer("erin", 99, true);
        CHECK(reply.kind == Reply::Kind::error);
        CHECK_THAT(reply.text, Contains("E-99 does not exist"));
        CHECK(h.state_fingerprint() == before);
    }
}

TEST_CASE("a Deny button without a reason is accepted and says so") {
    Harness h;
    declare_and_escalate(h);
    REQUIRE(h.answer("erin", 1, false).kind == Reply::Kind::ok);
    const auto in_main = about_e1(messages_in(h.drain(), kMain));
    REQUIRE(in_main.size() == 1);
    CHECK_THAT(in_main[0].text, Contains("denied by @erin"));
    CHECK_THAT(in_main[0].text, Contains("no reason given"));
}

TEST_CASE("an undecided request is re-raised once at its deadline") {
    Harness h;
    declare_and_escalate(h, "10m");
    h.advance(std::chrono::minutes(9));
    CHECK(about_e1(messages_in(h.drain(), kExec)).empty());
    CHECK(reminders_about_e1(h).empty());

    h.advance(std::chrono::minutes(1));
    const auto effects = h.drain();
    const auto to_executives = about_e1(messages_in(effects, kExec));
    REQUIRE(to_executives.size() == 1);
    CHECK_THAT(to_executives[0].text, Contains("@erin"));
    CHECK_THAT(to_executives[0].text, Contains("E-1 is still undecided after 10m"));
    CHECK_THAT(to_executives[0].text, Contains(kRequest));
    const auto to_lead = about_e1(messages_to(effects, "alice"));
    REQUIRE(to_lead.size() == 1);
    CHECK_THAT(to_lead[0].text, Contains("still undecided"));
    const auto reminders = reminders_about_e1(h);
    REQUIRE(reminders.size() == 1);
    CHECK(reminders[0].at == kTestStart + std::chrono::minutes(10));
    CHECK(deadlines(h).empty());

    h.advance(std::chrono::hours(3));
    const auto later = h.drain();
    CHECK(about_e1(messages_in(later, kExec)).empty());
    CHECK(about_e1(messages_to(later, "alice")).empty());
    CHECK(reminders_about_e1(h).size() == 1);

    SECTION("the executives can still answer after the deadline") {
        ok(h, "erin", kExec, "/incident allow E-1");
        CHECK(escalation(h, 1)->state == EscalationState::allowed);
        CHECK(of<UpdateEscalation>(h.drain()).size() == 1);
    }
}

TEST_CASE("a request decided before its deadline is not re-raised") {
    Harness h;
    declare_and_escalate(h, "10m");
    h.advance(std::chrono::minutes(2));
    ok(h, "erin", kExec, "/incident allow E-1");
    h.drain();
    h.advance(std::chrono::minutes(30));
    const auto effects = h.drain();
    CHECK(about_e1(messages_in(effects, kExec)).empty());
    CHECK(about_e1(messages_to(effects, "alice")).empty());
    CHECK(reminders_about_e1(h).empty());
}

TEST_CASE("bad escalation input is explained and changes nothing") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    h.drain();
    invalid_with_hint(h, "alice", kMain, "/incident escalate", "say what the executives should approve");
    invalid_with_hint(h, "alice", kMain, "/incident escalate --by 10m", "say what the executives should approve");
    invalid_with_hint(h, "alice", kMain, "/incident escalate " + kRequest + " --by", "the interval is missing");
    invalid_with_hint(h, "alice", kMain, "/incident escalate " + kRequest + " --by 0s", "the shortest allowed here is 1m");
    invalid_with_hint(h, "alice", kMain, "/incident escalate " + kRequest + " --by -5m", "is negative");
    invalid_with_hint(h, "alice", kMain, "/incident escalate " + kRequest + " --by 99y", "does not know");
    invalid_with_hint(h, "alice", kMain, "/incident escalate " + kRequest + " --by 8d", "the longest allowed here is 7d");
    const Reply mass = h.say("alice", kMain, "/incident escalate @channel " + kRequest);
    CHECK(mass.kind == Reply::Kind::error);
    CHECK_THAT(mass.text, Contains("mentions a whole channel"));
    CHECK_FALSE(escalation(h, 1));
    CHECK(of<PostEscalation>(h.drain()).empty());

    ok(h, "alice", kMain, "/incident escalate " + kRequest);
    h.drain();
    invalid_with_hint(h, "erin", kExec, "/incident deny E-1", "say why you deny E-1");
    invalid_with_hint(h, "erin", kExec, "/incident allow E-99", "E-99 does not exist");
    invalid_with_hint(h, "erin", kExec, "/incident allow X-1", "\"X-1\" is not an escalation id");
    invalid_with_hint(h, "erin", kExec, "/incident deny D-1 no", "\"D-1\" is not an escalation id");
    invalid_with_hint(h, "erin", kExec, "/incident allow", "say which request you allow");
    invalid_with_hint(h, "erin", kExec, "/incident deny", "say which request you deny");
    const Reply loud = h.say("erin", kExec, "/incident allow E-1 @here go");
    CHECK(loud.kind == Reply::Kind::error);
    CHECK_THAT(loud.text, Contains("mentions a whole channel"));
    CHECK(escalation(h, 1)->state == EscalationState::pending);
    CHECK(of<UpdateEscalation>(h.drain()).empty());
}

TEST_CASE("a resolved incident takes no new escalation, but a pending one can still be answered") {
    Harness h;
    declare_and_escalate(h, "10m");
    ok(h, "alice", kMain, "/incident status resolved");
    h.drain();
    invalid_with_hint(h, "alice", kMain, "/incident escalate Wipe the laptops", "INC-1 is resolved");

    // The incident keeps no rhythm once resolved: no re-raise at the deadline.
    h.advance(std::chrono::minutes(15));
    CHECK(about_e1(messages_in(h.drain(), kExec)).empty());
    CHECK(reminders_about_e1(h).empty());

    ok(h, "erin", kExec, "/incident allow E-1 For the record: yes");
    CHECK(escalation(h, 1)->state == EscalationState::allowed);
    CHECK(of<UpdateEscalation>(h.drain()).size() == 1);
    CHECK(h.timeline_of_kind(1, EntryKind::escalation_decision).size() == 1);
}

TEST_CASE("after a handover both the requester and the new Crisis Lead hear the decision") {
    Harness h;
    declare_and_escalate(h, "10m");
    ok(h, "alice", kMain, "/incident lead @bob");
    ok(h, "bob", kMain, "/incident lead accept");
    h.drain();

    SECTION("the decision") {
        ok(h, "erin", kExec, "/incident deny E-1 Not while payroll runs");
        const auto effects = h.drain();
        CHECK_THAT(about_e1(messages_to(effects, "alice")).at(0).text, Contains("denied by @erin"));
        CHECK_THAT(about_e1(messages_to(effects, "bob")).at(0).text, Contains("denied by @erin"));
    }
    SECTION("the deadline") {
        h.advance(std::chrono::minutes(10));
        const auto effects = h.drain();
        CHECK_THAT(about_e1(messages_to(effects, "bob")).at(0).text, Contains("still undecided"));
        CHECK_THAT(about_e1(messages_to(effects, "alice")).at(0).text, Contains("still undecided"));
        REQUIRE(reminders_about_e1(h).size() == 1);
        CHECK_THAT(reminders_about_e1(h)[0].text, Contains("@bob"));
    }
}
