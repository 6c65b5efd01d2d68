// Scenario files for tabletop exercises: the parser is
// strict and locates every problem by JSON pointer; the playbook names
// scenarios by file and check-playbook reports their problems.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bot/scenario.hpp"
#include "console_support.hpp"

using namespace warroom;
using Catch::Contains;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

namespace {

using std::chrono::hours;
using std::chrono::minutes;

// A small valid scenario; each test breaks one part of it.
Json minimal_scenario() {
    return Json::parse(R"({
      "title": "Leaked deploy key",
      "severity": "sev2",
      "description": "A deploy key was pushed to a public repository.",
      "injects": [
        {"at": "0s", "from": "GitHub secret scanning", "text": "A deploy key was found in a public fork."},
        {"at": "15m", "text": "The key still works against production."}
      ],
      "expected": [
        {"description": "Tell the executives", "kind": "approval", "match": "exec", "within": "30m"},
        {"description": "Hand over the lead", "kind": "lead"}
      ]
    })");
}

ScenarioLoad parse(const Json& document, const Playbook* playbook = nullptr) {
    return parse_scenario(document.dump(2), playbook);
}

std::string describe_all(const ScenarioLoad& load) {
    std::string out;
    for (const auto& problem : load.problems) out += "  " + problem.path + ": " + problem.message + "\n";
    return out;
}

// Exactly one problem, at `path`, whose message contains every fragment.
void require_single_problem(const ScenarioLoad& load, const std::string& path,
                            std::initializer_list<std::string_view> fragments) {
    INFO("problems:\n" << describe_all(load));
    CHECK_FALSE(load.scenario);
    REQUIRE(load.problems.size() == 1);
    CHECK(load.problems[0].path == path);
    for (auto fragment : fragments) CHECK_THAT(load.problems[0].message, Contains(std::string(fragment)));
}

// A folder with a copy of the bundled playbook and its scenario, removed at the end.
struct PlaybookFolder {
    fs::path root = fs::temp_directory_path() / ("warroom-scenarios-" + std::to_string(std::random_device{}()));
    PlaybookFolder() {
        fs::create_directories(root / "scenarios");
        write("playbook.json", std::string(bundled_playbook_json()));
        write("scenarios/compromised-build-dependency.json",
              test::read_file(fs::path(WARROOM_SOURCE_DIR) / "examples/scenarios/compromised-build-dependency.json"));
    }
    ~PlaybookFolder() { fs::remove_all(root); }
    void write(const std::string& file, const std::string& text) const { std::ofstream(root / file) << text; }
    std::string playbook() const { return (root / "playbook.json").string(); }
};

}  // namespace

TEST_CASE("a valid scenario is read with its injects in time order", "[scenario]") {
    auto document = minimal_scenario();
    // Written out of order: the offsets decide, equal offsets keep the file's order.
    document["injects"].push_back(Json{{"at", "5m"}, {"from", "SOC"}, {"text", "first at 5m"}});
    document["injects"].push_back(Json{{"at", "5m"}, {"text", "second at 5m"}});
    const ScenarioLoad load = parse(document);
    INFO(describe_all(load));
    REQUIRE(load.scenario);
    const Scenario& scenario = *load.scenario;
    CHECK(scenario.title == "Leaked deploy key");
    CHECK(scenario.severity == Severity::sev2);
    CHECK(scenario.description == "A deploy key was pushed to a public repository.");
    REQUIRE(scenario.injects.size() == 4);
    CHECK(scenario.injects[0].at == Duration{0});
    CHECK(scenario.injects[0].from == "GitHub secret scanning");
    CHECK(scenario.injects[1].text == "first at 5m");
    CHECK(scenario.injects[1].at == minutes(5));
    CHECK(scenario.injects[2].text == "second at 5m");
    CHECK(scenario.injects[2].from.empty());
    CHECK(scenario.injects[3].at == minutes(15));
    CHECK(scenario.length() == minutes(15));
    REQUIRE(scenario.expected.size() == 2);
    CHECK(scenario.expected[0].kind == ExpectedKind::approval);
    CHECK(scenario.expected[0].match == "exec");
    CHECK(scenario.expected[0].within == minutes(30));
    CHECK(scenario.expected[1].kind == ExpectedKind::lead);
    CHECK(scenario.expected[1].match.empty());
    CHECK_FALSE(scenario.expected[1].within);

    SECTION("expected actions are optional") {
        document.erase("expected");
        REQUIRE(parse(document).scenario);
        CHECK(parse(document).scenario->expected.empty());
    }
}

