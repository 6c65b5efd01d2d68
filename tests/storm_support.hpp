#pragma once
// What the Slack and Matrix fault storms share: the seed, one round's tally
// with the end checks that do not depend on the platform, and the summary
// line a storm prints.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bot_world.hpp"
#include "captured_log.hpp"

namespace warroom::test {

// WARROOM_STORM_SEED replays a storm; otherwise a fresh one.
inline std::uint32_t storm_seed() {
    if (const char* chosen = std::getenv("WARROOM_STORM_SEED")) return static_cast<std::uint32_t>(std::stoul(chosen));
    return std::random_device{}();
}

// The end of the bot's log, for a command that got no answer.
inline std::string log_tail(const CapturedLog& log) {
    const std::string text = log.text();
    return text.substr(text.size() > 8000 ? text.size() - 8000 : 0);
}

// A number in [low, high], drawn from the storm's seeded generator.
inline std::size_t pick(std::mt19937& random, std::size_t low, std::size_t high) {
    return std::uniform_int_distribution<std::size_t>(low, high)(random);
}

// The kinds of fault, dealt in shuffled decks: each kind once per deck, so
// every round of a storm sees all of them.
template <class Kind>
class FaultDeck {
public:
    // Every kind named in `names` (kind -> its name in the summary line).
    FaultDeck(const std::map<Kind, std::string>& names, std::mt19937& random) : random_(random) {
        for (const auto& [kind, name] : names) kinds_.push_back(kind);
    }

    Kind next() {
        if (deck_.empty()) {
            deck_ = kinds_;
            std::shuffle(deck_.begin(), deck_.end(), random_);
        }
        const Kind kind = deck_.back();
        deck_.pop_back();
        return kind;
    }

private:
    std::vector<Kind> kinds_;
    std::vector<Kind> deck_;
    std::mt19937& random_;
};

struct RoundResult {
    std::size_t published = 0;
    std::size_t duplicates = 0;
    std::size_t lost = 0;
    std::map<std::string, std::size_t> happened;   // fault kind -> how many times it fired

    // Something that should be there `expected` times is there `actual` times.
    void count(std::size_t actual, std::size_t expected) {
        CHECK(actual == expected);
        if (actual > expected) duplicates += actual - expected;
        if (actual < expected) lost += expected - actual;
    }

    void add(const RoundResult& round) {
        published += round.published;
        duplicates += round.duplicates;
        lost += round.lost;
        for (const auto& [kind, times] : round.happened) happened[kind] += times;
    }
};

// Every command applied once, whatever the platform: one incident, one draft
// per draft command, each note ("clue N") once and in order; the database intact.
template <class World>
void check_applied_once(const World& world, std::size_t drafts_typed, RoundResult& result) {
    auto tx = world.observer->begin();
    CHECK(tx->incidents(false).size() == 1);
    result.count(tx->drafts(IncidentId{1}).size(), drafts_typed);
    std::vector<std::string> clues;
    for (const TimelineEntry& entry : tx->timeline(IncidentId{1}))
        if (entry.text.find("clue ") != std::string::npos) clues.push_back(entry.text);
    result.count(clues.size(), drafts_typed);
    for (std::size_t n = 0; n < clues.size() && n < drafts_typed; ++n)
        CHECK_THAT(clues[n], Catch::Contains("clue " + std::to_string(n + 1)));
    CHECK(query(world.database.path, "PRAGMA integrity_check") == std::vector<std::vector<std::string>>{{"ok"}});
}

// Runs `rounds` rounds of a storm on `platform`, each `run_round(round,
// random)` on a fresh world, with one seeded generator (WARROOM_STORM_SEED
// replays it). Prints `storm PLATFORM: seed=S faults=F (by kind ...)
// published=P duplicates=D lost=L` and checks the storm: nothing lost or
// doubled, and every kind of fault in `required` really happened (a switch
// that never fired proves nothing). Kinds in `not_faults` are reported but
// not counted as faults. Returns the tally for further checks.
template <class RunRound>
RoundResult run_storm(const std::string& platform, int rounds, std::size_t published_expected,
                      const std::vector<std::string>& required, const std::vector<std::string>& not_faults,
                      RunRound run_round) {
    const std::uint32_t seed = storm_seed();
    WARN(platform << " storm seed=" << seed << " (replay with WARROOM_STORM_SEED=" << seed << ")");
    std::mt19937 random(seed);
    RoundResult storm;
    for (int round = 1; round <= rounds; ++round) {
        INFO("round " << round);
        storm.add(run_round(round, random));
    }

    std::size_t faults = 0;
    std::ostringstream by_kind;
    for (const auto& [kind, times] : storm.happened) {
        if (std::find(not_faults.begin(), not_faults.end(), kind) == not_faults.end()) faults += times;
        by_kind << ' ' << kind << '=' << times;
    }
    // One line on stdout, as the crash harness prints its figures (test.sh shows both).
    std::cout << "storm " << platform << ": seed=" << seed << " faults=" << faults << " (by kind" << by_kind.str()
              << ") published=" << storm.published << " duplicates=" << storm.duplicates << " lost=" << storm.lost
              << std::endl;
    CHECK(storm.duplicates == 0);
    CHECK(storm.lost == 0);
    CHECK(storm.published == published_expected);
    for (const std::string& kind : required) {
        INFO("fault kind " << kind);
        const auto fired = storm.happened.find(kind);
        CHECK((fired != storm.happened.end() && fired->second > 0));
    }
    return storm;
}

}  // namespace warroom::test
