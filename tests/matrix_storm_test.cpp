// Fault storms on Matrix: the homeserver's fault switches fired at random
// moments (seeded: WARROOM_STORM_SEED replays a run) while an incident with
// notes, drafts and approvals runs, in several rounds each with a fresh world.
// The end checks are the crash test's: every approved draft published exactly
// once, every command applied once and answered once, none lost, and the
// database intact.
#include "matrix_support.hpp"

#include <map>
#include <random>

#include "storm_support.hpp"

namespace warroom::test {
namespace {

using nlohmann::json;

constexpr int kRounds = 3;
constexpr int kDraftsPerRound = 3;
constexpr auto kPatience = 60s;   // for one command through a storm: backoffs, retry_after, long-polls

enum class Fault { rate_limit_ms, rate_limit_header, server_error, slow, truncate_answer, handshake };

const std::map<Fault, std::string> kFaultNames = {
    {Fault::rate_limit_ms, "429-retry_after_ms"}, {Fault::rate_limit_header, "429-Retry-After"},
    {Fault::server_error, "5xx"},                 {Fault::slow, "slow"},
    {Fault::truncate_answer, "cut-answer"},       {Fault::handshake, "tls-handshake"}};

// The endpoints a running incident uses most, /sync and sends above all, so a switch set on one soon fires.
const std::vector<std::string> kBusyEndpoints = {"sync", "sync", "send", "send", "send", "state_put", "invite"};

// Fires faults at the homeserver, dealt from a FaultDeck.
class MatrixStorm {
public:
    MatrixStorm(matrix_sim::MatrixSimulator& sim, std::mt19937& random) : sim_(sim), random_(random), deck_(kFaultNames, random) {}

    // Waits until the homeserver has answered 0..5 more requests (or a moment passes), then fires the next fault.
    void strike() {
        const std::size_t at = sim_.requests().size() + pick(0, 5);
        sim_.wait_for([&] { return sim_.requests().size() >= at; }, 1500ms);
        const Fault kind = deck_.next();
        fire(kind);
    }

private:
    std::size_t pick(std::size_t low, std::size_t high) { return test::pick(random_, low, high); }

    const std::string& busy_endpoint() { return kBusyEndpoints[pick(0, kBusyEndpoints.size() - 1)]; }

    void fire(Fault kind) {
        switch (kind) {
            case Fault::rate_limit_ms:
                sim_.rate_limit(busy_endpoint(), static_cast<int>(pick(1, 3)), std::chrono::milliseconds(pick(100, 800)));
                break;
            case Fault::rate_limit_header:
                sim_.rate_limit(busy_endpoint(), static_cast<int>(pick(1, 2)), std::chrono::milliseconds(pick(100, 800)),
                                /*retry_after_header=*/true);
                break;
            case Fault::server_error: {
                static const unsigned statuses[] = {500, 502, 503, 504};
                // Sends and syncs, as a proxy in front of the homeserver fails.
                const std::string endpoint = pick(0, 1) == 0 ? "sync" : "send";
                sim_.fail(endpoint, static_cast<int>(pick(1, 2)), statuses[pick(0, 3)]);
                break;
            }
            case Fault::slow: {
                const std::string endpoint = pick(0, 1) == 0 ? "sync" : "send";
                sim_.slow(endpoint, static_cast<int>(pick(1, 2)), std::chrono::milliseconds(pick(200, 1500)));
                break;
            }
            case Fault::truncate_answer: {
                // Creating a room too, when it comes early enough: a lost answer there must not make two.
                const std::string endpoint = pick(0, 5) == 0 ? "createRoom" : busy_endpoint();
                sim_.truncate(endpoint, 1);
                break;
            }
            case Fault::handshake:
                // Only a new connection handshakes: the cut /sync makes the bot open one.
                sim_.fail_handshakes(static_cast<int>(pick(1, 2)));
                sim_.truncate("sync", 1);
                break;
        }
    }