TEST_CASE("every expected kind and its match are understood", "[scenario]") {
    const Playbook playbook = bundled_playbook();
    auto document = minimal_scenario();
    document["expected"] = Json::array();
    const std::vector<std::pair<std::string, std::string>> kinds = {
        {"workstream", "forensics"}, {"draft", "regulators"}, {"approval", "customers"}, {"publication", "press"},
        {"escalation", ""},          {"decision", ""},         {"update", ""},          {"status", "mitigated"},
        {"lead", ""}};
    for (const auto& [kind, match] : kinds) {
        Json action{{"description", "do " + kind}, {"kind", kind}};
        if (!match.empty()) action["match"] = match;
        document["expected"].push_back(action);
    }
    const ScenarioLoad load = parse(document, &playbook);
    INFO(describe_all(load));
    REQUIRE(load.scenario);
    REQUIRE(load.scenario->expected.size() == kinds.size());
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        CHECK(to_string(load.scenario->expected[i].kind) == kinds[i].first);
        CHECK(load.scenario->expected[i].match == kinds[i].second);
    }
}

TEST_CASE("each kind of scenario problem is reported at its JSON pointer", "[scenario]") {
    auto document = minimal_scenario();
    const Playbook playbook = bundled_playbook();

    SECTION("not JSON at all") {
        const ScenarioLoad load = parse_scenario("{\"title\": \"x\",", nullptr);
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path.empty());
        CHECK_THAT(load.problems[0].message, Contains("not valid JSON (byte"));
    }
    SECTION("not an object") {
        require_single_problem(parse(Json::array()), "", {"must be a JSON object", "not an array"});
    }
    SECTION("an unknown key, with the one probably meant") {
        document["titel"] = "x";
        require_single_problem(parse(document), "/titel", {"did you mean \"title\"", "allowed keys: description"});
    }
    SECTION("required keys") {
        document.erase("title");
        document.erase("injects");
        const ScenarioLoad load = parse(document);
        INFO(describe_all(load));
        REQUIRE(load.problems.size() == 2);
        CHECK(load.problems[0].path == "/title");
        CHECK_THAT(load.problems[0].message, Contains("required key \"title\" is missing"));
        CHECK(load.problems[1].path == "/injects");
    }
    SECTION("a severity that is not one") {
        document["severity"] = "sev5";
        require_single_problem(parse(document), "/severity", {"\"sev5\" is not a severity", "sev1, sev2, sev3 or sev4"});
    }
    SECTION("a severity in capitals") {
        document["severity"] = "SEV1";
        require_single_problem(parse(document), "/severity", {"lowercase: \"sev1\""});
    }
    SECTION("no injects") {
        document["injects"] = Json::array();
        require_single_problem(parse(document), "/injects", {"at least one inject"});
    }
    SECTION("injects that are not a list") {
        document["injects"] = Json::object();
        require_single_problem(parse(document), "/injects", {"must be an array of injects, not an object"});
    }
    SECTION("an offset with an unknown unit") {
        document["injects"][1]["at"] = "10x";
        require_single_problem(parse(document), "/injects/1/at", {"\"10x\"", "unit"});
    }
    SECTION("a negative offset") {
        document["injects"][1]["at"] = "-5m";
        require_single_problem(parse(document), "/injects/1/at", {"negative"});
    }
    SECTION("an offset beyond a day") {
        document["injects"][1]["at"] = "2d";
        require_single_problem(parse(document), "/injects/1/at", {"too long", "1d"});
    }
    SECTION("an offset that is a number") {
        document["injects"][1]["at"] = 600;
        require_single_problem(parse(document), "/injects/1/at", {"must be a string", "not a number"});
    }
    SECTION("an inject without text") {
        document["injects"][0].erase("text");
        require_single_problem(parse(document), "/injects/0/text", {"required key \"text\" is missing"});
    }
    SECTION("an inject with empty text") {
        document["injects"][0]["text"] = "  ";
        require_single_problem(parse(document), "/injects/0/text", {"is empty"});
    }
    SECTION("an unknown key in an inject") {
        document["injects"][0]["txt"] = "x";
        require_single_problem(parse(document), "/injects/0/txt", {"did you mean \"text\""});
    }
    SECTION("an inject that is not an object") {
        document["injects"][1] = "at 15m the key still works";
        require_single_problem(parse(document), "/injects/1", {"must be an object, not a string"});
    }
    SECTION("a key written twice") {
        const std::string text = R"({"title": "t", "severity": "sev3", "description": "d",
            "injects": [{"at": "0s", "text": "one", "text": "two"}]})";
        const ScenarioLoad load = parse_scenario(text);
        INFO(describe_all(load));
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/injects/0/text");
        CHECK_THAT(load.problems[0].message, Contains("appears twice"));
    }
    SECTION("an expected kind warroom cannot check") {
        document["expected"][1]["kind"] = "tweet";
        require_single_problem(parse(document), "/expected/1/kind", {"\"tweet\" is not a kind", "\"approval\""});
    }
    SECTION("a match on a kind that takes none") {
        document["expected"][1]["match"] = "carol";
        require_single_problem(parse(document), "/expected/1/match", {"takes no \"match\""});
    }
    SECTION("a status match that is not a status") {
        document["expected"][1]["kind"] = "status";
        document["expected"][1]["match"] = "contained";
        require_single_problem(parse(document), "/expected/1/match", {"\"contained\" is not a status"});
    }
    SECTION("an audience the playbook does not have") {
        document["expected"][0]["match"] = "investors";
        require_single_problem(parse(document, &playbook), "/expected/0/match",
                               {"\"investors\" is not an audience of the playbook", "customers, employees, exec"});
    }
    SECTION("a deadline of nothing") {
        document["expected"][0]["within"] = "0s";
        require_single_problem(parse(document), "/expected/0/within", {"too short"});
    }
    SECTION("an expected action without a description") {
        document["expected"][0].erase("description");
        require_single_problem(parse(document), "/expected/0/description", {"required key \"description\""});
    }
}

