#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bot/playbook.hpp"

using namespace warroom;

namespace {

// A small valid playbook; each test breaks one part of it.
nlohmann::ordered_json minimal_playbook() {
    return nlohmann::ordered_json::parse(R"({
      "name": "Test plan",
      "admins": ["alice"],
      "executives": {"members": ["erin"], "audience": "exec"},
      "groups": {"legal": ["lena"], "pr": ["pat"]},
      "audiences": {"exec": {"channel": "exec-briefing", "description": "leadership"},
                    "press": {"channel": "press-office"}},
      "severities": {
        "sev1": {"description": "critical", "stakeholders": ["legal", "pr"], "workstreams": ["engineering", "legal"]},
        "sev2": {"description": "high", "stakeholders": ["legal"], "workstreams": ["engineering"]},
        "sev3": {"description": "moderate", "stakeholders": [], "workstreams": ["engineering"]},
        "sev4": {"description": "low"}
      },
      "allow_mass_mentions": false
    })");
}

PlaybookLoad parse(const nlohmann::ordered_json& document) { return parse_playbook(document.dump(2)); }

std::string describe(const PlaybookLoad& load) {
    std::string out;
    for (const auto& problem : load.problems) out += "  " + problem.path + ": " + problem.message + "\n";
    return out;
}

// The problem at exactly this path, if any.
const PlaybookProblem* problem_at(const PlaybookLoad& load, const std::string& path) {
    const auto found = std::find_if(load.problems.begin(), load.problems.end(),
                                    [&](const PlaybookProblem& problem) { return problem.path == path; });
    return found == load.problems.end() ? nullptr : &*found;
}

