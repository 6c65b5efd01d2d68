// The console adapter end to end: scripts typed by several people, the
// transcript they produce, and a restart in the middle on the same database.
#include <catch2/catch.hpp>

#include <algorithm>

#include "adapters/console/console_adapter.hpp"
#include "adapters/console/console_line.hpp"
#include "console_support.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace warroom;
using namespace warroom::test;
namespace fs = std::filesystem;

namespace {

// One bot process: store, engine and console on a database file.
struct ConsoleRun {
    explicit ConsoleRun(const fs::path& db, ManualClock& clock)
        : store(SqliteStore::open(db.string())), engine(*store, playbook, clock),
          adapter(engine, *store, clock, out, err) {}

    int script(const std::string& lines) {
        std::istringstream in(lines);
        return adapter.run_script(in);
    }

    Playbook playbook = bundled_playbook();
    std::unique_ptr<SqliteStore> store;
    Engine engine;
    std::ostringstream out, err;
    console::ConsoleAdapter adapter;
};

std::size_t count_lines_starting(const std::string& transcript, const std::string& prefix) {
    const auto lines = lines_of(transcript);
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.rfind(prefix, 0) == 0;
    }));
}

bool has_line(const std::string& transcript, const std::string& needle) {
    for (const std::string& line : lines_of(transcript))
        if (line.find(needle) != std::string::npos) return true;
    return false;
}

const Time kStart = from_unix_ms(1'795'000'000'000);

// The example script shipped with the project, split where a restart happens.
std::pair<std::string, std::string> example_script_halves() {
    const auto lines = lines_of(read_file(fs::path(WARROOM_SOURCE_DIR) / "examples/full-incident.txt"));
    const auto split = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return line.find("bob: /incident approve D-1") != std::string::npos;
    });
    REQUIRE(split != lines.end());
    std::string first, second;
    for (auto it = lines.begin(); it != lines.end(); ++it) (it < split ? first : second) += *it + "\n";
    return {first, second};
}

void check_full_incident_transcript(const std::string& transcript) {
    const std::string main = "#inc-1-payroll-phishing-campaign";
    // Declaration: the main channel and the sev1 default workstreams, private.
    CHECK(has_line(transcript, main + " * warroom created private channel " + main));
    for (const char* workstream : {"engineering", "communications", "legal"})
        CHECK(has_line(transcript, std::string("#inc-1-") + workstream + " * warroom created private channel"));
    // The lead and the sev1 stakeholders (legal, pr, customer comms, support) invited.
    const auto invites = lines_of(transcript);
    const auto main_invite = std::find_if(invites.begin(), invites.end(), [&](const std::string& line) {
        return line.rfind(main + " * warroom invited", 0) == 0;
    });
    REQUIRE(main_invite != invites.end());
    for (const char* person : {"@alice", "@lena", "@pat", "@cora", "@sam"})
        CHECK(main_invite->find(person) != std::string::npos);
    // One update per workstream, echoed in its channel.
    CHECK(has_line(transcript, "#inc-1-engineering <warroom> Update from @bob (engineering): Sender domain blocked"));
    CHECK(has_line(transcript, "#inc-1-communications <warroom> Update from @carol (communications)"));
    CHECK(has_line(transcript, "#inc-1-legal <warroom> Update from @lena (legal)"));
    // The approval card goes to the Crisis Lead; bob's approval is refused with the reason.
    CHECK(has_line(transcript, "@alice <warroom> [approval D-1 · INC-1 · exec → #exec-briefing · by @carol]"));
    CHECK(has_line(transcript, "@bob <warroom> error: only the Crisis Lead of INC-1 (@alice) can approve D-1"));
    // The approved text appears exactly once in the executives' channel, then the summary.
    CHECK(count_lines_starting(transcript, "#exec-briefing <warroom> [INC-1] Phishing against payroll contained") == 1);
    CHECK(count_lines_starting(transcript, "#exec-briefing <warroom> [INC-1] Executive summary: INC-1") == 1);
    CHECK(count_lines_starting(transcript, "#exec-briefing <warroom> ") == 2);
    CHECK(has_line(transcript, "@alice <warroom> [approval D-1 updated] APPROVED by @alice"));
    CHECK(has_line(transcript, "#exec-briefing   — approved by @alice"));
    // The published executive summary anchors the audit record's head in the main channel.
    CHECK(count_lines_starting(transcript, main + " <warroom> Audit record of INC-1: ") == 1);
}

}  // namespace

