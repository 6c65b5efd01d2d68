// Audiences that are not chat channels (webhook, status page, e-mail) and
// pagers, through the engine: what the Crisis Lead approves goes out once,
// in a lane of its own; a destination that refuses or stays down is given up
// on, the lead is told and can retry; exercises keep everything inside.
#include <catch2/catch.hpp>

#include "commands/exercise_guard.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

const std::string kMain = "inc-1-token-leak";

Playbook paging_playbook() {
    Playbook book = bundled_playbook();
    book.severities[Severity::sev1].page = {"security-oncall"};
    book.severities[Severity::sev2].page = {"legal-oncall"};
    return book;
}

// Drains as the bots do: an outside delivery that fails is settled by the engine.
void drain_settling(Harness& h) { drain_outbox(*h.store, h.performer, h.clock, &h.engine); }

bool is_deliver(const OutboxJob& job) { return std::holds_alternative<Deliver>(job.effect); }

void declare_and_approve(Harness& h, const std::string& audience) {
    ok(h, "alice", "general", "/incident declare sev3 Token leak");
    ok(h, "alice", kMain, "/incident draft " + audience + " A token was leaked and has been revoked.");
    ok(h, "alice", kMain, "/incident approve D-1");
}

}  // namespace

TEST_CASE("an approved draft for a webhook audience is delivered as it was approved, in a lane of its own",
          "[outside]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev3 Token leak");
    ok(h, "alice", kMain, "/incident draft ticketing A token was leaked and has been revoked.");
    const auto cards = cards_for(h.drain(), 1);
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].card.destination == "webhook at tickets.example.com");
    const Reply reply = ok(h, "alice", kMain, "/incident approve D-1");
    CHECK_THAT(reply.text, Contains("webhook at tickets.example.com"));

    const auto pending = h.pending_jobs();
    const auto deliver = std::find_if(pending.begin(), pending.end(), is_deliver);
    REQUIRE(deliver != pending.end());
    CHECK(deliver->lane == "INC-1 audience:ticketing");
    const Deliver& what = std::get<Deliver>(deliver->effect);
    CHECK(what.text == "A token was leaked and has been revoked.");   // no chat markup, no prefix
    CHECK(what.approver == UserId{"alice"});
    CHECK(what.revision == 1);
    for (const OutboxJob& job : pending)
        if (!is_deliver(job)) CHECK(job.lane == "INC-1");   // the chat effects keep the incident's lane

    h.drain();
    CHECK(h.draft(1)->state == DraftState::published);
    const auto published = h.timeline_of_kind(1, EntryKind::publication);
    REQUIRE_FALSE(published.empty());
    CHECK_THAT(published.back().text, Contains("D-1 published to webhook at tickets.example.com"));
    // Where it landed, as the destination answered, is in the audit record.
    auto tx = h.store->begin();
    const auto audit = tx->audit_entries(IncidentId{1});
    const auto entry = std::find_if(audit.rbegin(), audit.rend(),
                                    [](const AuditEntry& e) { return e.kind == "draft.published"; });
    REQUIRE(entry != audit.rend());
    CHECK_THAT(entry->facts, Contains("test-ref-"));
    CHECK_THAT(entry->facts, Contains("webhook at tickets.example.com"));
}

