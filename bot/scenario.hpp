#pragma once
// A tabletop exercise scenario: the script an admin
// writes as JSON and names in the playbook. Scripted injects are posted at
// their offsets from the start; expected actions are scored at the end
// against what the team actually did, as the record shows it.
//
//   {"title": "...", "severity": "sev1", "description": "...",
//    "injects": [{"at": "10m", "from": "SOC analyst", "text": "..."}],
//    "expected": [{"description": "...", "kind": "approval", "match": "customers", "within": "45m"}]}
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.hpp"
#include "bot/json_problem.hpp"
#include "bot/playbook.hpp"
#include "bot/severity.hpp"

namespace warroom {

struct Inject {
    Duration at{0};                    // from the start of the exercise
    std::string from;                  // who "sends" it ("SOC analyst"); may be empty
    std::string text;
};

// What the record can show the team did. Where a kind takes `match`, it narrows
// the action to one workstream, audience or status.
enum class ExpectedKind {
    workstream,    // a workstream was opened (match: its name)
    draft,         // a person drafted a communication (match: audience)
    approval,      // the Crisis Lead approved one (match: audience)
    publication,   // one was published (match: audience)
    escalation,    // the executives were asked to approve extraordinary action
    decision,      // a decision was recorded
    update,        // a status update was posted
    status,        // the status changed (match: the new status)
    lead,          // a Crisis Lead handover was accepted
};

std::string to_string(ExpectedKind kind);
std::optional<ExpectedKind> parse_expected_kind(std::string_view text);
bool takes_match(ExpectedKind kind);

struct ExpectedAction {
    std::string description;
    ExpectedKind kind = ExpectedKind::update;
    std::string match;                 // empty: any action of the kind counts
    std::optional<Duration> within;    // from the start; unset: any time before the end
};

struct Scenario {
    std::string title;
    Severity severity = Severity::sev3;
    std::string description;
    std::vector<Inject> injects;       // by offset; equal offsets keep the file's order
    std::vector<ExpectedAction> expected;

    Duration length() const { return injects.empty() ? Duration{0} : injects.back().at; }
};

// One problem, located by its JSON pointer inside the scenario file ("/injects/2/at").
using ScenarioProblem = JsonProblem;

struct ScenarioLoad {
    std::optional<Scenario> scenario;  // set only when problems is empty
    std::vector<ScenarioProblem> problems;
};

// Injects may start at 0s and must come within this of the start.
inline constexpr Duration kLongestExercise = std::chrono::hours(24);

// Checks every field strictly, like the playbook checker. With a playbook,
// audiences named in `expected` must be among its audiences.
ScenarioLoad parse_scenario(std::string_view json_text, const Playbook* playbook = nullptr);

// Reads a scenario the playbook names, from its file (or, for the bundled
// playbook, from the copy built into the binary). Read afresh on every call,
// so a fixed file is used without restarting the bot.
ScenarioLoad read_scenario(const Playbook& playbook, const ScenarioFile& file);

// Every scenario the playbook names, read and checked; each problem is
// reported at "/scenarios/NAME" with its place inside the scenario file.
std::vector<PlaybookProblem> check_scenarios(const Playbook& playbook);

// "injects/2/at: ... (in scenarios/x.json)": one problem as one line.
std::string describe(const ScenarioProblem& problem, const ScenarioFile& file);

}  // namespace warroom
