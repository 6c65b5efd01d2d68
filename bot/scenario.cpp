#include "bot/scenario.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "bot/interval.hpp"
#include "bot/json_check.hpp"
#include "bot/text.hpp"

namespace warroom {
namespace {

using Json = OrderedJson;

// kMaxTitleBytes (bot/limits.hpp) bounds the scenario's title, as for a declared incident's.
constexpr std::size_t kMaxFromBytes = 80;
constexpr std::size_t kMaxNameLength = kMaxWorkstreamNameLength;   // workstream names, as the playbook allows them

constexpr std::array<std::pair<ExpectedKind, std::string_view>, 9> kKindNames{{
    {ExpectedKind::workstream, "workstream"},
    {ExpectedKind::draft, "draft"},
    {ExpectedKind::approval, "approval"},
    {ExpectedKind::publication, "publication"},
    {ExpectedKind::escalation, "escalation"},
    {ExpectedKind::decision, "decision"},
    {ExpectedKind::update, "update"},
    {ExpectedKind::status, "status"},
    {ExpectedKind::lead, "lead"},
}};

// Walks the document collecting every problem; the scenario is only handed
// out when there were none.
class ScenarioChecker : JsonChecker {
public:
    ScenarioChecker(std::vector<ScenarioProblem>& problems, const Playbook* playbook)
        : JsonChecker(problems), playbook_(playbook) {}

    std::optional<Scenario> check(const Json& root) {
        if (!root.is_object()) {
            problem("", "a scenario must be a JSON object ({\"title\": ..., \"severity\": ..., \"description\": ..., "
                        "\"injects\": [...]}), not " + describe_type(root));
            return std::nullopt;
        }
        for (const auto& [key, value] : root.items()) {
            const std::string path = child("", key);
            if (key == "title") {
                if (auto text = text_field(path, value, "the title", kMaxTitleBytes)) {
                    if (auto issue = check_title(*text); !issue.empty()) problem(path, issue);
                    else scenario_.title = *text;
                }
            } else if (key == "severity") {
                check_severity(path, value);
            } else if (key == "description") {
                if (auto text = text_field(path, value, "the description", kMaxTextBytes))
                    scenario_.description = *text;
            } else if (key == "injects") {
                check_injects(path, value);
            } else if (key == "expected") {
                check_expected(path, value);
            } else {
                unknown_key(path, key, kTopLevelKeys);
            }
        }
        require(root, "", "title", "\"title\": \"Compromised build dependency\"");
        require(root, "", "severity", "\"severity\": \"sev1\"");
        require(root, "", "description", "\"description\": \"what the team will practise\"");
        require(root, "", "injects", "\"injects\": [{\"at\": \"0s\", \"from\": \"SOC analyst\", \"text\": \"...\"}]");
        if (!problems_.empty()) return std::nullopt;
        // Offsets, not file order, decide when an inject is posted.
        std::stable_sort(scenario_.injects.begin(), scenario_.injects.end(),
                         [](const Inject& a, const Inject& b) { return a.at < b.at; });
        return scenario_;
    }

private:
    static inline const std::vector<std::string> kTopLevelKeys = {"title", "severity", "description", "injects",
                                                                  "expected"};
    static inline const std::vector<std::string> kInjectKeys = {"at", "from", "text"};
    static inline const std::vector<std::string> kExpectedKeys = {"description", "kind", "match", "within"};

    // Text people will read in the exercise's channels.
    std::optional<std::string> text_field(const std::string& path, const Json& value, std::string_view what,
                                          std::size_t max_bytes) {
        auto text = expect_string(path, value, "\"...\"");
        if (!text) return std::nullopt;
        if (auto issue = check_user_text(*text, what, max_bytes, "Shorten it in the scenario file"); !issue.empty()) {
            problem(path, issue);
            return std::nullopt;
        }
        return text;
    }

    // An offset or a time limit within the exercise.
    std::optional<Duration> interval_field(const std::string& path, const Json& value, Duration min) {
        return expect_interval(path, value, min, kLongestExercise, "an interval such as \"10m\" or \"1h30m\"");
    }

