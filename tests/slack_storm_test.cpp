// Fault storms on Slack: the simulator's fault switches fired at random
// moments (seeded: WARROOM_STORM_SEED replays a run) while an incident with
// notes, drafts and approvals runs, in several rounds each with a fresh world.
// The end checks are the crash test's: every approved draft published exactly
// once, every command applied once and answered, none lost, and the database
// intact.
#include "slack_support.hpp"

#include <map>
#include <random>

#include "storm_support.hpp"

namespace warroom::test {
namespace {

constexpr int kRounds = 3;
constexpr int kDraftsPerRound = 3;
constexpr auto kPatience = 60s;   // for one command through a storm: reconnects, backoffs, Retry-After

enum class Fault { drop, disconnect, rate_limit, server_error, slow, truncate_answer, truncate_envelope, handshake };

const std::map<Fault, std::string> kFaultNames = {
    {Fault::drop, "drop"},           {Fault::disconnect, "disconnect"},
    {Fault::rate_limit, "429"},      {Fault::server_error, "5xx"},
    {Fault::slow, "slow"},           {Fault::truncate_answer, "cut-answer"},
    {Fault::truncate_envelope, "cut-envelope"}, {Fault::handshake, "tls-handshake"}};

// The Web API methods a running incident calls most, so a switch set on one soon fires.
const std::vector<std::string> kBusyMethods = {"chat.postMessage", "chat.postMessage", "chat.update",
                                               "conversations.invite", "conversations.history"};

// Fires faults at the simulator, dealt from a FaultDeck.
class SlackStorm {
public:
    SlackStorm(slack_sim::SlackSimulator& sim, std::mt19937& random) : sim_(sim), random_(random), deck_(kFaultNames, random) {}

    // Waits until the bot has made 0..4 more Web API calls (or a moment passes), then fires the next fault.
    void strike() {
        const std::size_t at = sim_.api_calls().size() + pick(0, 4);
        sim_.wait_for([&] { return sim_.api_calls().size() >= at; }, 1500ms);
        const Fault kind = deck_.next();
        fire(kind);
        ++fired_[kind];
    }

    const std::map<Fault, int>& fired() const { return fired_; }

private:
    std::size_t pick(std::size_t low, std::size_t high) { return test::pick(random_, low, high); }

    const std::string& busy_method() { return kBusyMethods[pick(0, kBusyMethods.size() - 1)]; }

    // chat.postMessage, which every later command's effects call, so that the
    // switch surely fires before the storm ends (a method called rarely, such
    // as conversations.history, may never come again), and one more busy method.
    template <class Arm>
    void on_busy_methods(Arm arm) {
        arm("chat.postMessage");
        if (const std::string& also = busy_method(); also != "chat.postMessage") arm(also);
    }

    void fire(Fault kind) {
        switch (kind) {
            case Fault::drop: sim_.drop_sockets(); break;
            case Fault::disconnect: sim_.send_disconnect(); break;
            case Fault::rate_limit:
                on_busy_methods([&](const std::string& method) { sim_.rate_limit(method, static_cast<int>(pick(1, 3)), 1); });
                break;
            case Fault::server_error: {
                static const unsigned statuses[] = {500, 502, 503};
                on_busy_methods([&](const std::string& method) {
                    sim_.fail(method, static_cast<int>(pick(1, 2)), statuses[pick(0, 2)]);
                });
                break;
            }
            case Fault::slow:
                on_busy_methods([&](const std::string& method) {
                    sim_.slow(method, static_cast<int>(pick(1, 2)), std::chrono::milliseconds(pick(200, 1500)));
                });
                break;
            case Fault::truncate_answer: {
                // chat.postMessage every time, which every later command's effects call, so the
                // switch surely fires before the round ends (a method called rarely, such as
                // conversations.history, may never come again); creating a channel or another
                // busy method too, when it comes: a lost answer there must not make two.
                sim_.truncate("chat.postMessage", 1);
                const std::string also = pick(0, 5) == 0 ? "conversations.create" : busy_method();
                if (also != "chat.postMessage") sim_.truncate(also, 1);
                break;
            }
            case Fault::truncate_envelope: sim_.truncate_envelopes(1); break;
            case Fault::handshake:
                // Only a new connection handshakes: the dropped socket's reconnection meets the failures.
                sim_.fail_handshakes(static_cast<int>(pick(1, 2)));
                sim_.drop_sockets();
                break;
        }
    }

