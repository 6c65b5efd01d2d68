// The playbook's outside audiences and pagers, and the secrets they name:
// each kind read strictly, secrets never written in the playbook and read
// from where operators keep them (the variable, NAME_FILE, systemd's
// $CREDENTIALS_DIRECTORY), a file others can read refused.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bot/playbook.hpp"
#include "bot/secrets.hpp"
#include "console_support.hpp"

using namespace warroom;
using Catch::Contains;

namespace {

nlohmann::ordered_json base() {
    return nlohmann::ordered_json::parse(R"({
      "name": "Example",
      "executives": {"members": ["erin"], "audience": "exec"},
      "groups": {"legal": ["lena"]},
      "audiences": {"exec": {"channel": "exec-briefing"}},
      "pagers": {"security-oncall": {"kind": "pagerduty", "routing_key_env": "PD_SECURITY"}},
      "severities": {
        "sev1": {"description": "critical", "page": ["security-oncall"]},
        "sev2": {"description": "high"}, "sev3": {"description": "moderate"}, "sev4": {"description": "low"}
      }
    })");
}

std::string problems(const PlaybookLoad& load) {
    std::string out;
    for (const auto& problem : load.problems) out += problem.path + ": " + problem.message + "\n";
    return out;
}

// Sets an environment variable for one test, and puts it back.
struct ScopedVariable {
    ScopedVariable(std::string name, const std::string& value) : name(std::move(name)) {
        if (const char* old = std::getenv(this->name.c_str())) previous = old;
        ::setenv(this->name.c_str(), value.c_str(), 1);
    }
    ~ScopedVariable() {
        if (previous) ::setenv(name.c_str(), previous->c_str(), 1);
        else ::unsetenv(name.c_str());
    }
    std::string name;
    std::optional<std::string> previous;
};

}  // namespace

TEST_CASE("each kind of outside audience and the pagers are read from the playbook", "[playbook][outside]") {
    auto doc = base();
    doc["audiences"]["hook"] = {{"kind", "webhook"}, {"url", "https://hooks.example.com/x?y=1"}, {"secret_env", "HOOK_SECRET"}};
    doc["audiences"]["status"] = {{"kind", "statuspage"}, {"page_id", "abc"}, {"page_name", "Acme Status"},
                                  {"api_key_env", "SP_KEY"}, {"approvers", "legal"}};
    doc["audiences"]["board"] = {{"kind", "email"}, {"smtp", "smtp://mail.example.com:587"}, {"from", "w@example.com"},
                                 {"to", {"a@example.com", "b@example.com"}}, {"username", "w"}, {"password_env", "SMTP_PW"}};
    const PlaybookLoad load = parse_playbook(doc.dump());
    INFO(problems(load));
    REQUIRE(load.playbook);
    const Playbook& book = *load.playbook;
    CHECK(book.audience("exec")->is_chat());
    CHECK(describe(*book.audience("hook")->outside) == "webhook at hooks.example.com");
    CHECK(describe(*book.audience("status")->outside) == "status page 'Acme Status'");
    CHECK(book.audience("status")->approvers == "legal");   // two-person approval works for every kind
    CHECK(describe(*book.audience("board")->outside) == "e-mail to 2 recipients");
    CHECK(std::get<StatuspageDestination>(*book.audience("status")->outside).api_url == "https://api.statuspage.io/v1");
    REQUIRE(book.pager("security-oncall"));
    CHECK(book.pager("security-oncall")->events_url == "https://events.pagerduty.com");
    CHECK(book.policy(Severity::sev1).page == std::vector<std::string>{"security-oncall"});
}