// Exactly one problem, at `path`, whose message contains every fragment.
void require_single_problem(const PlaybookLoad& load, const std::string& path,
                            std::initializer_list<std::string_view> fragments) {
    INFO("problems:\n" << describe(load));
    CHECK_FALSE(load.playbook);
    REQUIRE(load.problems.size() == 1);
    CHECK(load.problems[0].path == path);
    for (auto fragment : fragments) CHECK_THAT(load.problems[0].message, Catch::Contains(std::string(fragment)));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("the bundled playbook loads with its audience channels and executive", "[playbook]") {
    const Playbook playbook = bundled_playbook();
    REQUIRE(playbook.audience("exec"));
    CHECK(playbook.audience("exec")->channel.value() == "exec-briefing");
    CHECK(playbook.audience("employees")->channel.value() == "announcements");
    CHECK(playbook.audience("customers")->channel.value() == "customer-comms");
    CHECK(playbook.audience("press")->channel.value() == "press-office");
    CHECK(playbook.audience("regulators")->channel.value() == "regulator-liaison");
    CHECK(playbook.audience_names() == "board, customers, employees, exec, press, regulators, status-page, ticketing");
    CHECK(playbook.is_executive(UserId{"erin"}));
    CHECK(playbook.executive_audience == "exec");
    CHECK(playbook.is_admin(UserId{"alice"}));
    CHECK_FALSE(playbook.allow_mass_mentions);
    for (const auto& [name, audience] : playbook.audiences) {
        CHECK(audience.name == name);
        CHECK_FALSE(audience.description.empty());
    }

    // The people the project's scripts and tests rely on.
    CHECK(*playbook.group("legal") == std::vector{UserId{"lena"}});
    CHECK(*playbook.group("pr") == std::vector{UserId{"pat"}});
    CHECK(*playbook.group("customer-comms") == std::vector{UserId{"cora"}});
    CHECK(*playbook.group("support") == std::vector{UserId{"sam"}});
    for (const char* responder : {"bob", "carol", "dave"}) {
        CHECK_FALSE(playbook.is_admin(UserId{responder}));
        CHECK_FALSE(playbook.is_executive(UserId{responder}));
        for (const auto& [group, members] : playbook.groups)
            CHECK(std::find(members.begin(), members.end(), UserId{responder}) == members.end());
    }

    using Names = std::vector<std::string>;
    CHECK(playbook.policy(Severity::sev1).stakeholder_groups == Names{"legal", "pr", "customer-comms", "support"});
    CHECK(playbook.policy(Severity::sev1).workstreams == Names{"engineering", "communications", "legal"});
    CHECK(playbook.policy(Severity::sev2).stakeholder_groups == Names{"legal", "customer-comms"});
    CHECK(playbook.policy(Severity::sev2).workstreams == Names{"engineering", "communications"});
    CHECK(playbook.policy(Severity::sev3).stakeholder_groups.empty());
    CHECK(playbook.policy(Severity::sev3).workstreams == Names{"engineering"});
    CHECK(playbook.policy(Severity::sev4).stakeholder_groups.empty());
    CHECK(playbook.policy(Severity::sev4).workstreams.empty());
    for (Severity severity : {Severity::sev1, Severity::sev2, Severity::sev3, Severity::sev4}) {
        CHECK(playbook.policy(severity).severity == severity);
        CHECK_FALSE(playbook.policy(severity).description.empty());
    }
}

TEST_CASE("examples/playbook.json on disk is the bundled playbook", "[playbook]") {
    const std::string path = std::string(WARROOM_SOURCE_DIR) + "/examples/playbook.json";
    CHECK(read_file(path) == std::string(bundled_playbook_json()));
    const PlaybookLoad load = load_playbook_file(path);
    INFO(describe(load));
    REQUIRE(load.playbook);
    CHECK(load.playbook->name == bundled_playbook().name);
}

TEST_CASE("a minimal playbook loads: groups and admins and severity lists are optional", "[playbook]") {
    auto document = minimal_playbook();
    document.erase("groups");
    document.erase("admins");
    document.erase("allow_mass_mentions");
    document["severities"]["sev1"]["stakeholders"] = nlohmann::ordered_json::array();
    document["severities"]["sev2"].erase("stakeholders");
    const PlaybookLoad load = parse(document);
    INFO(describe(load));
    REQUIRE(load.playbook);
    CHECK(load.problems.empty());
    CHECK(load.playbook->groups.empty());
    CHECK(load.playbook->admins.empty());
    CHECK_FALSE(load.playbook->allow_mass_mentions);
    CHECK(load.playbook->policy(Severity::sev4).workstreams.empty());
    CHECK(load.playbook->policy(Severity::sev4).description == "low");
}

TEST_CASE("playbook lookups", "[playbook]") {
    auto document = minimal_playbook();
    document["allow_mass_mentions"] = true;
    const PlaybookLoad load = parse(document);
    REQUIRE(load.playbook);
    const Playbook& playbook = *load.playbook;
    CHECK(playbook.name == "Test plan");
    CHECK(playbook.is_admin(UserId{"alice"}));
    CHECK_FALSE(playbook.is_admin(UserId{"erin"}));
    CHECK(playbook.is_executive(UserId{"erin"}));
    CHECK_FALSE(playbook.is_executive(UserId{"alice"}));
    CHECK(playbook.allow_mass_mentions);

    REQUIRE(playbook.audience("press"));
    CHECK(playbook.audience("press")->name == "press");
    CHECK(playbook.audience("press")->channel == ChannelName{"press-office"});
    CHECK(playbook.audience("press")->description.empty());
    CHECK(playbook.audience("exec")->description == "leadership");
    CHECK(playbook.audience("customers") == nullptr);
    CHECK(playbook.audience("") == nullptr);
    CHECK(playbook.audience_names() == "exec, press");

    REQUIRE(playbook.group("legal"));
    CHECK(*playbook.group("legal") == std::vector{UserId{"lena"}});
    CHECK(playbook.group("support") == nullptr);

    CHECK(playbook.policy(Severity::sev1).stakeholder_groups == std::vector<std::string>{"legal", "pr"});
    CHECK_THROWS_AS(Playbook{}.policy(Severity::sev1), std::logic_error);
    CHECK(Playbook{}.audience_names().empty());
}

TEST_CASE("malformed JSON is reported at the whole file with its position", "[playbook]") {
    SECTION("a trailing comma") {
        const PlaybookLoad load = parse_playbook("{\n  \"name\": \"x\",\n}\n");
        require_single_problem(load, "", {"not valid JSON", "line 3", "column 1", "byte"});
        CHECK_THAT(load.problems[0].message, !Catch::Contains("json.exception"));
    }
    SECTION("empty input") { require_single_problem(parse_playbook(""), "", {"not valid JSON"}); }
    SECTION("invalid UTF-8 in a string") {
        require_single_problem(parse_playbook("{\"name\": \"\xff\"}"), "", {"not valid JSON", "UTF-8"});
    }
    SECTION("a syntax error after a duplicate key reports only the syntax error") {
        require_single_problem(parse_playbook(R"({"name": "a", "name": "b", )"), "", {"not valid JSON"});
    }
}

TEST_CASE("the top level must be an object", "[playbook]") {
    require_single_problem(parse_playbook("[1, 2]"), "", {"must be a JSON object", "not an array"});
    require_single_problem(parse_playbook("\"playbook\""), "", {"not a string"});
}

TEST_CASE("unreadable playbook files", "[playbook]") {
    SECTION("missing") {
        const PlaybookLoad load = load_playbook_file("/nonexistent/warroom/playbook.json");
        require_single_problem(load, "", {});
        CHECK(load.problems[0].message ==
              "cannot read /nonexistent/warroom/playbook.json: No such file or directory");
    }
    SECTION("a directory") {
        const auto directory = std::filesystem::temp_directory_path();
        const PlaybookLoad load = load_playbook_file(directory.string());
        require_single_problem(load, "", {"cannot read " + directory.string(), "Is a directory"});
    }
    SECTION("a file with problems is checked like text") {
        const auto path = std::filesystem::temp_directory_path() / "warroom_playbook_test_bad.json";
        std::ofstream(path) << "{\"name\": 1}";
        const PlaybookLoad load = load_playbook_file(path.string());
        std::filesystem::remove(path);
        CHECK(problem_at(load, "/name"));
        CHECK(problem_at(load, "/executives"));
    }
}

TEST_CASE("each kind of problem is reported at its JSON pointer", "[playbook]") {
    auto document = minimal_playbook();

    SECTION("unknown top-level key, with the likely intended one") {
        document["adminz"] = nlohmann::ordered_json::array({"bob"});
        require_single_problem(parse(document), "/adminz",
                               {"\"adminz\" is not a known key", "did you mean \"admins\"", "allowed keys: admins, "
                                                                                            "allow_mass_mentions"});
    }
    SECTION("unknown nested keys") {
        document["audiences"]["exec"]["chanel"] = "x";
        document["severities"]["sev2"]["workstream"] = nlohmann::ordered_json::array();
        document["executives"]["audiences"] = "exec";
        document["audiences"]["press"]["desc"] = "reporters";
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.problems.size() == 4);
        CHECK_THAT(problem_at(load, "/audiences/press/desc")->message, Catch::Contains("did you mean \"description\""));
        CHECK_THAT(problem_at(load, "/audiences/exec/chanel")->message, Catch::Contains("did you mean \"channel\""));
        CHECK_THAT(problem_at(load, "/severities/sev2/workstream")->message,
                   Catch::Contains("did you mean \"workstreams\""));
        CHECK_THAT(problem_at(load, "/executives/audiences")->message, Catch::Contains("allowed keys: audience, members"));
    }
    SECTION("required keys") {
        document.erase("name");
        document.erase("audiences");
        document["executives"].erase("members");
        document["severities"].erase("sev3");
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(problem_at(load, "/name"));
        CHECK_THAT(problem_at(load, "/name")->message, Catch::Contains("required key \"name\" is missing: add"));
        CHECK(problem_at(load, "/audiences"));
        CHECK(problem_at(load, "/executives/members"));
        CHECK(problem_at(load, "/severities/sev3"));
        CHECK(load.problems.size() == 4);
    }
    SECTION("all four severities, named in lowercase") {
        document["severities"].erase("sev1");
        document["severities"]["SEV1"] = {{"description", "critical"}};
        document["severities"]["sev5"] = {{"description", "apocalypse"}};
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.problems.size() == 2);  // SEV1 is not also reported as a missing sev1
        CHECK_THAT(problem_at(load, "/severities/SEV1")->message, Catch::Contains("lowercase: \"sev1\""));
        CHECK_THAT(problem_at(load, "/severities/sev5")->message, Catch::Contains("use sev1, sev2, sev3 and sev4"));
    }
    SECTION("types") {
        document["name"] = 42;
        document["admins"] = "alice";
        document["groups"]["legal"] = "lena";
        document["severities"]["sev2"]["stakeholders"] = "legal";
        document["severities"]["sev3"]["workstreams"][0] = 7;
        document["severities"]["sev4"] = nullptr;
        document["allow_mass_mentions"] = "false";
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.problems.size() == 7);
        CHECK_THAT(problem_at(load, "/name")->message, Catch::Contains("must be a string in double quotes, not a number"));
        CHECK_THAT(problem_at(load, "/admins")->message, Catch::Contains("must be an array of user names, not a string"));
        CHECK(problem_at(load, "/groups/legal"));
        CHECK(problem_at(load, "/severities/sev2/stakeholders"));
        CHECK(problem_at(load, "/severities/sev3/workstreams/0"));
        CHECK_THAT(problem_at(load, "/severities/sev4")->message, Catch::Contains("must be an object, not null"));
        CHECK_THAT(problem_at(load, "/allow_mass_mentions")->message, Catch::Contains("true or false"));
    }
    SECTION("an audience written as its channel") {
        document["audiences"]["press"] = "press-office";
        require_single_problem(parse(document), "/audiences/press", {"write {\"channel\": \"press-office\"}"});
    }
    SECTION("user names") {
        document["admins"] = {"@alice", "bob smith", "", "carol", "@erin:example.org"};
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.problems.size() == 3);
        CHECK(problem_at(load, "/admins/0")->message ==
              "\"@alice\" starts with '@': write the plain user name \"alice\" (or, on Matrix, the full id such as "
              "\"@alice:example.org\")");
        CHECK_THAT(problem_at(load, "/admins/1")->message, Catch::Contains("whitespace"));
        CHECK_THAT(problem_at(load, "/admins/2")->message, Catch::Contains("cannot be empty"));
    }
    SECTION("group and workstream names are slugs") {
        document["groups"]["Customer Comms"] = {"cora"};
        document["severities"]["sev2"]["workstreams"] = {"engineering", "Engineering"};
        document["severities"]["sev3"]["workstreams"] = {std::string(41, 'a')};
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.problems.size() == 3);
        CHECK_THAT(problem_at(load, "/groups/Customer Comms")->message,
                   Catch::StartsWith("\"Customer Comms\" is not a valid group name") &&
                       Catch::Contains("e.g. \"customer-comms\""));
        CHECK_THAT(problem_at(load, "/severities/sev2/workstreams/1")->message,
                   Catch::StartsWith("\"Engineering\" is not a valid workstream name: use lowercase letters, digits "
                                     "and '-' (at most 40 characters)"));
        CHECK(problem_at(load, "/severities/sev3/workstreams/0"));
    }
    SECTION("channel names") {
        document["audiences"]["exec"]["channel"] = "#exec-briefing";
        document["audiences"]["press"]["channel"] = "Press Office";
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.problems.size() == 2);
        CHECK(problem_at(load, "/audiences/exec/channel")->message ==
              "\"#exec-briefing\" starts with '#': write the channel name without it, \"exec-briefing\" (a Matrix "
          "alias has its server: \"#exec-briefing:example.org\")");
        CHECK_THAT(problem_at(load, "/audiences/press/channel")->message,
                   Catch::Contains("not a valid channel name") && Catch::Contains("e.g. \"press-office\""));
    }
    SECTION("an audience channel may be pinned: a Slack id, a Matrix alias or room id") {
        document["audiences"]["press"]["channel"] = "C0PRESS01";
        document["audiences"]["exec"]["channel"] = "#exec-briefing:example.org";
        document["audiences"]["customers"]["channel"] = "!AbCdEfGh:example.org";
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.playbook);
        CHECK(load.playbook->audience("press")->channel == ChannelName{"C0PRESS01"});
        CHECK(load.playbook->audience("exec")->channel == ChannelName{"#exec-briefing:example.org"});
        CHECK(load.playbook->audience("customers")->channel == ChannelName{"!AbCdEfGh:example.org"});
        CHECK(to_string(load.playbook->audience("exec")->channel) == "#exec-briefing:example.org");
        // Nearly an id is neither an id nor a name, and the problem says both ways to write it.
        document["audiences"]["customers"]["channel"] = "customer-comms";
        document["audiences"]["exec"]["channel"] = "exec-briefing";
        document["audiences"]["press"]["channel"] = "C0Press01";
        require_single_problem(parse(document), "/audiences/press/channel",
                               {"not a valid channel name", "on Slack by the channel's ID (\"C0123ABCD\")"});
        document["audiences"]["exec"]["channel"] = "#exec briefing:example.org";
        document["audiences"]["press"]["channel"] = "!:example.org";
        CHECK(parse(document).problems.size() == 2);
    }
    SECTION("channel names allow '_' and up to 80 characters") {
        document["audiences"]["press"]["channel"] = "press_office";
        document["audiences"]["exec"]["channel"] = std::string(80, 'x');
        CHECK(parse(document).playbook);
        document["audiences"]["exec"]["channel"] = std::string(81, 'x');
        require_single_problem(parse(document), "/audiences/exec/channel", {"at most 80 characters"});
    }
    SECTION("stakeholders must be defined groups") {
        document["severities"]["sev1"]["stakeholders"] = {"legal", "support"};
        require_single_problem(parse(document), "/severities/sev1/stakeholders/1",
                               {"\"support\" is not a defined group", "use one of legal, pr"});
    }
    SECTION("stakeholders when no groups are defined") {
        document.erase("groups");
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        CHECK(load.problems.size() == 3);  // sev1: legal, pr; sev2: legal
        CHECK_THAT(problem_at(load, "/severities/sev1/stakeholders/0")->message, Catch::Contains("no groups yet"));
    }
    SECTION("the executives' audience must be defined") {
        document["executives"]["audience"] = "execs";
        require_single_problem(parse(document), "/executives/audience",
                               {"\"execs\" is not a defined audience", "use one of exec, press"});
    }
    SECTION("executives must have members") {
        document["executives"]["members"] = nlohmann::ordered_json::array();
        require_single_problem(parse(document), "/executives/members", {"at least one"});
    }
    SECTION("groups must have members") {
        document["groups"]["pr"] = nlohmann::ordered_json::array();
        require_single_problem(parse(document), "/groups/pr", {"has no members"});
    }
    SECTION("duplicates in lists") {
        document["executives"]["members"] = {"erin", "frank", "erin"};
        document["severities"]["sev1"]["workstreams"] = {"engineering", "engineering"};
        document["severities"]["sev2"]["stakeholders"] = {"legal", "legal"};
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.problems.size() == 3);
        CHECK(problem_at(load, "/executives/members/2")->message ==
              "\"erin\" is listed twice (first at /executives/members/0): remove this one");
        CHECK(problem_at(load, "/severities/sev1/workstreams/1"));
        CHECK(problem_at(load, "/severities/sev2/stakeholders/1"));
    }
    SECTION("keys with '/' and '~' are escaped in the pointer") {
        document["groups"]["a/b~c"] = {"x"};
        require_single_problem(parse(document), "/groups/a~1b~0c", {"not a valid group name"});
    }
}