TEST_CASE("console lines name the channel and who types", "[console]") {
    using namespace console;
    auto typed = std::get<Typed>(parse_console_line("#inc-1-payroll carol: /incident approve D-1"));
    CHECK(typed.channel == "inc-1-payroll");
    CHECK(typed.user == "carol");
    CHECK(typed.text == "/incident approve D-1");

    typed = std::get<Typed>(parse_console_line("alice: /incident declare sev1 Payroll phishing"));
    CHECK_FALSE(typed.channel);
    CHECK(typed.user == "alice");

    typed = std::get<Typed>(parse_console_line("/incident list"));
    CHECK_FALSE(typed.user);
    CHECK(typed.text == "/incident list");

    CHECK(std::holds_alternative<Blank>(parse_console_line("   ")));
    CHECK(std::holds_alternative<Blank>(parse_console_line("# a comment")));
    CHECK(std::get<Directive>(parse_console_line(":user bob")).argument == "bob");
    CHECK(std::holds_alternative<Malformed>(parse_console_line("#inc-1 /incident show")));
    CHECK(std::holds_alternative<Malformed>(parse_console_line("#bad!channel alice: hi")));
}

TEST_CASE("a scripted sev1 runs from declaration to the approved summary", "[console][integration]") {
    TempDatabase db;
    ManualClock clock(kStart);
    ConsoleRun run(db.path, clock);
    auto [first, second] = example_script_halves();
    CHECK(run.script(first + second) == 0);
    check_full_incident_transcript(run.out.str());
    CHECK(run.err.str().empty());
}

TEST_CASE("restarting the bot mid-script on the same database loses nothing", "[console][integration]") {
    TempDatabase db;
    ManualClock clock(kStart);
    auto [first, second] = example_script_halves();
    std::string transcript;
    {
        ConsoleRun before(db.path, clock);
        CHECK(before.script(first) == 0);
        transcript += before.out.str();
    }
    clock.advance(std::chrono::minutes(5));
    {
        ConsoleRun after(db.path, clock);
        CHECK(after.script(second) == 0);
        transcript += after.out.str();
    }
    check_full_incident_transcript(transcript);
}

TEST_CASE("effects committed before a crash are performed once at the next start", "[console][integration]") {
    TempDatabase db;
    ManualClock clock(kStart);
    {
        // The engine commits the approval and its publish job, then the
        // process dies before the outbox is drained.
        ConsoleRun before(db.path, clock);
        CHECK(before.script("alice: /incident declare sev3 Leaked API key\n"
                            "#inc-1-leaked-api-key alice: /incident draft exec Key revoked, no misuse seen\n") == 0);
        const Reply reply = before.engine.handle(
            Event{EventId{"crash-test-1"}, UserId{"alice"}, ChannelName{"general"}, CommandText{"/incident approve D-1"}});
        REQUIRE(reply.kind == Reply::Kind::ok);
        CHECK(count_lines_starting(before.out.str(), "#exec-briefing") == 0);
    }
    ConsoleRun after(db.path, clock);
    CHECK(after.script("") == 0);   // resume only
    CHECK(count_lines_starting(after.out.str(), "#exec-briefing <warroom> [INC-1] Key revoked, no misuse seen") == 1);
    ConsoleRun again(db.path, clock);
    CHECK(again.script("") == 0);
    CHECK(count_lines_starting(again.out.str(), "#exec-briefing") == 0);
}

TEST_CASE("malformed console lines are reported with their line number and change nothing", "[console]") {
    TempDatabase db;
    ManualClock clock(kStart);
    ConsoleRun run(db.path, clock);
    CHECK(run.script("#inc-1 /incident declare sev1 No user\n:frobnicate\nalice: /incident list\n") == 1);
    CHECK(has_line(run.err.str(), "line 1: say who types in #inc-1"));
    CHECK(has_line(run.err.str(), "unknown directive :frobnicate"));
    CHECK(has_line(run.out.str(), "@alice <warroom> No open incidents"));
}

TEST_CASE("the warroom executable runs a script and checks playbooks", "[console][integration][binary]") {
    TempDatabase db;
    const fs::path script = fs::path(WARROOM_SOURCE_DIR) / "examples/full-incident.txt";
    const auto run = run_command(std::string(WARROOM_BINARY) + " --db '" + db.path.string() + "' console --script '" +
                                 script.string() + "' 2>&1");
    CHECK(run.status == 0);
    check_full_incident_transcript(run.output);

    const fs::path bad = temp_path("warroom-playbook");
    std::ofstream(bad) << R"({"name": "x", "severities": {}, "audiences": {"exec": {"channel": "#exec"}}})";
    const auto check = run_command(std::string(WARROOM_BINARY) + " check-playbook '" + bad.string() + "' 2>&1");
    CHECK(check.status != 0);
    CHECK(check.output.find("/audiences/exec/channel") != std::string::npos);
    fs::remove(bad);
}