    void check_severity(const std::string& path, const Json& value) {
        auto text = expect_string(path, value, "\"sev1\"");
        if (!text) return;
        auto severity = parse_severity(*text);
        if (!severity)
            problem(path, in_quotes(*text) + " is not a severity: use sev1, sev2, sev3 or sev4 (sev1 is the most severe)");
        else if (*text != to_string(*severity))
            problem(path, in_quotes(*text) + " must be written in lowercase: " + in_quotes(to_string(*severity)));
        else
            scenario_.severity = *severity;
    }

    void check_injects(const std::string& path, const Json& value) {
        constexpr std::string_view example = "[{\"at\": \"0s\", \"from\": \"SOC analyst\", \"text\": \"...\"}]";
        if (!value.is_array()) {
            problem(path, "must be an array of injects, not " + describe_type(value) + ": write " + std::string(example));
            return;
        }
        if (value.empty()) {
            problem(path, "a scenario needs at least one inject: write " + std::string(example));
            return;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string inject_path = child(path, i);
            const Json& fields = value[i];
            if (!expect_object(inject_path, fields, "{\"at\": \"10m\", \"from\": \"SOC analyst\", \"text\": \"...\"}"))
                continue;
            Inject inject;
            for (const auto& [key, field] : fields.items()) {
                const std::string field_path = child(inject_path, key);
                if (key == "at") {
                    if (auto at = interval_field(field_path, field, Duration{0})) inject.at = *at;
                } else if (key == "from") {
                    if (auto from = text_field(field_path, field, "\"from\"", kMaxFromBytes)) inject.from = *from;
                } else if (key == "text") {
                    if (auto text = text_field(field_path, field, "the inject's text", kMaxTextBytes))
                        inject.text = *text;
                } else {
                    unknown_key(field_path, key, kInjectKeys);
                }
            }
            require(fields, inject_path, "at", "\"at\": \"10m\" (from the start of the exercise; \"0s\" for at once)");
            require(fields, inject_path, "text", "\"text\": \"what the team is told\"");
            scenario_.injects.push_back(std::move(inject));
        }
    }

    void check_expected(const std::string& path, const Json& value) {
        if (!value.is_array()) {
            problem(path, "must be an array of expected actions, not " + describe_type(value) +
                              ": write [{\"description\": \"...\", \"kind\": \"approval\", \"match\": \"exec\", "
                              "\"within\": \"30m\"}]");
            return;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string action_path = child(path, i);
            const Json& fields = value[i];
            if (!expect_object(action_path, fields,
                               "{\"description\": \"...\", \"kind\": \"approval\", \"match\": \"exec\"}"))
                continue;
            ExpectedAction action;
            std::optional<ExpectedKind> kind;
            if (fields.contains("kind")) kind = check_kind(child(action_path, "kind"), fields["kind"]);
            for (const auto& [key, field] : fields.items()) {
                const std::string field_path = child(action_path, key);
                if (key == "description") {
                    if (auto text = text_field(field_path, field, "the description", kMaxTitleBytes))
                        action.description = *text;
                } else if (key == "kind") {
                    if (kind) action.kind = *kind;   // checked above: the match depends on it
                } else if (key == "match") {
                    if (auto match = expect_string(field_path, field, "\"exec\"");
                        match && kind && check_match(field_path, *kind, *match))
                        action.match = *match;
                } else if (key == "within") {
                    action.within = interval_field(field_path, field, std::chrono::seconds(1));
                } else {
                    unknown_key(field_path, key, kExpectedKeys);
                }
            }
            require(fields, action_path, "description", "\"description\": \"what the team should do\"");
            require(fields, action_path, "kind", "\"kind\": one of " + kind_names());
            scenario_.expected.push_back(std::move(action));
        }
    }

    static std::string kind_names() {
        std::string names;
        for (const auto& [kind, name] : kKindNames) names += (names.empty() ? "" : ", ") + in_quotes(name);
        return names;
    }

    std::optional<ExpectedKind> check_kind(const std::string& path, const Json& value) {
        auto text = expect_string(path, value, "\"approval\"");
        if (!text) return std::nullopt;
        auto kind = parse_expected_kind(*text);
        if (!kind) problem(path, in_quotes(*text) + " is not a kind of action warroom can check: use one of " + kind_names());
        return kind;
    }

