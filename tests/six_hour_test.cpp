// examples/six-hour-sev1.txt end to end on the console in simulated time:
// reminders and sync reports at the right times, a stale workstream flagged,
// summaries on cadence published only once approved, and restarts that
// neither lose nor repeat anything.
#include <catch2/catch.hpp>

#include <map>

#include "adapters/console/console_adapter.hpp"
#include "console_support.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace warroom;
using namespace warroom::test;
namespace fs = std::filesystem;

namespace {

const Time kNine = from_unix_ms(1'796'029'200'000);   // 2026-11-30 09:00 UTC, as the script's header says

std::vector<std::string> script_lines() {
    return lines_of(read_file(fs::path(WARROOM_SOURCE_DIR) / "examples/six-hour-sev1.txt"));
}

std::string join(const std::vector<std::string>& lines, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to && i < lines.size(); ++i) out += lines[i] + "\n";
    return out;
}

// The transcript grouped by the simulated time printed before each part.
using ByTime = std::map<std::string, std::vector<std::string>>;

ByTime by_time(const std::string& transcript) {
    ByTime groups;
    std::string now = "?";
    for (const std::string& line : lines_of(transcript)) {
        if (line.rfind("[clock] ", 0) == 0) {
            now = line.substr(19, 5);   // "[clock] 2026-11-30 09:25 UTC" -> "09:25"
            continue;
        }
        groups[now].push_back(line);
    }
    return groups;
}

std::size_t count(const std::vector<std::string>& lines, const std::string& part) {
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.find(part) != std::string::npos;
    }));
}

std::size_t count_everywhere(const ByTime& groups, const std::string& part) {
    std::size_t total = 0;
    for (const auto& [time, lines] : groups) total += count(lines, part);
    return total;
}

// Everything but the clock lines, which a restarted console repeats.
std::vector<std::string> without_clock(const std::string& transcript) {
    std::vector<std::string> out;
    for (const std::string& line : lines_of(transcript))
        if (line.rfind("[clock] ", 0) != 0) out.push_back(line);
    return out;
}

void check_six_hours(const std::string& transcript) {
    const ByTime at = by_time(transcript);
    // 09:25: engineering and communications reminded 5 minutes before their 30m sync.
    CHECK(count(at.at("09:25"), "#inc-1-engineering <warroom> Sync for engineering at 2026-11-30 09:30 UTC (in 5m)") ==
          1);
    CHECK(count(at.at("09:25"), "#inc-1-communications <warroom> Sync for communications at 2026-11-30 09:30 UTC") ==
          1);
    CHECK(count(at.at("09:30"), "#inc-1-engineering <warroom> Sync · workstream engineering") == 1);
    // Legal's own sync is every 2h: no reminder at 09:25.
    CHECK(count(at.at("09:25"), "#inc-1-legal") == 0);
    // 09:55 reminder and 10:00 all-hands report: legal, silent since 09:00, is flagged.
    CHECK(count(at.at("09:55"), "#inc-1-compromised-build-dependency <warroom> All-hands sync at 2026-11-30 10:00 UTC "
                                "(in 5m)") == 1);
    CHECK(count(at.at("09:55"), "#inc-1-legal <warroom> All-hands sync at 2026-11-30 10:00 UTC (in 5m): legal has no "
                                "update") == 1);
    CHECK(count(at.at("09:55"), "(waiting for: legal)") == 1);
    CHECK(count(at.at("10:00"), "#inc-1-compromised-build-dependency <warroom> All-hands sync report") == 1);
    CHECK(count(at.at("10:00"), "- legal (lead @lena): no update yet — STALE: no update since 2026-11-30 09:00 UTC") ==
          1);
    CHECK(count(at.at("10:00"), "Stale: legal —") == 1);
    // The all-hands sync moved to every 90 minutes at 10:10: next at 11:40, then 13:10 and 14:40.
    CHECK(count(at.at("11:40"), "All-hands sync report") == 1);
    CHECK(count(at.at("13:10"), "All-hands sync report") == 1);
    CHECK(count(at.at("14:40"), "All-hands sync report") == 1);
    CHECK(count_everywhere(at, "All-hands sync report") == 4);
    // Summary D-1 prepared at 11:00, reminded at 11:15, published at 11:20 once approved.
    CHECK(count(at.at("11:00"), "@alice <warroom> [approval D-1 · INC-1 · exec → #exec-briefing · by @warroom]") == 1);
    CHECK(count(at.at("11:15"), "@alice <warroom> Reminder: executive summary D-1 of INC-1 has waited 15m") == 1);
    CHECK(count(at.at("11:20"), "#exec-briefing <warroom> [INC-1] Executive summary: INC-1") == 1);
    // D-2 prepared at 13:00, reminded at 13:15 and at 15:00 (no D-3), published only at 15:00 on approval.
    CHECK(count(at.at("13:00"), "[approval D-2 · INC-1 · exec") == 1);
    CHECK(count(at.at("13:15"), "Reminder: executive summary D-2 of INC-1 has waited 15m") == 1);
    CHECK(count(at.at("15:00"), "Reminder: executive summary D-2 of INC-1 has waited 2h 00m") == 1);
    CHECK(count_everywhere(at, "[approval D-3") == 0);
    CHECK(count(at.at("15:00"), "#exec-briefing <warroom> [INC-1] Executive summary: INC-1") == 1);
    CHECK(count_everywhere(at, "#exec-briefing <warroom> ") == 2);
    // Engineering and communications syncs were switched off at 11:20: none after.
    for (const char* later : {"11:25", "11:30", "12:00", "12:30", "13:30"}) {
        INFO(later);
        if (at.count(later)) CHECK(count(at.at(later), "#inc-1-engineering <warroom> Sync") == 0);
    }
}

}  // namespace