TEST_CASE("the bundled scenario is a realistic two-hour supply-chain exercise", "[scenario]") {
    const Playbook playbook = bundled_playbook();
    REQUIRE(playbook.scenarios.count("build-dependency") == 1);
    const ScenarioFile& file = playbook.scenarios.at("build-dependency");
    CHECK(file.file == "scenarios/compromised-build-dependency.json");
    CHECK(file.path.empty());   // built into the binary

    // The copy built in is the file on disk.
    const auto built_in = bundled_scenario_json(file.file);
    REQUIRE(built_in);
    CHECK(std::string(*built_in) ==
          test::read_file(fs::path(WARROOM_SOURCE_DIR) / "examples/scenarios/compromised-build-dependency.json"));

    const ScenarioLoad load = read_scenario(playbook, file);
    INFO(describe_all(load));
    REQUIRE(load.scenario);
    CHECK(load.scenario->severity == Severity::sev1);
    CHECK(load.scenario->injects.size() >= 6);
    CHECK(load.scenario->injects.size() <= 10);
    CHECK(load.scenario->length() >= hours(1) + minutes(30));
    CHECK(load.scenario->length() <= hours(2) + minutes(30));
    CHECK(load.scenario->expected.size() >= 5);
}

TEST_CASE("the playbook names scenarios by file", "[scenario][playbook]") {
    auto document = Json::parse(std::string(bundled_playbook_json()));

    SECTION("scenarios must be an object of names and files") {
        document["scenarios"] = Json::array({"drill.json"});
        const PlaybookLoad load = parse_playbook(document.dump());
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/scenarios");
        CHECK_THAT(load.problems[0].message, Contains("must be an object"));
    }
    SECTION("a scenario name becomes a command word") {
        document["scenarios"] = Json{{"Build Dependency", "scenarios/x.json"}, {"drill", 3}, {"empty", ""}};
        const PlaybookLoad load = parse_playbook(document.dump());
        REQUIRE(load.problems.size() == 3);
        CHECK(load.problems[0].path == "/scenarios/Build Dependency");
        CHECK_THAT(load.problems[0].message, Contains("\"build-dependency\""));
        CHECK(load.problems[1].path == "/scenarios/drill");
        CHECK_THAT(load.problems[1].message, Contains("must be a string"));
        CHECK(load.problems[2].path == "/scenarios/empty");
        CHECK_THAT(load.problems[2].message, Contains("file name is empty"));
    }
}