TEST_CASE("a key written twice in one object is reported", "[playbook]") {
    const std::string text = R"({
      "name": "Test plan",
      "executives": {"members": ["erin"], "audience": "exec"},
      "audiences": {"exec": {"channel": "exec-briefing"}},
      "severities": {"sev1": {}, "sev2": {}, "sev3": {}, "sev2": {"workstreams": [{"a": 1, "a": 2}]}, "sev4": {}}
    })";
    const PlaybookLoad load = parse_playbook(text);
    INFO(describe(load));
    CHECK_FALSE(load.playbook);
    CHECK_THAT(problem_at(load, "/severities/sev2")->message, Catch::Contains("appears twice"));
    CHECK(problem_at(load, "/severities/sev2/workstreams/0/a"));
}

TEST_CASE("several problems in one file are all reported in file order", "[playbook]") {
    const std::string text = R"({
      "name": "",
      "admins": ["@alice"],
      "executives": {"members": ["erin"], "audience": "board"},
      "groups": {"Legal": ["lena"]},
      "audiences": {"exec": {"channel": "#exec-briefing"}},
      "severities": {
        "sev1": {"stakeholders": ["legal"], "workstreams": ["Engineering"]},
        "sev2": {}, "sev4": {}
      },
      "allow_mass_mentions": "no",
      "templates": {}
    })";
    const PlaybookLoad load = parse_playbook(text);
    INFO(describe(load));
    CHECK_FALSE(load.playbook);
    std::vector<std::string> paths;
    for (const auto& problem : load.problems) paths.push_back(problem.path);
    CHECK(paths == std::vector<std::string>{
                       "/name",
                       "/admins/0",
                       "/executives/audience",
                       "/groups/Legal",
                       "/audiences/exec/channel",
                       "/severities/sev1/stakeholders/0",
                       "/severities/sev1/workstreams/0",
                       "/severities/sev3",
                       "/allow_mass_mentions",
                       "/templates",
                   });
}

