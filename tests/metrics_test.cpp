// Prometheus metrics (bot/metrics.hpp): what the engine and the outbox count,
// what a scrape reads from the store, and an exposition promtool accepts.
// The instruments are process-wide, so every check compares before and after.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bot/metrics.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

extern char** environ;

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kMain = "inc-1-payroll-phishing";

double value_of(std::string_view name, const metrics::Labels& labels = {}) {
    return metrics::value(name, labels).value_or(0);
}

double commands(std::string_view subcommand, std::string_view outcome) {
    return value_of("warroom_commands_total",
                    {{"subcommand", std::string(subcommand)}, {"outcome", std::string(outcome)}});
}

std::string scrape(Harness& h) {
    auto tx = h.store->begin();
    return metrics::scrape(*tx, h.clock.now());
}

// Every warroom_commands_total series, summed: what an event that is no command must leave alone.
double commands_counted(Harness& h) {
    double total = 0;
    std::istringstream lines(scrape(h));
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("warroom_commands_total{", 0) == 0) total += std::stod(line.substr(line.rfind(' ') + 1));
    return total;
}

// A file under the temp directory, removed at the end.
class TempFile {
public:
    explicit TempFile(const std::string& stem)
        : path_(fs::temp_directory_path() /
                (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()))) {}
    ~TempFile() {
        std::error_code ignored;
        fs::remove(path_, ignored);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const fs::path& path() const { return path_; }
    std::string read() const {
        std::ifstream in(path_);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    fs::path path_;
};

// promtool from the PATH (Debian's `prometheus` package), if installed.
std::optional<fs::path> find_promtool() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "promtool";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return std::nullopt;
}

struct Finished {
    int exit_code = -1;   // -1: it did not exit normally
    std::string output;   // stdout and stderr
};

// Runs promtool with `arguments` and its stdin read from `input`, as a child process.
Finished run_promtool(const fs::path& promtool, std::vector<std::string> arguments, const fs::path& input) {
    const TempFile output("warroom-promtool-output");
    std::string program = promtool.string();
    std::vector<char*> argv{program.data()};
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return Finished{WIFEXITED(status) ? WEXITSTATUS(status) : -1, output.read()};
}

}  // namespace

TEST_CASE("metrics: each command counts once, under its subcommand and outcome", "[metrics]") {
    Harness h;
    const double declared = commands("declare", "ok");
    const double refused_status = commands("status", "refused");
    const double unknown = commands("unknown", "invalid");
    const double help = commands("help", "ok");
    const double status_ok = commands("status", "ok");
    const double listed = commands("list", "ok");
    const double redelivered = commands("list", "ignored");
    const double approved = commands("approve", "ok");
    const double escalation = commands("escalation", "invalid");
    const double invalid_declare = commands("declare", "invalid");
    const double commits = value_of("warroom_store_commit_seconds");

    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    CHECK(commands("declare", "ok") == declared + 1);
    CHECK(value_of("warroom_store_commit_seconds") > commits);

    refused(h, 1, "bob", kMain, "/incident status mitigating", "only the Crisis Lead");
    CHECK(commands("status", "refused") == refused_status + 1);
    invalid(h, "alice", "general", "/incident frobnicate now", "there is no command");
    CHECK(commands("unknown", "invalid") == unknown + 1);
    invalid(h, "alice", "general", "/incident declare sev9 Nothing", "is not a severity");
    CHECK(commands("declare", "invalid") == invalid_declare + 1);
    ok(h, "alice", "general", "/incident");
    CHECK(commands("help", "ok") == help + 1);
    // Named by its incident, in capitals, after blanks: the same subcommand.
    ok(h, "alice", "general", "/incident  INC-1\tSTATUS mitigating");
    CHECK(commands("status", "ok") == status_ok + 1);

    // A redelivered event is ignored, and counted as such.
    const Event list{EventId{"list-once"}, UserId{"alice"}, ChannelName{"general"}, CommandText{"/incident list"}};
    CHECK(h.send(list).kind == Reply::Kind::ok);
    CHECK(h.send(list).kind == Reply::Kind::ignored);
    CHECK(commands("list", "ok") == listed + 1);
    CHECK(commands("list", "ignored") == redelivered + 1);

    // A card button counts as the subcommand it stands for; an escalation answer as "escalation".
    ok(h, "lena", kMain, "/incident draft exec Payroll phishing contained; no data lost.");
    CHECK(h.click("alice", 1, CardDecision::approve).kind == Reply::Kind::ok);
    CHECK(commands("approve", "ok") == approved + 1);
    CHECK(h.answer("ceo", 99, true).kind == Reply::Kind::error);
    CHECK(commands("escalation", "invalid") == escalation + 1);

    // Ordinary chat is no command: nothing counted.
    const double total = commands_counted(h);
    CHECK(h.say("alice", kMain, "the incident is going fine").kind == Reply::Kind::ignored);
    CHECK(h.say("alice", kMain, "/incidents are fun").kind == Reply::Kind::ignored);
    CHECK(commands_counted(h) == total);
}