TEST_CASE("six hours of a sev1 in simulated time keep their rhythm", "[cadence][console][integration]") {
    TempDatabase db;
    SimulatedConsole run(db.path, kNine);
    CHECK(run.script(join(script_lines(), 0, script_lines().size())) == 0);
    CHECK(run.err.str().empty());
    check_six_hours(run.out.str());
}

TEST_CASE("restarting in the middle of six simulated hours neither loses nor repeats anything",
          "[cadence][console][integration][restart]") {
    const auto lines = script_lines();
    std::string uninterrupted;
    {
        TempDatabase db;
        SimulatedConsole run(db.path, kNine);
        REQUIRE(run.script(join(lines, 0, lines.size())) == 0);
        uninterrupted = run.out.str();
    }
    // Restart after every :advance: each run continues from the saved clock
    // and the schedules waiting in the database.
    TempDatabase db;
    std::string restarted;
    std::size_t from = 0;
    for (std::size_t i = 0; i <= lines.size(); ++i) {
        if (i < lines.size() && lines[i].rfind(":advance", 0) != 0) continue;
        SimulatedConsole run(db.path, kNine);
        REQUIRE(run.script(join(lines, from, i + 1)) == 0);
        restarted += run.out.str();
        from = i + 1;
    }
    CHECK(without_clock(restarted) == without_clock(uninterrupted));
    check_six_hours(restarted);
}

TEST_CASE("warroom console --simulated-clock runs the six-hour script", "[cadence][console][integration][binary]") {
    TempDatabase db;
    const fs::path script = fs::path(WARROOM_SOURCE_DIR) / "examples/six-hour-sev1.txt";
    const auto run = run_command(std::string(WARROOM_BINARY) + " --db '" + db.path.string() +
                                 "' console --simulated-clock=2026-11-30T09:00Z --script '" + script.string() + "' 2>&1");
    CHECK(run.status == 0);
    check_six_hours(run.output);

    // A second start on the same database continues from 15:00, not from the given start.
    const auto again = run_command("printf ':now\\n' | " + std::string(WARROOM_BINARY) + " --db '" + db.path.string() +
                                   "' console --simulated-clock=2026-11-30T09:00Z --script - 2>&1");
    CHECK(again.status == 0);
    CHECK(again.output.find("already at 2026-11-30 15:00 UTC; continuing from there") != std::string::npos);
    CHECK(again.output.find("2026-11-30 15:00 UTC (simulated)") != std::string::npos);
}