TEST_CASE("loading a playbook file reads and checks every scenario it names", "[scenario][playbook]") {
    PlaybookFolder folder;

    SECTION("all well: the scenario is found beside the playbook") {
        const PlaybookLoad load = load_playbook_file(folder.playbook());
        REQUIRE(load.problems.empty());
        CHECK(load.playbook->scenarios.at("build-dependency").path ==
              (folder.root / "scenarios/compromised-build-dependency.json").string());
    }
    SECTION("a broken inject is reported under the scenario's name with its place in the file") {
        auto scenario = Json::parse(test::read_file(folder.root / "scenarios/compromised-build-dependency.json"));
        scenario["injects"][2]["at"] = "20 minutes";
        folder.write("scenarios/compromised-build-dependency.json", scenario.dump(2));
        const PlaybookLoad load = load_playbook_file(folder.playbook());
        CHECK_FALSE(load.playbook);
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/scenarios/build-dependency");
        CHECK_THAT(load.problems[0].message, Contains("injects/2/at: \"20 minutes\""));
        CHECK_THAT(load.problems[0].message, Contains("(in scenarios/compromised-build-dependency.json)"));
    }
    SECTION("a missing scenario file") {
        fs::remove(folder.root / "scenarios/compromised-build-dependency.json");
        const PlaybookLoad load = load_playbook_file(folder.playbook());
        CHECK_FALSE(load.playbook);
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/scenarios/build-dependency");
        CHECK_THAT(load.problems[0].message, Contains("cannot read"));
    }
    SECTION("an audience in an expected action that the playbook lacks") {
        auto scenario = Json::parse(test::read_file(folder.root / "scenarios/compromised-build-dependency.json"));
        scenario["expected"][3]["match"] = "investors";
        folder.write("scenarios/compromised-build-dependency.json", scenario.dump(2));
        const PlaybookLoad load = load_playbook_file(folder.playbook());
        REQUIRE(load.problems.size() == 1);
        CHECK_THAT(load.problems[0].message, Contains("expected/3/match: \"investors\" is not an audience"));
    }
}

TEST_CASE("check-playbook reports a broken scenario", "[scenario][playbook][binary]") {
    PlaybookFolder folder;
    // The example's outside destinations need their secrets where check-playbook runs.
    const std::string check = std::string(WARROOM_BINARY) + " check-playbook '" + folder.playbook() + "' 2>&1";
    const auto without_secrets = test::run_command("env -u STATUSPAGE_API_KEY -u SMTP_PASSWORD " + check);
    CHECK(without_secrets.status != 0);
    CHECK_THAT(without_secrets.output, Contains("/audiences/status-page: STATUSPAGE_API_KEY is not set"));
    CHECK_THAT(without_secrets.output, Contains("/audiences/board: SMTP_PASSWORD is not set"));
    const std::string command = "STATUSPAGE_API_KEY=k SMTP_PASSWORD=p TICKETING_WEBHOOK_SECRET=s "
                                "PAGERDUTY_SECURITY_KEY=r PAGERDUTY_LEGAL_KEY=r " + check;
    const auto good = test::run_command(command);
    INFO(good.output);
    CHECK(good.status == 0);

    auto scenario = Json::parse(test::read_file(folder.root / "scenarios/compromised-build-dependency.json"));
    scenario["injects"][2]["at"] = "soon";
    scenario["injects"][4].erase("text");
    folder.write("scenarios/compromised-build-dependency.json", scenario.dump(2));
    const auto bad = test::run_command(command);
    INFO(bad.output);
    CHECK(bad.status != 0);
    CHECK_THAT(bad.output, Contains("/scenarios/build-dependency: injects/2/at: \"soon\" is not an interval"));
    CHECK_THAT(bad.output, Contains("/scenarios/build-dependency: injects/4/text: required key \"text\" is missing"));
    CHECK_THAT(bad.output, Contains("2 problem(s)"));
}