TEST_CASE("playbook cadences and timing are intervals within bounds, and \"end\" cannot name a scenario",
          "[playbook][cadence]") {
    auto document = minimal_playbook();
    document["severities"]["sev1"]["cadence"] = {{"all_hands_sync", "1h"}, {"workstream_sync", "30m"}, {"summary", "2h"}};
    document["timing"] = {{"sync_reminder_before", "10m"}};
    auto load = parse(document);
    INFO(describe(load));
    REQUIRE(load.playbook);
    CHECK(load.playbook->policy(Severity::sev1).cadence.workstream_sync == std::chrono::minutes(30));
    CHECK(load.playbook->timing.sync_reminder_before == std::chrono::minutes(10));
    CHECK(load.playbook->timing.summary_reminder_after == std::chrono::minutes(15));   // the default

    document["severities"]["sev1"]["cadence"]["summary"] = "0s";
    require_single_problem(parse(document), "/severities/sev1/cadence/summary", {"too short"});
    document["severities"]["sev1"]["cadence"]["summary"] = "99y";
    require_single_problem(parse(document), "/severities/sev1/cadence/summary", {"unit \"y\""});
    document["severities"]["sev1"]["cadence"].erase("summary");
    document["severities"]["sev1"]["cadence"]["sumary"] = "2h";
    require_single_problem(parse(document), "/severities/sev1/cadence/sumary", {"did you mean \"summary\""});
    document["severities"]["sev1"]["cadence"].erase("sumary");

    document["scenarios"] = {{"end", "scenarios/end.json"}};
    require_single_problem(parse(document), "/scenarios/end", {"/incident exercise end ends the running exercise"});
}