TEST_CASE("mistakes in outside audiences and pagers are located and explained", "[playbook][outside]") {
    auto doc = base();
    SECTION("a secret pasted where its variable's name belongs is refused without repeating it") {
        doc["audiences"]["hook"] = {{"kind", "webhook"}, {"url", "https://h.example.com"}, {"secret_env", "whsec_s3cr3t!"}};
        const PlaybookLoad load = parse_playbook(doc.dump());
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/audiences/hook/secret_env");
        CHECK_THAT(load.problems[0].message, Contains("environment variable"));
        CHECK(load.problems[0].message.find("s3cr3t") == std::string::npos);
    }
    SECTION("plain http off loopback") {
        doc["audiences"]["hook"] = {{"kind", "webhook"}, {"url", "http://h.example.com"}, {"secret_env", "S"}};
        const PlaybookLoad load = parse_playbook(doc.dump());
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/audiences/hook/url");
        CHECK_THAT(load.problems[0].message, Contains("https://"));
    }
    SECTION("http on loopback is allowed (a local relay, the tests)") {
        doc["audiences"]["hook"] = {{"kind", "webhook"}, {"url", "http://127.0.0.1:8080/x"}, {"secret_env", "S"}};
        CHECK(parse_playbook(doc.dump()).playbook);
    }
    SECTION("an unknown kind, and a channel on an outside audience") {
        doc["audiences"]["fax"] = {{"kind", "fax"}};
        doc["audiences"]["hook"] = {{"kind", "webhook"}, {"url", "https://h.example.com"}, {"secret_env", "S"},
                                    {"channel", "x"}};
        const PlaybookLoad load = parse_playbook(doc.dump());
        INFO(problems(load));
        REQUIRE(load.problems.size() == 2);
        CHECK_THAT(problems(load), Contains("/audiences/fax/kind: \"fax\" is not a kind of audience"));
        CHECK_THAT(problems(load), Contains("/audiences/hook/channel"));
    }
    SECTION("an e-mail audience without recipients, with a bad address, or a password without a user") {
        doc["audiences"]["board"] = {{"kind", "email"}, {"smtp", "mail.example.com"}, {"from", "w@example.com"},
                                     {"to", {"not an address"}}, {"password_env", "P"}};
        const PlaybookLoad load = parse_playbook(doc.dump());
        INFO(problems(load));
        CHECK_THAT(problems(load), Contains("/audiences/board/smtp"));
        CHECK_THAT(problems(load), Contains("/audiences/board/to/0"));
        CHECK_THAT(problems(load), Contains("/audiences/board/password_env"));
    }
    SECTION("executives must read a chat audience") {
        doc["audiences"]["exec"] = {{"kind", "webhook"}, {"url", "https://h.example.com"}, {"secret_env", "S"}};
        const PlaybookLoad load = parse_playbook(doc.dump());
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/executives/audience");
    }
    SECTION("a severity pages a pager the playbook does not name") {
        doc["severities"]["sev2"]["page"] = {"nobody"};
        const PlaybookLoad load = parse_playbook(doc.dump());
        REQUIRE(load.problems.size() == 1);
        CHECK(load.problems[0].path == "/severities/sev2/page/0");
    }
}

TEST_CASE("secrets come from the variable, NAME_FILE or $CREDENTIALS_DIRECTORY, never from a shared file",
          "[outside][secrets]") {
    const std::string name = "WARROOM_TEST_SECRET_" + std::to_string(::getpid());
    test::TempDir folder;
    const auto write = [&](const std::string& file, const std::string& text, mode_t mode) {
        const std::string path = (folder.path / file).string();
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    };
    SECTION("missing: the problem names where it was looked for") {
        const Secret secret = read_secret(name);
        CHECK_FALSE(secret.found());
        CHECK_THAT(secret.problem, Contains(name + " is not set"));
        CHECK_THAT(secret.problem, Contains(name + "_FILE"));
    }
    SECTION("the variable") {
        ScopedVariable variable(name, "s3cr3t");
        CHECK(read_secret(name).value == "s3cr3t");
    }
    SECTION("a file named by NAME_FILE, its newline dropped") {
        ScopedVariable file(name + "_FILE", write("secret", "s3cr3t\n", 0600));
        CHECK(read_secret(name).value == "s3cr3t");
    }
    SECTION("a file others can read is refused, and the secret is not in the problem") {
        ScopedVariable file(name + "_FILE", write("secret", "s3cr3t\n", 0644));
        const Secret secret = read_secret(name);
        CHECK_FALSE(secret.found());
        CHECK_THAT(secret.problem, Contains("other users can read"));
        CHECK(secret.problem.find("s3cr3t") == std::string::npos);
    }
    SECTION("systemd's credentials") {
        write(name, "from-systemd", 0600);
        ScopedVariable credentials("CREDENTIALS_DIRECTORY", folder.path.string());
        CHECK(read_secret(name).value == "from-systemd");
    }
}

TEST_CASE("missing_secrets names every destination and pager whose secret cannot be read", "[outside][secrets]") {
    auto doc = base();
    doc["audiences"]["hook"] = {{"kind", "webhook"}, {"url", "https://h.example.com"}, {"secret_env", "WARROOM_TEST_HOOK"}};
    const PlaybookLoad load = parse_playbook(doc.dump());
    REQUIRE(load.playbook);
    auto missing = missing_secrets(*load.playbook);
    REQUIRE(missing.size() == 2);
    CHECK(missing[0].path == "/audiences/hook");
    CHECK(missing[1].path == "/pagers/security-oncall");
    ScopedVariable hook("WARROOM_TEST_HOOK", "x");
    ScopedVariable pager("PD_SECURITY", "y");
    CHECK(missing_secrets(*load.playbook).empty());
}
