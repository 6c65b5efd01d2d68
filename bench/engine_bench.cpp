// warroom_bench: how fast the core handles what a busy incident throws at it,
// on a real SQLite file (WAL) as the bot runs it. Prints figures; asserts nothing.
//
//   build/warroom_bench [--quick] [--only updates|approvals|declare|schedules]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "bot/engine.hpp"
#include "bot/outbox.hpp"
#include "bot/playbook.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace warroom;
using Steady = std::chrono::steady_clock;

namespace {

// Performs effects by doing nothing: the figures are the core's and storage's.
struct DiscardingPerformer final : EffectPerformer {
    std::string perform(const OutboxJob&) override { return {}; }
};

struct Bench {
    std::filesystem::path path;
    std::unique_ptr<SqliteStore> store;
    Playbook playbook = bundled_playbook();
    ManualClock clock{from_unix_ms(1'796'029'200'000)};
    Engine engine;
    DiscardingPerformer performer;
    int next_event = 0;

    explicit Bench(const std::string& name)
        : path(std::filesystem::temp_directory_path() / ("warroom-bench-" + name + ".db")),
          store((remove_files(), SqliteStore::open(path.string()))),
          engine(*store, playbook, clock) {}
    ~Bench() {
        store.reset();
        remove_files();
    }

    void remove_files() const {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    }

    Reply say(const std::string& user, const std::string& channel, const std::string& text) {
        return engine.handle(Event{EventId{"bench-" + std::to_string(++next_event)}, UserId{user},
                                   ChannelName{channel}, CommandText{text}});
    }
    void drain() { drain_outbox(*store, performer, clock); }
};

struct Timings {
    std::vector<double> micros;
    double total_seconds = 0;

    void print(const char* what, const char* unit) {
        std::sort(micros.begin(), micros.end());
        auto at = [&](double q) { return micros[static_cast<std::size_t>(q * (micros.size() - 1))]; };
        std::printf("%-44s %8zu %-10s %9.0f/s   p50 %7.0f us   p99 %7.0f us   max %7.0f us\n", what, micros.size(),
                    unit, micros.size() / total_seconds, at(0.5), at(0.99), micros.back());
    }
};

template <class F>
Timings measure(int count, F&& step) {
    Timings timings;
    const auto start = Steady::now();
    for (int i = 0; i < count; ++i) {
        const auto before = Steady::now();
        step(i);
        timings.micros.push_back(std::chrono::duration<double, std::micro>(Steady::now() - before).count());
    }
    timings.total_seconds = std::chrono::duration<double>(Steady::now() - start).count();
    return timings;
}

bool is_section(std::string_view name) {
    return name == "updates" || name == "approvals" || name == "declare" || name == "schedules";
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    bool quick = false;
    std::string only;   // one section, so that a profiler or a whole-process timer sees just it
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--quick") {
            quick = true;
        } else if (arg == "--only" && i + 1 < argc && is_section(argv[i + 1])) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "usage: warroom_bench [--quick] [--only updates|approvals|declare|schedules]\n");
            return 2;
        }
    }
    const auto runs = [&](const char* section) { return only.empty() || only == section; };
    const int n = quick ? 200 : 2000;
    std::printf("warroom core benchmark: SQLite file in WAL mode, bundled playbook, effects discarded\n\n");

    if (runs("updates")) {
        Bench bench("updates");
        bench.say("alice", "general", "/incident declare sev1 Benchmark incident");
        bench.say("alice", "inc-1-benchmark-incident", "/incident workstream engineering @bob");
        bench.drain();
        measure(n, [&](int i) {
            const Reply reply = bench.say("bob", "inc-1-engineering", "/incident update progress " + std::to_string(i));
            if (reply.kind != Reply::Kind::ok) throw std::runtime_error("update refused: " + reply.text);
            bench.drain();
        }).print("update (command + commit + outbox drain)", "commands");
    }
    if (runs("approvals")) {
        Bench bench("approvals");
        bench.say("alice", "general", "/incident declare sev2 Benchmark incident");
        bench.drain();
        measure(n / 2, [&](int i) {
            bench.say("alice", "inc-1-benchmark-incident", "/incident draft exec Status " + std::to_string(i));
            const Reply reply =
                bench.say("alice", "inc-1-benchmark-incident", "/incident approve D-" + std::to_string(i + 1));
            if (reply.kind != Reply::Kind::ok) throw std::runtime_error("approval refused: " + reply.text);
            bench.drain();
        }).print("draft + approve + publish once", "drafts");
    }
    if (runs("declare")) {
        Bench bench("declare");
        measure(n / 10, [&](int i) {
            bench.say("alice", "general", "/incident declare sev1 Incident number " + std::to_string(i));
            bench.drain();
        }).print("declare sev1 (4 channels, invites, cadences)", "incidents");
    }
    if (runs("schedules")) {
        // 50 open sev1 incidents, each with 3 workstream syncs every 30m, an
        // all-hands sync every 1h and a summary every 2h: six hours of rhythm.
        Bench bench("schedules");
        for (int i = 0; i < 50; ++i) bench.say("alice", "general", "/incident declare sev1 Rhythm " + std::to_string(i));
        bench.drain();
        const auto start = Steady::now();
        const Time until = bench.clock.now() + std::chrono::hours(6);
        Timings timings;
        while (auto due = bench.engine.next_due_time()) {
            if (*due > until) break;
            bench.clock.set(*due);
            const auto before = Steady::now();
            const auto batch = bench.engine.run_due_schedules();
            bench.drain();
            const double micros = std::chrono::duration<double, std::micro>(Steady::now() - before).count();
            for (std::size_t k = 0; k < batch; ++k) timings.micros.push_back(micros / static_cast<double>(batch));
        }
        timings.total_seconds = std::chrono::duration<double>(Steady::now() - start).count();
        timings.print("schedule fired (reminder/report/summary)", "fired");
    }
    return 0;
}