    bool check_match(const std::string& path, ExpectedKind kind, const std::string& match) {
        switch (kind) {
            case ExpectedKind::workstream: {
                const bool plain = !match.empty() && match.size() <= kMaxNameLength &&
                                   std::all_of(match.begin(), match.end(), [](char c) {
                                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                                   });
                if (!plain)
                    problem(path, in_quotes(match) + " is not a workstream name: use lowercase letters, digits and "
                                                     "'-', as typed in /incident workstream NAME");
                return plain;
            }
            case ExpectedKind::draft:
            case ExpectedKind::approval:
            case ExpectedKind::publication:
                if (match.empty()) {
                    problem(path, "name an audience, e.g. \"exec\", or leave \"match\" out to count any");
                    return false;
                }
                if (playbook_ && !playbook_->audience(match)) {
                    problem(path, in_quotes(match) + " is not an audience of the playbook: use one of " +
                                      playbook_->audience_names());
                    return false;
                }
                return true;
            case ExpectedKind::status:
                if (!parse_status(match) || ascii_lower(match) != match) {
                    problem(path, in_quotes(match) + " is not a status: use investigating, mitigating, mitigated or "
                                                     "resolved");
                    return false;
                }
                return true;
            default:
                problem(path, "a " + in_quotes(to_string(kind)) + " action takes no \"match\": remove it (it is "
                              "used by workstream, draft, approval, publication and status)");
                return false;
        }
    }

    const Playbook* playbook_;
    Scenario scenario_;
};

std::optional<std::string> read_text_file(const std::string& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {   // e.g. a directory: opening succeeds, reading fails
        error = "it could not be read";
        return std::nullopt;
    }
    return text.str();
}

}  // namespace

std::string to_string(ExpectedKind kind) {
    for (const auto& [k, name] : kKindNames)
        if (k == kind) return std::string(name);
    return "update";
}

std::optional<ExpectedKind> parse_expected_kind(std::string_view text) {
    for (const auto& [kind, name] : kKindNames)
        if (name == text) return kind;
    return std::nullopt;
}

bool takes_match(ExpectedKind kind) {
    switch (kind) {
        case ExpectedKind::workstream:
        case ExpectedKind::draft:
        case ExpectedKind::approval:
        case ExpectedKind::publication:
        case ExpectedKind::status: return true;
        default: return false;
    }
}

ScenarioLoad parse_scenario(std::string_view json_text, const Playbook* playbook) {
    ScenarioLoad load;
    const auto root = parse_checked(json_text, "the scenario", load.problems);
    if (!root) return load;
    load.scenario = ScenarioChecker(load.problems, playbook).check(*root);
    if (!load.problems.empty()) load.scenario.reset();
    return load;
}

ScenarioLoad read_scenario(const Playbook& playbook, const ScenarioFile& file) {
    if (file.path.empty()) {
        if (auto built_in = bundled_scenario_json(file.file)) return parse_scenario(*built_in, &playbook);
        return {std::nullopt, {{"", "no scenario file " + in_quotes(file.file) +
                                        " is built into warroom; run it with --playbook naming a playbook file "
                                        "beside the scenario"}}};
    }
    std::string error;
    auto text = read_text_file(file.path, error);
    if (!text) return {std::nullopt, {{"", "cannot read " + file.path + ": " + error}}};
    return parse_scenario(*text, &playbook);
}

std::vector<PlaybookProblem> check_scenarios(const Playbook& playbook) {
    std::vector<PlaybookProblem> problems;
    for (const auto& [name, file] : playbook.scenarios)
        for (const ScenarioProblem& problem : read_scenario(playbook, file).problems)
            problems.push_back({"/scenarios/" + pointer_token(name), describe(problem, file)});
    return problems;
}

std::string describe(const ScenarioProblem& problem, const ScenarioFile& file) {
    const std::string where = problem.path.empty() ? std::string() : problem.path.substr(1) + ": ";
    return where + problem.message + " (in " + file.file + ")";
}

}  // namespace warroom