    slack_sim::SlackSimulator& sim_;
    std::mt19937& random_;
    FaultDeck<Fault> deck_;
    std::map<Fault, int> fired_;
};

// What the simulator saw happen, by kind.
std::map<std::string, std::size_t> faults_happened(const slack_sim::SlackSimulator& sim) {
    std::map<std::string, std::size_t> happened;
    for (const auto& call : sim.api_calls()) {
        if (call.http_status == 429) ++happened["429"];
        if (call.http_status >= 500) ++happened["5xx"];
    }
    happened["slow"] = sim.answers_held();
    happened["cut-answer"] = sim.answers_cut();
    happened["cut-envelope"] = sim.envelopes_cut();
    happened["tls-handshake"] = sim.handshakes_failed();
    // Drops, refreshes, cut envelopes and handshake rounds all end in a new connection.
    happened["reconnections"] = sim.connections_opened() - 1;
    return happened;
}

std::string draft_text(int round, int n) {
    return "Storm round " + std::to_string(round) + " update number " + std::to_string(n) + " end.";
}

RoundResult run_storm_round(int round, std::mt19937& random, const CapturedLog& log) {
    SlackWorld world;
    auto& sim = world.sim;
    world.start();
    SlackStorm storm(sim, random);

    std::vector<std::string> envelopes;   // every command typed or clicked
    const auto answered = [&](const std::string& envelope) {
        return sim.wait_for([&] { return world.ack_of(envelope).has_value(); }, kPatience);
    };
    const auto type = [&](const std::string& user, const std::string& channel_id, const std::string& text) {
        envelopes.push_back(sim.slash_command(world.id(user), channel_id, text));
        storm.strike();
        if (!answered(envelopes.back())) FAIL("no answer to \"" << text << "\"; the bot's log ends:\n" << log_tail(log));
    };
    const auto in_store = [&](const std::function<bool(Transaction&)>& check) {
        return sim.wait_for([&] {
            auto tx = world.observer->begin();
            return check(*tx);
        }, kPatience);
    };

    const std::string title = "Storm round " + std::to_string(round);
    const std::string main_name = "inc-1-storm-round-" + std::to_string(round);
    type("alice", world.general, "declare sev3 " + title);
    std::optional<slack_sim::SimChannel> main;
    REQUIRE(sim.wait_for([&] {
        main = sim.channel_by_name(main_name);
        return main && main->members.count(world.id("alice")) == 1;
    }, kPatience));

    for (int n = 1; n <= kDraftsPerRound; ++n) {
        type("alice", main->id, "note clue " + std::to_string(n));
        type("alice", main->id, "draft exec " + draft_text(round, n));
        const std::string draft = "D-" + std::to_string(n);
        std::optional<slack_sim::SimMessage> card;
        REQUIRE(sim.wait_for([&] { return (card = world.card_of(main_name, draft)).has_value(); }, kPatience));
        envelopes.push_back(sim.click(world.id("alice"), main->id, card->ts, "warroom.approve"));
        storm.strike();
        if (!answered(envelopes.back())) FAIL("no answer to the approval of " << draft << "; the bot's log ends:\n" << log_tail(log));
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
    // The simulator cannot tell a drop or a refresh from the other reconnections; what was fired is counted.
    for (Fault kind : {Fault::drop, Fault::disconnect})
        if (auto fired = storm.fired().find(kind); fired != storm.fired().end())
            result.happened[kFaultNames.at(kind)] = static_cast<std::size_t>(fired->second);
    // Every approved draft published exactly once.
    const std::string exec = world.channel_named("exec-briefing").id;
    for (int n = 1; n <= kDraftsPerRound; ++n) {
        std::size_t copies = 0;
        for (const auto& message : sim.messages(exec))
            if (!message.ephemeral_to && message.text.find(draft_text(round, n)) != std::string::npos) ++copies;
        INFO("round " << round << " draft D-" << n);
        result.count(copies, 1);
        result.published += std::min<std::size_t>(copies, 1);
    }
    // Each draft's approval card posted once (then edited in place).
    for (int n = 1; n <= kDraftsPerRound; ++n) {
        std::size_t cards = 0;
        for (const auto& message : world.posts_in(main_name))
            // The card shows the draft's text, before and after the decision.
            if (message.blocks.is_array() && message.blocks.dump().find(draft_text(round, n)) != std::string::npos)
                ++cards;
        INFO("round " << round << " card of D-" << n);
        result.count(cards, 1);
    }
    // Every command applied once: one incident, each note once and in order, one draft per draft command.
    check_applied_once(world, kDraftsPerRound, result);
    // Each command acked (answered), and once: a second ack would be a second answer.
    for (const std::string& envelope : envelopes) {
        std::size_t acks = 0;
        for (const auto& ack : sim.acks()) acks += ack.envelope_id == envelope ? 1 : 0;
        INFO("envelope " << envelope);
        result.count(acks, 1);
    }
    // No channel made twice.
    CHECK_FALSE(sim.channel_by_name(main_name + "-2"));
    CHECK_FALSE(sim.channel_by_name("inc-2-storm-round-" + std::to_string(round)));
    CHECK(sim.unacked_envelopes().empty());
    return result;
}

TEST_CASE("slack: fault storms of drops, refreshes, 429s, 5xx, slow and cut answers, cut envelopes and failed "
          "handshakes leave every command applied once and every approved draft published once",
          "[storm][slack_bot]") {
    CapturedLog log;   // the storm makes the bot log a lot; keep it out of the test output
    const RoundResult storm =
        run_storm("slack", kRounds, kRounds * kDraftsPerRound,
                  {"429", "5xx", "slow", "cut-answer", "cut-envelope", "tls-handshake"}, {"reconnections"},
                  [&](int round, std::mt19937& random) { return run_storm_round(round, random, log); });
    CHECK(storm.happened.at("reconnections") >= static_cast<std::size_t>(kRounds));
}

}  // namespace
}  // namespace warroom::test