TEST_CASE("a destination that is down holds up nothing but its own lane", "[outside]") {
    Harness h;
    h.performer.fail_if = is_deliver;   // the webhook is down
    declare_and_approve(h, "ticketing");
    drain_settling(h);
    // Everything else of the incident went out: the channel heard of the approval.
    CHECK_FALSE(messages_in(h.effects(), kMain).empty());
    ok(h, "alice", kMain, "/incident note still down");
    drain_settling(h);
    CHECK(h.draft(1)->state == DraftState::approved);
    CHECK(h.draft(1)->delivery_problem.empty());   // still being tried
    const auto pending = h.pending_jobs();
    REQUIRE(pending.size() == 1);
    CHECK(is_deliver(pending[0]));

    SECTION("back within the retry window: delivered once") {
        h.performer.fail_if = nullptr;
        h.clock.advance(5min);
        drain_settling(h);
        CHECK(h.draft(1)->state == DraftState::published);
        CHECK(of<Deliver>(h.effects()).size() == 1);
    }
    SECTION("down past the retry window: given up, the lead told, retry delivers it") {
        h.clock.advance(h.playbook.timing.delivery_retry_for + 1s);
        drain_settling(h);
        const auto draft = h.draft(1);
        CHECK(draft->state == DraftState::approved);
        CHECK(draft->delivery_problem == "simulated delivery failure");
        CHECK(describe_state(*draft) == "approved, delivery failed: simulated delivery failure");
        CHECK(h.pending_jobs().empty());
        const auto told = messages_to(h.effects(), "alice");
        REQUIRE_FALSE(told.empty());
        CHECK_THAT(told.back().text, Contains("D-1 (ticketing) was approved but not delivered"));
        CHECK_THAT(told.back().text, Contains("/incident retry D-1"));
        const auto updates = card_updates_for(h.effects(), 1);
        REQUIRE_FALSE(updates.empty());
        CHECK(updates.back().card.delivery_problem == "simulated delivery failure");

        h.performer.fail_if = nullptr;
        const Reply retried = ok(h, "alice", kMain, "/incident retry D-1");
        CHECK_THAT(retried.text, Contains("Retrying the delivery of D-1"));
        drain_settling(h);
        CHECK(h.draft(1)->state == DraftState::published);
        CHECK(h.draft(1)->delivery_problem.empty());
    }
}

TEST_CASE("a refusal is given up at once, and only the Crisis Lead retries", "[outside]") {
    Harness h;
    h.performer.refuse_if = is_deliver;
    declare_and_approve(h, "board");
    drain_settling(h);
    const auto draft = h.draft(1);
    CHECK(draft->delivery_problem == "the destination answered HTTP 401");
    CHECK_THAT(messages_in(h.effects(), kMain).back().text, Contains("was approved but not delivered"));
    const auto entries = h.timeline_of_kind(1, EntryKind::publication);
    CHECK_THAT(entries.back().text, Contains("not delivered"));

    ok(h, "alice", kMain, "/incident invite @cora");
    const Reply refused = h.say("cora", kMain, "/incident retry D-1");
    CHECK(refused.kind == Reply::Kind::error);
    CHECK_THAT(refused.text, Contains("only the Crisis Lead"));

    const Reply not_failed = h.say("alice", kMain, "/incident retry D-2");
    CHECK(not_failed.kind == Reply::Kind::error);
    h.performer.refuse_if = nullptr;
    ok(h, "alice", kMain, "/incident retry D-1");
    const Reply twice = h.say("alice", kMain, "/incident retry D-1");
    CHECK(twice.kind == Reply::Kind::error);   // the retry is on its way: nothing failed now
    drain_settling(h);
    CHECK(h.draft(1)->state == DraftState::published);
}

TEST_CASE("a chat audience's publish is never given up", "[outside]") {
    Harness h;
    h.performer.fail_if = [](const OutboxJob& job) { return std::holds_alternative<Publish>(job.effect); };
    declare_and_approve(h, "employees");
    h.clock.advance(2h);
    drain_settling(h);
    CHECK(h.draft(1)->state == DraftState::approved);
    CHECK(h.draft(1)->delivery_problem.empty());
    const auto pending = h.pending_jobs();
    CHECK(std::any_of(pending.begin(), pending.end(),
                      [](const OutboxJob& job) { return std::holds_alternative<Publish>(job.effect); }));
}

TEST_CASE("a status page's first text opens an incident there, later ones update it, and it is resolved with ours",
          "[outside]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev3 Token leak");
    ok(h, "alice", kMain, "/incident invite @cora");
    ok(h, "alice", kMain, "/incident draft status-page We are investigating an issue.");
    h.drain();
    CHECK(cards_for(h.effects(), 1).back().card.destination == "status page 'Example Corp Status', as a new incident");
    ok(h, "alice", kMain, "/incident approve D-1");
    ok(h, "cora", kMain, "/incident approve D-1");
    h.drain();
    ok(h, "cora", kMain, "/incident draft status-page The issue is fixed.");
    h.drain();
    CHECK(cards_for(h.effects(), 2).back().card.destination ==
          "status page 'Example Corp Status', as an update to the incident");
    ok(h, "alice", kMain, "/incident status mitigated");
    ok(h, "alice", kMain, "/incident status resolved");
    const auto resolved = of<ResolveStatusPage>(h.drain());
    REQUIRE(resolved.size() == 1);
    CHECK(resolved[0].audience == "status-page");
}

