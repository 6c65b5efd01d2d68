// The outbox: committed effects performed in order, failures retried, and an
// approved draft published exactly once.
#include <catch2/catch.hpp>

#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

namespace {

const std::string kMain = "inc-1-payroll-phishing";

bool is_publish(const OutboxJob& job) { return std::holds_alternative<Publish>(job.effect); }

// INC-1 (sev1) with D-1 by lena for the executives, approved by alice; the
// effects before the approval are already performed.
void approved_draft(Harness& h) {
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    ok(h, "lena", kMain, "/incident draft exec Payroll phishing contained; no data lost.");
    h.drain();
    ok(h, "alice", kMain, "/incident approve D-1");
}

std::string effect_type(const Effect& effect) {
    return std::visit(
        [](const auto& e) -> std::string {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, CreateChannel>) return "create";
            else if constexpr (std::is_same_v<T, InviteUsers>) return "invite";
            else if constexpr (std::is_same_v<T, PostMessage>) return "post";
            else if constexpr (std::is_same_v<T, PostCard>) return "card";
            else if constexpr (std::is_same_v<T, UpdateCard>) return "update-card";
            else return "publish";
        },
        effect);
}

std::vector<std::string> types(const std::vector<Effect>& effects) {
    std::vector<std::string> out;
    for (const Effect& e : effects) out.push_back(effect_type(e));
    return out;
}

}  // namespace

TEST_CASE("a failed delivery leaves the publish job pending and the draft approved", "[outbox]") {
    Harness h;
    approved_draft(h);
    h.performer.fail_if = is_publish;

    auto fx = h.drain();
    CHECK(publishes(fx).empty());
    // Jobs before the publish were performed; nothing after it overtook it.
    CHECK(types(fx) == std::vector<std::string>{"update-card"});
    auto pending = h.pending_jobs();
    REQUIRE_FALSE(pending.empty());
    CHECK(is_publish(pending.front()));
    CHECK(h.draft(1)->state == DraftState::approved);
    CHECK_FALSE(h.draft(1)->published_at);
    CHECK(h.timeline_of_kind(1, EntryKind::publication).empty());

    // Still down: still pending, still approved.
    CHECK(h.drain().empty());
    CHECK(h.pending_jobs().size() == pending.size());
    CHECK(h.draft(1)->state == DraftState::approved);
    // The lead cannot approve it a second time meanwhile.
    CHECK(h.say("alice", kMain, "/incident approve D-1").kind == Reply::Kind::error);
    CHECK(h.pending_jobs().size() == pending.size());

    // The platform is back: published once, and the rest follows.
    h.performer.fail_if = nullptr;
    fx = h.drain();
    const auto published = publishes(fx);
    REQUIRE(published.size() == 1);
    CHECK(published[0].channel == ChannelName{"exec-briefing"});
    CHECK_THAT(published[0].text, Contains("Payroll phishing contained; no data lost."));
    CHECK(effect_type(fx.front()) == "publish");
    CHECK(h.pending_jobs().empty());
    CHECK(h.draft(1)->state == DraftState::published);
    CHECK(h.draft(1)->published_at == std::optional<Time>(kTestStart));
    const auto entries = h.timeline_of_kind(1, EntryKind::publication);
    REQUIRE(entries.size() == 1);
    CHECK_THAT(entries[0].text, Contains("D-1 published to #exec-briefing"));

    // Nothing is left to repeat.
    CHECK(h.drain().empty());
    CHECK(publishes(h.effects()).size() == 1);
    CHECK(card_updates_for(h.effects(), 1).size() == 1);
}

TEST_CASE("a job whose completion was lost is repeated, and the draft is marked published once", "[outbox]") {
    Harness h;
    approved_draft(h);
    // The platform took the message but the acknowledgement was lost.
    int lost = 0;
    h.performer.fail_if = [&](const OutboxJob& job) {
        if (!is_publish(job) || lost > 0) return false;
        ++lost;
        h.performer.jobs.push_back(job);   // it did reach the platform
        return true;
    };
    h.drain();
    CHECK(h.draft(1)->state == DraftState::approved);
    h.drain();
    // Performed twice (the performer must make this harmless), completed once.
    CHECK(publishes(h.effects()).size() == 2);
    CHECK(h.draft(1)->state == DraftState::published);
    CHECK(h.timeline_of_kind(1, EntryKind::publication).size() == 1);
    CHECK(h.pending_jobs().empty());
}

TEST_CASE("jobs are performed in commit order, across batches and retries", "[outbox]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev4 Payroll phishing");
    ok(h, "alice", kMain, "/incident note first");
    ok(h, "alice", kMain, "/incident draft exec second");
    ok(h, "alice", kMain, "/incident approve D-1");

    const std::vector<std::string> expected{
        "create", "invite", "post",                  // declare: channel, members, header
        "post",                                      // note
        "card",   "post",                            // draft: card to the lead, echo
        "update-card", "publish", "post",            // approve
    };
    // The 5th job fails once: everything before it is done, nothing after it jumps ahead.
    std::size_t calls = 0;
    h.performer.fail_if = [&](const OutboxJob&) { return ++calls == 5; };
    auto first = h.drain();
    CHECK(types(first) == std::vector<std::string>(expected.begin(), expected.begin() + 4));
    auto rest = h.drain();
    CHECK(types(rest) == std::vector<std::string>(expected.begin() + 4, expected.end()));

    // Each job once, in increasing id order.
    const auto& jobs = h.performer.jobs;
    REQUIRE(jobs.size() == expected.size());
    for (std::size_t i = 1; i < jobs.size(); ++i) CHECK(jobs[i - 1].id < jobs[i].id);
    const auto notes = messages_in(h.effects(), kMain);
    REQUIRE(notes.size() >= 2);
    CHECK_THAT(notes[1].text, Contains("first"));

    // More jobs than one batch (three sev1 declarations make 36).
    Harness big;
    for (int i = 0; i < 3; ++i) ok(big, "alice", "general", "/incident declare sev1 Incident " + std::to_string(i));
    const std::size_t queued = big.pending_jobs().size();
    CHECK(queued > 32);
    const auto all = big.drain();
    CHECK(all.size() == queued);
    for (std::size_t i = 1; i < big.performer.jobs.size(); ++i)
        CHECK(big.performer.jobs[i - 1].id < big.performer.jobs[i].id);
    const auto created = created_channel_names(all);
    REQUIRE(created.size() == 12);
    CHECK(created.front() == "inc-1-incident-0");
    CHECK(created.back() == "inc-3-legal");
    CHECK(big.pending_jobs().empty());
}

TEST_CASE("nothing is performed for a command that failed", "[outbox]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev4 Payroll phishing");
    h.drain();
    CHECK(h.say("bob", kMain, "/incident status resolved").kind == Reply::Kind::error);
    CHECK(h.say("alice", kMain, "/incident draft nobody hello").kind == Reply::Kind::error);
    CHECK(h.pending_jobs().empty());
    CHECK(h.drain().empty());
}