TEST_CASE("an audience's approvers name a group, and the example names pr, customer-comms and legal", "[playbook]") {
    const Playbook bundled = bundled_playbook();
    CHECK(bundled.audience("press")->approvers == "pr");
    CHECK(bundled.audience("customers")->approvers == "customer-comms");
    CHECK(bundled.audience("regulators")->approvers == "legal");
    CHECK(bundled.audience("exec")->approvers.empty());
    CHECK(*bundled.approvers_of("press") == std::vector{UserId{"pat"}});
    CHECK_FALSE(bundled.approvers_of("exec"));
    CHECK_FALSE(bundled.approvers_of("nobody"));
    CHECK(bundled.matrix_servers.empty());

    auto document = minimal_playbook();
    SECTION("a group the file defines") {
        document["audiences"]["press"]["approvers"] = "pr";
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.playbook);
        CHECK(*load.playbook->approvers_of("press") == std::vector{UserId{"pat"}});
    }
    SECTION("an undefined group, at its JSON pointer") {
        document["audiences"]["press"]["approvers"] = "comms";
        require_single_problem(parse(document), "/audiences/press/approvers",
                               {"\"comms\" is not a defined group", "use one of legal, pr"});
    }
    SECTION("not a string") {
        document["audiences"]["press"]["approvers"] = nlohmann::ordered_json::array({"pr"});
        require_single_problem(parse(document), "/audiences/press/approvers", {"the name of a group"});
    }
}

