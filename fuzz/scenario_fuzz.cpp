// Fuzzes the scenario checker: parse_scenario on any text, alone and against
// the bundled playbook (which adds one rule: audiences must be its own).
//
// Properties: nothing throws or crashes; a scenario comes back exactly when
// there are no problems, with at least one inject, injects in order of their
// offsets, all within kLongestExercise; the playbook only ever adds problems,
// so what loads against it also loads alone.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bot/playbook.hpp"
#include "bot/scenario.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using warroom::fuzz::require;

void check_load(const ScenarioLoad& load, std::string_view text) {
    require(load.scenario.has_value() == load.problems.empty(), "a scenario is loaded exactly when it has no problem",
            text);
    for (const auto& problem : load.problems) {
        require(!problem.message.empty(), "a problem says what is wrong", text);
        require(problem.path.empty() || problem.path.front() == '/', "a problem is located by a JSON pointer", text);
    }
    if (!load.scenario) return;
    const auto& injects = load.scenario->injects;
    require(!injects.empty(), "a scenario has an inject", text);
    for (std::size_t i = 0; i < injects.size(); ++i) {
        require(injects[i].at >= Duration{0} && injects[i].at <= kLongestExercise, "injects come within the exercise",
                text);
        require(i == 0 || injects[i - 1].at <= injects[i].at, "injects are in order of their offsets", text);
    }
    for (const auto& expected : load.scenario->expected)
        require(!expected.match.empty() ? takes_match(expected.kind) : true, "only kinds that take a match have one",
                text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Playbook playbook = bundled_playbook();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ScenarioLoad alone = parse_scenario(text);
    check_load(alone, text);
    const ScenarioLoad with_playbook = parse_scenario(text, &playbook);
    check_load(with_playbook, text);
    require(!with_playbook.scenario || alone.scenario, "what loads against the playbook also loads alone", text);
    return 0;
}
