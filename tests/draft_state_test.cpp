// The draft approval state machine, table-driven over every
// state × action.
#include <catch2/catch.hpp>

#include <map>
#include <utility>

#include "bot/draft.hpp"

using namespace warroom;

namespace {

const DraftState kStates[] = {DraftState::pending,           DraftState::approved, DraftState::published,
                              DraftState::changes_requested, DraftState::rejected, DraftState::withdrawn};
const DraftAction kActions[] = {DraftAction::approve, DraftAction::request_changes, DraftAction::reject,
                                DraftAction::revise,  DraftAction::withdraw,        DraftAction::publish};

// Every legal transition; everything not listed is illegal.
//   pending --approve--> approved --(published once)--> published
//   pending --changes--> changes_requested --revise--> pending
//   pending --reject--> rejected          pending --withdraw (author)--> withdrawn
// and the author may also withdraw a draft that was sent back for changes.
const std::map<std::pair<DraftState, DraftAction>, DraftState> kLegal{
    {{DraftState::pending, DraftAction::approve}, DraftState::approved},
    {{DraftState::pending, DraftAction::request_changes}, DraftState::changes_requested},
    {{DraftState::pending, DraftAction::reject}, DraftState::rejected},
    {{DraftState::pending, DraftAction::withdraw}, DraftState::withdrawn},
    {{DraftState::changes_requested, DraftAction::revise}, DraftState::pending},
    {{DraftState::changes_requested, DraftAction::withdraw}, DraftState::withdrawn},
    {{DraftState::approved, DraftAction::publish}, DraftState::published},
};

}  // namespace

TEST_CASE("every legal draft transition reaches the state the approval rules name", "[draft]") {
    for (const auto& [from_action, to] : kLegal) {
        const auto [from, action] = from_action;
        INFO(to_string(from) << " --" << to_string(action) << "-->");
        auto next = next_state(from, action);
        REQUIRE(std::holds_alternative<DraftState>(next));
        CHECK(std::get<DraftState>(next) == to);
    }
}

TEST_CASE("every other state x action is illegal and says why in words", "[draft]") {
    int illegal = 0;
    for (DraftState from : kStates) {
        for (DraftAction action : kActions) {
            if (kLegal.count({from, action})) continue;
            ++illegal;
            INFO(to_string(from) << " --" << to_string(action) << "--> must be illegal");
            auto next = next_state(from, action);
            REQUIRE(std::holds_alternative<IllegalTransition>(next));
            const std::string& message = std::get<IllegalTransition>(next).message;
            CHECK_FALSE(message.empty());
            // Names what was attempted ...
            CHECK(message.find("cannot " + to_string(action)) == 0);
            // ... and a reason beyond the bare verb.
            CHECK(message.size() > ("cannot " + to_string(action) + " it: ").size() + 5);
        }
    }
    CHECK(illegal == 36 - static_cast<int>(kLegal.size()));
}

TEST_CASE("illegal transitions explain the state the draft is in", "[draft]") {
    auto message = [](DraftState from, DraftAction action) {
        return std::get<IllegalTransition>(next_state(from, action)).message;
    };
    CHECK_THAT(message(DraftState::approved, DraftAction::approve), Catch::Contains("already approved"));
    CHECK_THAT(message(DraftState::published, DraftAction::approve), Catch::Contains("already published"));
    CHECK_THAT(message(DraftState::published, DraftAction::publish), Catch::Contains("already published"));
    CHECK_THAT(message(DraftState::rejected, DraftAction::approve), Catch::Contains("rejected"));
    CHECK_THAT(message(DraftState::withdrawn, DraftAction::approve), Catch::Contains("withdrew"));
    CHECK_THAT(message(DraftState::changes_requested, DraftAction::approve), Catch::Contains("revise"));
    // Revising a pending draft points the author at what to do instead.
    CHECK_THAT(message(DraftState::pending, DraftAction::revise), Catch::Contains("withdraw"));
    // A draft never publishes before it is approved.
    CHECK_THAT(message(DraftState::pending, DraftAction::publish), Catch::Contains("cannot publish"));
}

TEST_CASE("a draft is published at most once along any path", "[draft]") {
    // Walk: pending -> changes_requested -> pending -> approved -> published; then nothing moves it.
    DraftState state = DraftState::pending;
    for (DraftAction action : {DraftAction::request_changes, DraftAction::revise, DraftAction::approve,
                               DraftAction::publish}) {
        auto next = next_state(state, action);
        REQUIRE(std::holds_alternative<DraftState>(next));
        state = std::get<DraftState>(next);
    }
    CHECK(state == DraftState::published);
    for (DraftAction action : kActions) CHECK(std::holds_alternative<IllegalTransition>(next_state(state, action)));
    // Terminal states stay terminal.
    for (DraftState terminal : {DraftState::rejected, DraftState::withdrawn})
        for (DraftAction action : kActions)
            CHECK(std::holds_alternative<IllegalTransition>(next_state(terminal, action)));
}

TEST_CASE("draft states round-trip through their names", "[draft]") {
    for (DraftState state : kStates) {
        auto parsed = parse_draft_state(to_string(state));
        REQUIRE(parsed);
        CHECK(*parsed == state);
    }
    CHECK(to_string(DraftState::changes_requested) == "changes_requested");
    CHECK_FALSE(parse_draft_state("Pending"));
    CHECK_FALSE(parse_draft_state(""));
    CHECK_FALSE(parse_draft_state("approve"));
}
