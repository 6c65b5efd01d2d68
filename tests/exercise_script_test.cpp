// examples/tabletop-exercise.txt end to end on the console: the executives'
// channel receives nothing, every bot line of the exercise is marked, and the
// scorecard's times match the script.
#include <catch2/catch.hpp>

#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;
namespace fs = std::filesystem;

namespace {

const Time kTwoPm = from_unix_ms(1'796'133'600'000);   // 2026-12-01 14:00 UTC, as the script's header says

bool starts_with(const std::string& line, std::string_view prefix) { return line.rfind(prefix, 0) == 0; }

}  // namespace

TEST_CASE("a scripted tabletop exercise stays inside its channels and is scored by the script's times",
          "[exercise][console][integration]") {
    TempDatabase db;
    SimulatedConsole run(db.path, kTwoPm);
    REQUIRE(run.script(read_file(fs::path(WARROOM_SOURCE_DIR) / "examples/tabletop-exercise.txt")) == 0);
    const auto lines = lines_of(run.out.str());

    std::size_t bot_lines = 0;
    for (const std::string& line : lines) {
        INFO(line);
        // Nothing reaches a real audience: the executives' channel only shows what erin typed.
        CHECK_FALSE(starts_with(line, "#exec-briefing <warroom>"));
        CHECK_FALSE(starts_with(line, "#exec-briefing *"));
        // Every first line of a bot action is marked; only the answers to the caller are not.
        const auto bot = line.find(" <warroom> ");
        if (bot == std::string::npos) continue;
        ++bot_lines;
        const std::string after = line.substr(bot + 11);
        const bool answer = starts_with(line, "@") && !starts_with(after, "[EXERCISE]");
        if (!answer) CHECK(starts_with(after, "[EXERCISE]"));
    }
    CHECK(bot_lines > 50);

    const std::string transcript = run.out.str();
    auto has = [&](const std::string& part) { return transcript.find(part) != std::string::npos; };
    CHECK(has("[EXERCISE] SCORECARD · INC-1 · build-dependency"));
    CHECK(has("Ran 2h from 2026-12-01 14:00 UTC; ended by @alice"));
    CHECK(has("Time to a Crisis Lead: 0s (@alice held the role from the start)"));
    CHECK(has("Time to the first approved communication: 30m (D-1, exec)"));
    CHECK(has("- D-1 (exec): approved in 5m"));
    CHECK(has("- D-2 (customers): approved in 0s"));
    CHECK(has("Injects posted: 9 of 9"));
    CHECK(has("- done at T+1h15m, within 2h: Ask the executives to approve revoking the code-signing certificate"));
    CHECK(has("- not done (expected within 1h30m): Publish a holding statement for the press"));
    CHECK(has("[EXERCISE] would be published to #exec-briefing: [INC-1] Build pipeline compromised"));
}