TEST_CASE("metrics: a scrape shows open incidents by severity, waiting drafts and the outbox", "[metrics]") {
    Harness h;
    std::string text = scrape(h);
    CHECK_THAT(text, Contains("# TYPE warroom_open_incidents gauge"));
    // Every severity is there, at 0 too; exercises apart.
    for (const char* severity : {"sev1", "sev2", "sev3", "sev4"})
        for (const char* exercise : {"true", "false"})
            CHECK(metrics::value("warroom_open_incidents", {{"severity", severity}, {"exercise", exercise}}) == 0.0);
    CHECK(value_of("warroom_outbox_depth") == 0);
    CHECK(value_of("warroom_outbox_oldest_job_age_seconds") == 0);
    CHECK(value_of("warroom_drafts_waiting", {{"exercise", "false"}}) == 0);
    CHECK(value_of("warroom_oldest_draft_wait_seconds", {{"exercise", "false"}}) == 0);

    ok(h, "alice", "general", "/incident declare sev2 Payroll phishing");
    ok(h, "lena", kMain, "/incident draft exec Payroll phishing contained; no data lost.");
    ok(h, "alice", "general", "/incident exercise build-dependency");   // a sev1 exercise
    const std::size_t pending = h.pending_jobs().size();
    REQUIRE(pending > 0);
    h.clock.advance(std::chrono::seconds(90));

    text = scrape(h);
    CHECK(value_of("warroom_open_incidents", {{"severity", "sev2"}, {"exercise", "false"}}) == 1);
    CHECK(value_of("warroom_open_incidents", {{"severity", "sev1"}, {"exercise", "false"}}) == 0);
    CHECK(value_of("warroom_open_incidents", {{"severity", "sev1"}, {"exercise", "true"}}) == 1);
    CHECK(value_of("warroom_drafts_waiting", {{"exercise", "false"}}) == 1);
    CHECK(value_of("warroom_oldest_draft_wait_seconds", {{"exercise", "false"}}) == 90);
    CHECK(value_of("warroom_drafts_waiting", {{"exercise", "true"}}) == 0);
    CHECK(value_of("warroom_outbox_depth") == static_cast<double>(pending));
    CHECK(value_of("warroom_outbox_oldest_job_age_seconds") == 90);
    // The text says the same as the values.
    CHECK_THAT(text, Contains("warroom_drafts_waiting{exercise=\"false\"} 1\n"));
    CHECK_THAT(text, Contains("warroom_outbox_oldest_job_age_seconds 90\n"));

    // Performed: the outbox is empty and every job counted done.
    const double done = value_of("warroom_outbox_jobs_done_total");
    h.drain();
    scrape(h);
    CHECK(value_of("warroom_outbox_depth") == 0);
    CHECK(value_of("warroom_outbox_oldest_job_age_seconds") == 0);
    CHECK(value_of("warroom_outbox_jobs_done_total") == done + static_cast<double>(pending));

    // Approved: no draft waits; published once its job is performed.
    const double published = value_of("warroom_publishes_total");
    ok(h, "alice", kMain, "/incident approve D-1");
    scrape(h);
    CHECK(value_of("warroom_drafts_waiting", {{"exercise", "false"}}) == 0);
    CHECK(value_of("warroom_oldest_draft_wait_seconds", {{"exercise", "false"}}) == 0);
    CHECK(value_of("warroom_outbox_depth") > 0);
    CHECK(value_of("warroom_publishes_total") == published);
    h.drain();
    CHECK(value_of("warroom_publishes_total") == published + 1);

    // Resolved: no longer open.
    ok(h, "alice", kMain, "/incident status resolved");
    scrape(h);
    CHECK(value_of("warroom_open_incidents", {{"severity", "sev2"}, {"exercise", "false"}}) == 0);
}

TEST_CASE("metrics: a failed delivery counts as an outbox failure, a schedule's lateness is observed", "[metrics]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    const double failures = value_of("warroom_outbox_failures_total");
    h.performer.fail_if = [](const OutboxJob&) { return true; };
    h.drain();
    CHECK(value_of("warroom_outbox_failures_total") == failures + 1);
    h.performer.fail_if = nullptr;
    h.drain();

    // A sev1 has a cadence: its first schedule fires within the hour.
    const double observed = value_of("warroom_schedule_lag_seconds");
    REQUIRE(h.advance(std::chrono::hours(1)) > 0);
    CHECK(value_of("warroom_schedule_lag_seconds") > observed);
}

