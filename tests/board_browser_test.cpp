// The board in a real browser: the warroom executable runs on the console,
// fed a script through a pipe in simulated time, with its HTTP listener on;
// Debian's chromium, headless, loads the board, and the test checks the DOM
// it built (the incident, the stale workstream, the waiting draft) and saves
// screenshots under the build folder (board.png, board-incident.png) for
// people to look at.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <catch2/catch.hpp>

#include "child_process.hpp"
#include "console_support.hpp"
#include "http_probe.hpp"

namespace warroom::test {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kBuildDir = std::filesystem::path(WARROOM_BINARY).parent_path();

// Waits (reading the log again every 20 ms) for the line where the bot says where its board is; its URL.
std::string board_url(const std::filesystem::path& log, std::chrono::milliseconds deadline) {
    const std::regex said("board, /metrics and /healthz at (http://[0-9.:]+/)");
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        std::smatch match;
        const std::string text = read_file(log);
        if (std::regex_search(text, match, said)) return match[1];
        ::poll(nullptr, 0, 20);
    }
    return {};
}

// Runs headless chromium on `url` with `what` ("--dump-dom", "--screenshot=FILE"); its stdout in `out`.
int run_chromium(const std::string& what, const std::string& url, const std::filesystem::path& profile,
                 const std::filesystem::path& out) {
    // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
    const std::string command = "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
                                "--hide-scrollbars --window-size=1000,760 --user-data-dir='" +
                                profile.string() + "' " + what + " '" + url + "' > '" + out.string() +
                                "' 2> '" + out.string() + ".log'";
    return std::system(command.c_str());
}

}  // namespace

TEST_CASE("board: headless chromium shows the console bot's incident, its stale workstream and its waiting draft",
          "[browser]") {
    REQUIRE(std::system("command -v chromium > /dev/null") == 0);   // scripts/test.sh installs Debian's chromium
    std::signal(SIGPIPE, SIG_IGN);
    TempDir dir;
    const auto log = dir.path / "warroom.log";
    ChildProcess bot(WARROOM_BINARY,
                     {"--db", (dir.path / "warroom.db").string(), "console", "--simulated-clock=2026-12-06T09:00Z"},
                     {"WARROOM_HTTP=127.0.0.1:0"}, log, true);
    const std::string url = board_url(log, 20s);
    INFO(read_file(log));
    REQUIRE(!url.empty());
    const unsigned short port = port_of(url);

    // A sev1 with a hostile title, a draft waiting for the Crisis Lead, then
    // 70 minutes in which only engineering reports: communications and legal
    // missed their syncs.
    REQUIRE(bot.write_input(
        "alice: /incident declare sev1 Leaked signing key <script>document.title='owned'</script>\n"
        "alice: /incident INC-1 draft exec Signing key rotated; no customer impact found so far\n"
        ":advance 70m\n"
        "#inc-1-engineering alice: /incident update Key rotated, builds re-signed\n"));
    std::string page;
    for (const auto until = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < until;
         ::poll(nullptr, 0, 20))
        if ((page = http_get(port, "/incidents/INC-1").body).find("builds re-signed") != std::string::npos) break;
    REQUIRE_THAT(page, Catch::Contains("builds re-signed"));

    const auto dom_file = dir.path / "board.html";
    REQUIRE(run_chromium("--dump-dom", url, dir.path / "profile", dom_file) == 0);
    const std::string dom = read_file(dom_file);
    INFO(dom);
    CHECK_THAT(dom, Catch::Contains("<title>warroom · 1 open incident</title>"));   // the title's script never ran
    CHECK_THAT(dom, Catch::Contains("data-incident=\"INC-1\""));
    CHECK_THAT(dom, Catch::Contains("Leaked signing key &lt;script&gt;"));
    CHECK_THAT(dom, Catch::Contains("class=\"workstream stale\" data-workstream=\"communications\""));
    CHECK_THAT(dom, Catch::Contains("class=\"workstream stale\" data-workstream=\"legal\""));
    CHECK_THAT(dom, Catch::Contains("class=\"workstream\" data-workstream=\"engineering\""));
    CHECK_THAT(dom, Catch::Contains("<span class=\"flag\">STALE</span>"));
    CHECK_THAT(dom, Catch::Contains("data-draft=\"D-1\""));
    CHECK_THAT(dom, Catch::Contains("waiting 1h 10m"));

    // Pictures for people: the list and the incident's page.
    for (const auto& [target, picture] : {std::pair{std::string(), "board.png"},
                                          std::pair{std::string("incidents/INC-1"), "board-incident.png"}}) {
        const auto file = kBuildDir / picture;
        std::filesystem::remove(file);
        CHECK(run_chromium("--screenshot='" + file.string() + "'", url + target, dir.path / "profile",
                           dir.path / "screenshot.out") == 0);
        REQUIRE(std::filesystem::exists(file));
        const std::string png = read_file(file);
        CHECK(png.rfind("\x89PNG", 0) == 0);
        CHECK(png.size() > 10000);   // a page, not a blank
    }

    // The input ends: the console finishes, and the board with it.
    bot.close_input();
    const std::optional<int> status = bot.wait_for_exit(20s);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
    CHECK_THROWS(Connection(port));
}

}  // namespace warroom::test
