// The approval gate through the Matrix simulator: approvers
// decide with reactions, a ✅ on the card of an older revision is refused and
// that card is edited to say it is outdated, and users of a server the
// playbook does not list cannot declare.
#include "matrix_support.hpp"

#include "adapters/matrix/matrix_refs.hpp"

namespace warroom::test {
namespace {

const std::string kMain = "inc-1-lost-laptop";
const std::string kApprove = "\xE2\x9C\x85";   // ✅

// The card of draft `draft` at `revision` in a room.
std::optional<matrix_sim::SimEvent> card_at(const MatrixWorld& world, const std::string& room_id,
                                            const std::string& draft, int revision) {
    for (auto& event : world.bot_messages(room_id)) {
        const auto marker = event.content.value("org.warroom.card", nlohmann::json::object());
        if (marker.value("draft", "") == draft && marker.value("revision", 0) == revision) return event;
    }
    return std::nullopt;
}

bool last_edit_contains(const MatrixWorld& world, const std::string& room_id, const std::string& event_id,
                        const std::string& text) {
    const auto edits = world.edits_of(room_id, event_id);
    return !edits.empty() && edits.back().content.dump().find(text) != std::string::npos;
}

bool refusal_recorded(Store& store, const std::string& text) {
    auto tx = store.begin();
    for (const TimelineEntry& entry : tx->timeline(IncidentId{1}))
        if (entry.kind == EntryKind::refusal && entry.text.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("Matrix: pr approves with a reaction, and a reaction on an outdated card is refused",
          "[matrix_bot][approval]") {
    MatrixWorld world;
    auto& sim = world.sim;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited(kMain, "alice");
    CHECK_THAT(world.command("alice", main, "draft press First statement"), Catch::Contains("D-1"));
    world.join_when_invited(kMain, "pat");   // pr's member gets the card too
    std::optional<matrix_sim::SimEvent> first, second;
    REQUIRE(sim.wait_for([&] { return (first = card_at(world, main, "D-1", 1)).has_value(); }, 15s));
    CHECK_THAT(first->content.value("body", ""), Catch::Contains("needs one of pr: " + world.id("pat")));

    CHECK_THAT(world.command("alice", main, "changes D-1 shorter"), Catch::Contains("Requested changes"));
    CHECK_THAT(world.command("alice", main, "revise D-1 Second statement"), Catch::Contains("revision 2"));
    REQUIRE(sim.wait_for([&] { return (second = card_at(world, main, "D-1", 2)).has_value(); }, 15s));
    REQUIRE(sim.wait_for([&] { return last_edit_contains(world, main, first->event_id, "Outdated"); }, 15s));

    // ✅ on revision 1's card: refused and recorded; nothing published.
    sim.react(world.id("pat"), main, first->event_id, kApprove);
    REQUIRE(sim.wait_for([&] { return refusal_recorded(*world.observer, "D-1 changed since that card"); }, 15s));
    const std::string press = world.audience_room("press-office");
    CHECK(world.publishes_of(press, "D-1") == 0);

    // On revision 2's card: pat's approval waits for alice's, whose publishes the new text once.
    sim.react(world.id("pat"), main, second->event_id, kApprove);
    REQUIRE(sim.wait_for([&] { return last_edit_contains(world, main, second->event_id, "(pr) approved"); }, 15s));
    CHECK(world.publishes_of(press, "D-1") == 0);
    sim.react(world.id("alice"), main, second->event_id, kApprove);
    REQUIRE(sim.wait_for([&] { return world.publishes_of(press, "D-1") == 1; }, 20s));
    bool new_text = false;
    for (const auto& event : world.bot_messages(press))
        new_text |= event.content.value("body", "").find("Second statement") != std::string::npos;
    CHECK(new_text);
}

TEST_CASE("Matrix: a user of a server the playbook does not list cannot declare", "[matrix_bot][approval]") {
    MatrixWorld world;
    // Everyone on the simulator is on "localhost", which this playbook does not list.
    world.playbook.matrix_servers = {"example.org"};
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"),
               Catch::Contains("cannot declare, lead or approve"));
    auto tx = world.observer->begin();
    CHECK(tx->incidents(false).empty());
}

}  // namespace warroom::test

namespace warroom::test {

TEST_CASE("Matrix card references are kept per revision, and those of earlier versions read as revision 1",
          "[matrix][approval]") {
    auto store = SqliteStore::open(":memory:");
    {
        auto tx = store->begin();   // as an earlier version wrote them
        tx->set_platform_ref("matrix.card_of", "D-3", "$old !room");
        tx->set_platform_ref("matrix.card_event", "$old", "D-3");
        tx->commit();
    }
    PlatformRecords records(*store);
    matrix::MatrixRefs refs(records);
    const auto old = refs.card("$old");
    REQUIRE(old);
    CHECK(std::get<DraftId>(old->subject) == DraftId(3));
    CHECK(old->revision == 1);
    CHECK(refs.card_event(DraftRevision{DraftId(3), 1}) == "$old");
    CHECK_FALSE(refs.card_event(DraftRevision{DraftId(3), 2}));

    refs.remember_card(DraftRevision{DraftId(3), 2}, "!room", "$new");
    CHECK(refs.card("$new")->revision == 2);
    CHECK(refs.card_event(DraftRevision{DraftId(3), 2}) == "$new");
    CHECK(refs.card_event(DraftRevision{DraftId(3), 1}) == "$old");
    CHECK(refs.card_room("$new") == "!room");
    CHECK(refs.card("$old")->revision == 1);
}

}  // namespace warroom::test