TEST_CASE("metrics: platform series appear once the adapter reports on its platform", "[metrics]") {
    CHECK_FALSE(metrics::connected("metrics-test-platform"));
    CHECK_FALSE(metrics::value("warroom_platform_connected", {{"platform", "metrics-test-platform"}}));
    metrics::set_connected("metrics-test-platform", true);
    CHECK(metrics::connected("metrics-test-platform"));
    CHECK(value_of("warroom_platform_connected", {{"platform", "metrics-test-platform"}}) == 1);
    CHECK(value_of("warroom_platform_reconnects_total", {{"platform", "metrics-test-platform"}}) == 0);
    metrics::set_connected("metrics-test-platform", false);
    metrics::reconnected("metrics-test-platform");
    CHECK_FALSE(metrics::connected("metrics-test-platform"));
    CHECK(value_of("warroom_platform_reconnects_total", {{"platform", "metrics-test-platform"}}) == 1);
}

TEST_CASE("metrics: counting on several threads while another scrapes loses nothing", "[metrics]") {
    Harness h;
    const double before = commands("note", "ok");
    const double pauses = value_of("warroom_rate_limit_pauses_total", {{"cause", "pacing"}});
    constexpr int kThreads = 4;
    constexpr int kEach = 20000;
    std::atomic<bool> counting{true};
    std::string last;   // Catch2 checks on this thread only
    std::thread scraper([&] {
        auto tx = h.store->begin();
        do {
            last = metrics::scrape(*tx, h.clock.now());
        } while (counting);
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([] {
            for (int i = 0; i < kEach; ++i) {
                metrics::command_handled("note", metrics::CommandOutcome::ok);
                metrics::rate_limit_paused();
                metrics::store_committed(std::chrono::microseconds(i % 50));
                metrics::set_connected("metrics-test-threads", i % 2 == 0);
            }
        });
    for (std::thread& thread : threads) thread.join();
    counting = false;
    scraper.join();
    CHECK_THAT(last, Contains("warroom_commands_total{"));
    CHECK(commands("note", "ok") == before + kThreads * kEach);
    CHECK(value_of("warroom_rate_limit_pauses_total", {{"cause", "pacing"}}) == pauses + kThreads * kEach);
}

TEST_CASE("metrics: the exposition passes promtool check metrics", "[metrics]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    ok(h, "lena", kMain, "/incident draft exec Payroll phishing contained; no data lost.");
    h.clock.advance(std::chrono::minutes(3));
    // Every family present, the platform ones included.
    metrics::envelope_acked(std::chrono::milliseconds(12));
    metrics::matrix_sync_lag(std::chrono::milliseconds(1500));
    metrics::set_connected("slack", true);
    metrics::reconnected("slack");
    metrics::rate_limit_paused();
    metrics::rate_limit_paused(metrics::PauseCause::server);
    metrics::schedule_fired(std::chrono::milliseconds(40));
    const std::string text = scrape(h);
    for (const char* family :
         {"warroom_commands_total", "warroom_ack_latency_seconds_bucket", "warroom_store_commit_seconds_count",
          "warroom_publishes_total", "warroom_outbox_jobs_done_total", "warroom_outbox_failures_total",
          "warroom_rate_limit_pauses_total", "warroom_platform_reconnects_total", "warroom_platform_connected",
          "warroom_matrix_sync_lag_seconds", "warroom_schedule_lag_seconds_sum", "warroom_outbox_depth",
          "warroom_outbox_oldest_job_age_seconds", "warroom_open_incidents", "warroom_drafts_waiting",
          "warroom_oldest_draft_wait_seconds", "warroom_build_info"})
        CHECK_THAT(text, Contains(std::string("\n") + family));

    const auto promtool = find_promtool();
    if (!promtool) {
        WARN("promtool is not installed (Debian package `prometheus`, which scripts/deps.sh installs for the "
             "tests): the exposition was not checked");
        return;
    }
    TempFile exposition("warroom-metrics");
    std::ofstream(exposition.path()) << text;
    const Finished checked = run_promtool(*promtool, {"check", "metrics"}, exposition.path());
    INFO("promtool check metrics:\n" << checked.output);
    CHECK(checked.exit_code == 0);
    CHECK(checked.output.empty());   // no lint complaint either
}