TEST_CASE("the organisation's Matrix servers: a list of server names", "[playbook]") {
    auto document = minimal_playbook();
    SECTION("listed") {
        document["matrix"] = {{"servers", {"example.org", "chat.example.org"}}};
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        REQUIRE(load.playbook);
        CHECK(load.playbook->matrix_servers == std::vector<std::string>{"example.org", "chat.example.org"});
        CHECK(load.playbook->is_outside_matrix_servers(UserId{"@eve:evil.example"}));
        CHECK_FALSE(load.playbook->is_outside_matrix_servers(UserId{"@ann:chat.example.org"}));
    }
    SECTION("a user id instead of a server") {
        document["matrix"] = {{"servers", {"@alice:example.org"}}};
        require_single_problem(parse(document), "/matrix/servers/0", {"is not a server name", "\"example.org\""});
    }
    SECTION("empty") {
        document["matrix"] = {{"servers", nlohmann::ordered_json::array()}};
        require_single_problem(parse(document), "/matrix/servers", {"list at least one server"});
    }
    SECTION("an unknown key") {
        document["matrix"] = {{"server", {"example.org"}}};
        const PlaybookLoad load = parse(document);
        INFO(describe(load));
        CHECK(problem_at(load, "/matrix/server"));
        CHECK(problem_at(load, "/matrix/servers"));   // "servers" is required
    }
}