    matrix_sim::MatrixSimulator& sim_;
    std::mt19937& random_;
    FaultDeck<Fault> deck_;
};

// What the homeserver saw happen, by kind.
std::map<std::string, std::size_t> faults_happened(const matrix_sim::MatrixSimulator& sim) {
    std::map<std::string, std::size_t> happened;
    for (const auto& request : sim.requests()) {
        if (request.status == 429) ++happened["429"];
        if (request.status >= 500) ++happened["5xx"];
    }
    happened["slow"] = sim.answers_held();
    happened["cut-answer"] = sim.answers_cut();
    happened["tls-handshake"] = sim.handshakes_failed();
    return happened;
}

RoundResult run_storm_round(int round, std::mt19937& random, const CapturedLog& log) {
    MatrixWorld world;
    auto& sim = world.sim;
    world.start();
    MatrixStorm storm(sim, random);

    std::vector<std::string> commands;   // event id and room of every command typed
    std::vector<std::string> command_rooms;
    const auto type = [&](const std::string& user, const std::string& room, const std::string& text) {
        commands.push_back(sim.send_text(world.id(user), room, "!incident " + text));
        command_rooms.push_back(room);
        storm.strike();
        const std::string& event = commands.back();
        if (!sim.wait_for([&] { return world.reply_to(room, event).has_value(); }, kPatience))
            FAIL("no answer to \"" << text << "\"; the bot's log ends:\n" << log_tail(log));
    };
    const auto in_store = [&](const std::function<bool(Transaction&)>& check) {
        return sim.wait_for([&] {
            auto tx = world.observer->begin();
            return check(*tx);
        }, kPatience);
    };

    type("alice", world.general, "declare sev3 Storm round " + std::to_string(round));
    const std::string main_name = "inc-1-storm-round-" + std::to_string(round);
    std::optional<matrix_sim::SimRoom> created;
    REQUIRE(sim.wait_for([&] { return (created = sim.room_by_alias(world.alias(main_name))).has_value(); }, kPatience));
    const std::string main = created->room_id;
    REQUIRE(sim.wait_for([&] {
        const auto now = sim.room(main);
        return now->invited.count(world.id("alice")) == 1 || now->joined.count(world.id("alice")) == 1;
    }, kPatience));
    if (sim.room(main)->joined.count(world.id("alice")) == 0) sim.join(main, world.id("alice"));

    for (int n = 1; n <= kDraftsPerRound; ++n) {
        const DraftId draft{n};
        type("alice", main, "note clue " + std::to_string(n));
        type("alice", main, "draft exec Storm round " + std::to_string(round) + " update " + std::to_string(n));
        type("alice", main, "approve " + to_string(draft));
    }
    // The storm passes; everything approved goes out.
    const bool settled = in_store([&](Transaction& tx) {
        for (int n = 1; n <= kDraftsPerRound; ++n) {
            const auto draft = tx.draft(DraftId{n});
            if (!draft || draft->state != DraftState::published) return false;
        }
        return tx.pending_jobs(1).empty();
    });
    world.stop();
    CHECK(world.exit_code == 0);
    CHECK(settled);

    RoundResult result;
    result.happened = faults_happened(sim);
    // Every approved draft published exactly once.
    const std::string exec = world.audience_room("exec-briefing");
    for (int n = 1; n <= kDraftsPerRound; ++n) {
        const std::size_t copies = world.publishes_of(exec, to_string(DraftId{n}));
        INFO("round " << round << " draft D-" << n);
        result.count(copies, 1);
        result.published += std::min<std::size_t>(copies, 1);
    }
    // Each draft's approval card posted once (then edited in place).
    for (int n = 1; n <= kDraftsPerRound; ++n) {
        std::size_t cards = 0;
        for (const auto& event : world.bot_messages(main))
            if (event.content.value("org.warroom.card", json::object()).value("draft", "") == to_string(DraftId{n}))
                ++cards;
        INFO("round " << round << " card of D-" << n);
        result.count(cards, 1);
    }
    // Every command applied once: one incident, each note once and in order, one draft per draft command.
    check_applied_once(world, kDraftsPerRound, result);
    // Each command answered exactly once.
    for (std::size_t n = 0; n < commands.size(); ++n) {
        // In the command's room, or in the caller's direct room for an answer only they may see.
        const std::size_t replies = world.answers_to(commands[n]).size();
        INFO("command " << n << " " << commands[n]);
        result.count(replies, 1);
    }
    // No room made twice.
    std::size_t incident_aliases = 0;
    for (const auto& room : sim.rooms())
        for (const auto& alias : room.aliases)
            if (alias.rfind("#inc-", 0) == 0) ++incident_aliases;
    CHECK(incident_aliases == 2);   // sev3: the main room and engineering
    return result;
}

TEST_CASE("matrix: fault storms of 429s, 5xx from sync and sends, slow and cut answers and failed handshakes leave "
          "every command applied once and every approved draft published once",
          "[storm][matrix_bot]") {
    CapturedLog log;   // the storm makes the bot log a lot; keep it out of the test output
    run_storm("matrix", kRounds, kRounds * kDraftsPerRound, {"429", "5xx", "slow", "cut-answer", "tls-handshake"},
              {}, [&](int round, std::mt19937& random) { return run_storm_round(round, random, log); });
}

}  // namespace
}  // namespace warroom::test