TEST_CASE("pagers: the severity's at declaration, a raise adds its own, on demand once, resolved with the incident",
          "[outside]") {
    Harness h(paging_playbook());
    ok(h, "alice", "general", "/incident declare sev2 Token leak");
    auto pages = of<Page>(h.drain());
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].pager == "legal-oncall");
    CHECK(pages[0].action == PageAction::trigger);
    CHECK_THAT(pages[0].summary, Contains("[sev2] INC-1: Token leak"));

    ok(h, "alice", kMain, "/incident severity sev1");
    pages = of<Page>(h.drain());
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].pager == "security-oncall");

    const Reply again = h.say("alice", kMain, "/incident page security-oncall");
    CHECK(again.kind == Reply::Kind::error);
    CHECK_THAT(again.text, Contains("already paged"));
    const Reply unknown = h.say("alice", kMain, "/incident page nobody");
    CHECK_THAT(unknown.text, Contains("legal-oncall, security-oncall"));
    const Reply stranger = h.say("sam", kMain, "/incident page legal-oncall");
    CHECK(stranger.kind == Reply::Kind::error);

    ok(h, "alice", kMain, "/incident status resolved");
    pages = of<Page>(h.drain());
    REQUIRE(pages.size() == 2);
    for (const Page& page : pages) CHECK(page.action == PageAction::resolve);
    CHECK(h.pending_jobs().empty());
}

TEST_CASE("a page given up is told to the lead and may be paged again", "[outside]") {
    Harness h(paging_playbook());
    h.performer.refuse_if = [](const OutboxJob& job) { return std::holds_alternative<Page>(job.effect); };
    ok(h, "alice", "general", "/incident declare sev2 Token leak");
    drain_settling(h);
    const auto told = messages_to(h.effects(), "alice");
    REQUIRE_FALSE(told.empty());
    CHECK_THAT(told.back().text, Contains("could not page legal-oncall"));
    CHECK(h.pending_jobs().empty());
    h.performer.refuse_if = nullptr;
    ok(h, "alice", kMain, "/incident page legal-oncall");
    const auto pages = of<Page>(h.drain());
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].pager == "legal-oncall");
}

TEST_CASE("exercises keep webhooks, status pages, mailboxes and pagers out of it", "[outside][exercise]") {
    Playbook book = paging_playbook();
    for (auto& [severity, policy] : book.severities) policy.page = {"security-oncall"};
    Harness h(book);
    ok(h, "alice", "general", "/incident exercise build-dependency");
    const auto incident = h.incident(1);
    REQUIRE(incident);
    REQUIRE(incident->exercise);
    const std::string main = incident->main_channel().name.value();
    ok(h, "alice", main, "/incident draft ticketing Exercise text for the ticketing system.");
    ok(h, "alice", main, "/incident approve D-1");
    ok(h, "alice", main, "/incident status resolved");
    const auto effects = h.drain();
    CHECK(of<Deliver>(effects).empty());
    CHECK(of<Page>(effects).empty());
    CHECK(of<ResolveStatusPage>(effects).empty());
    const auto published = publishes(effects);
    REQUIRE(published.size() == 1);
    CHECK(published[0].channel.value() == main);
    CHECK_THAT(published[0].text, Contains("would be sent to webhook at tickets.example.com"));
    bool told_of_page = false;
    for (const PostMessage& message : messages_in(effects, main))
        told_of_page = told_of_page || message.text.find("would have paged security-oncall") != std::string::npos;
    CHECK(told_of_page);
    CHECK(h.draft(1)->state == DraftState::published);
}
