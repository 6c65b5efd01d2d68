// warroom_bench: how fast the core handles what a busy incident throws at it,
// on a real SQLite file (WAL) as the bot runs it, or on PostgreSQL, by one
// process or by several replicas at once. Prints figures; asserts nothing.
//
//   build/warroom_bench [--quick] [--only updates|approvals|declare|schedules]
//   pg_virtualenv build/warroom_bench --postgres "" [--replicas 3]
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <regex>
#include <thread>
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
#include "storage/open_store.hpp"

using namespace warroom;
using Steady = std::chrono::steady_clock;

namespace {

// Performs effects by doing nothing: the figures are the core's and storage's.
struct DiscardingPerformer final : EffectPerformer {
    Delivery perform(const OutboxJob&) override { return Delivery::delivered(); }
};

// One process of warroom as far as the database can tell: its own connection,
// engine, clock and outbox holder. Several of them on one PostgreSQL database
// are replicas.
struct Bench {
    std::unique_ptr<Store> store;
    Playbook playbook = bundled_playbook();
    ManualClock clock{from_unix_ms(1'796'029'200'000)};
    Engine engine;
    DiscardingPerformer performer;
    OutboxQueue outbox;
    std::string replica;
    int next_event = 0;

    Bench(const std::string& database, std::string name)
        : store(open_store(database)),
          engine(*store, playbook, clock),
          outbox(*store, clock, name),
          replica(std::move(name)) {}

    Reply say(const std::string& user, const std::string& channel, const std::string& text) {
        return engine.handle(Event{EventId{replica + "-" + std::to_string(++next_event)}, UserId{user},
                                   ChannelName{channel}, CommandText{text}});
    }
    // What a replica's outbox loop does, minus the platform: claim, perform, complete, give back.
    void drain() {
        for (;;) {
            const auto lanes = outbox.claim(16, 64);
            if (lanes.empty()) return;
            for (const LaneJobs& lane : lanes) {
                for (const OutboxJob& job : lane.jobs)
                    outbox.complete(job, performer.perform(job).reference, lane.all && &job == &lane.jobs.back());
            }
        }
    }
};

// Where each section runs: a fresh SQLite file, or a fresh database on the
// PostgreSQL server `server` (libpq key=value settings; empty: the PG*
// environment variables, as pg_virtualenv sets them).
class Databases {
public:
    explicit Databases(std::optional<std::string> server) : server_(std::move(server)) {}
    ~Databases() {
        for (const auto& path : files_)
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
        for (const auto& name : databases_) admin("DROP DATABASE IF EXISTS " + name);
    }

    bool postgres() const { return server_.has_value(); }

    std::string fresh(const std::string& section) {
        if (!server_) {
            const auto path = std::filesystem::temp_directory_path() / ("warroom-bench-" + section + ".db");
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
            files_.push_back(path);
            return path.string();
        }
        const std::string name = "warroom_bench_" + section + "_" + std::to_string(::getpid());
        admin("DROP DATABASE IF EXISTS " + name);
        admin("CREATE DATABASE " + name);
        databases_.push_back(name);
        return *server_ + " dbname=" + name;
    }

private:
    void admin(const std::string& sql) const {
        PGconn* connection = PQconnectdb((*server_ + " dbname=postgres").c_str());
        if (PQstatus(connection) != CONNECTION_OK) {
            const std::string problem = PQerrorMessage(connection);
            PQfinish(connection);
            throw std::runtime_error("cannot reach the PostgreSQL server for the benchmark: " + problem);
        }
        PQsetNoticeProcessor(connection, [](void*, const char*) {}, nullptr);   // "does not exist, skipping"
        PGresult* result = PQexec(connection, sql.c_str());
        const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
        const std::string problem = PQerrorMessage(connection);
        PQclear(result);
        PQfinish(connection);
        if (!ok) throw std::runtime_error(sql + ": " + problem);
    }

    std::optional<std::string> server_;
    std::vector<std::filesystem::path> files_;
    std::vector<std::string> databases_;
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

// `replicas` threads, each a Bench of its own on `database` running
// step(bench, replica, i) `count` times: the figures of them all together.
template <class F>
Timings measure_replicas(const std::string& database, int replicas, int count, F&& step) {
    std::vector<std::unique_ptr<Bench>> benches;
    for (int k = 1; k <= replicas; ++k) benches.push_back(std::make_unique<Bench>(database, "replica-" + std::to_string(k)));
    std::vector<Timings> each(static_cast<std::size_t>(replicas));
    const auto start = Steady::now();
    std::vector<std::thread> threads;
    for (int k = 1; k <= replicas; ++k)
        threads.emplace_back([&, k] {
            Bench& bench = *benches[static_cast<std::size_t>(k - 1)];
            each[static_cast<std::size_t>(k - 1)] = measure(count, [&](int i) { step(bench, k, i); });
        });
    for (auto& thread : threads) thread.join();
    Timings all;
    for (const Timings& timings : each) all.micros.insert(all.micros.end(), timings.micros.begin(), timings.micros.end());
    all.total_seconds = std::chrono::duration<double>(Steady::now() - start).count();
    return all;
}

// Replica k's incident: the first keeps the single-process benchmark's title.
std::string incident_title(int k) { return k == 1 ? "Benchmark incident" : "Benchmark incident " + std::to_string(k); }
std::string incident_channel(int k) {
    return "inc-" + std::to_string(k) + (k == 1 ? "-benchmark-incident" : "-benchmark-incident-" + std::to_string(k));
}

bool is_section(std::string_view name) {
    return name == "updates" || name == "approvals" || name == "declare" || name == "schedules";
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    bool quick = false;
    std::string only;   // one section, so that a profiler or a whole-process timer sees just it
    std::optional<std::string> postgres;
    int replicas = 1;
    const char* usage =
        "usage: warroom_bench [--quick] [--only updates|approvals|declare|schedules] [--postgres SETTINGS "
        "[--replicas N]]\n";
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--quick") {
            quick = true;
        } else if (arg == "--only" && i + 1 < argc && is_section(argv[i + 1])) {
            only = argv[++i];
        } else if (arg == "--postgres" && i + 1 < argc) {
            postgres = argv[++i];
        } else if (arg == "--replicas" && i + 1 < argc && std::atoi(argv[i + 1]) >= 1) {
            replicas = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "%s", usage);
            return 2;
        }
    }
    if (replicas > 1 && !postgres) {
        std::fprintf(stderr, "warroom_bench: --replicas needs --postgres: replicas share a PostgreSQL database\n");
        return 2;
    }
    const auto runs = [&](const char* section) { return only.empty() || only == section; };
    const int n = quick ? 200 : 2000;
    Databases databases(postgres);
    std::printf("warroom core benchmark: %s, %d replica(s), bundled playbook, effects discarded\n\n",
                postgres ? "PostgreSQL" : "SQLite file in WAL mode", replicas);

    if (runs("updates")) {
        const std::string database = databases.fresh("updates");
        {
            Bench setup(database, "setup");
            for (int k = 1; k <= replicas; ++k) {
                setup.say("alice", "general", "/incident declare sev1 " + incident_title(k));
                setup.say("alice", incident_channel(k), "/incident workstream engineering @bob");
            }
            setup.drain();
        }
        measure_replicas(database, replicas, n, [](Bench& bench, int k, int i) {
            const Reply reply = bench.say("bob", "inc-" + std::to_string(k) + "-engineering",
                                          "/incident update progress " + std::to_string(i));
            if (reply.kind != Reply::Kind::ok) throw std::runtime_error("update refused: " + reply.text);
            bench.drain();
        }).print("update (command + commit + outbox drain)", "commands");
    }
    if (runs("approvals")) {
        const std::string database = databases.fresh("approvals");
        {
            Bench setup(database, "setup");
            for (int k = 1; k <= replicas; ++k) setup.say("alice", "general", "/incident declare sev2 " + incident_title(k));
            setup.drain();
        }
        static const std::regex draft_id(R"(D-\d+)");
        measure_replicas(database, replicas, n / 2, [](Bench& bench, int k, int i) {
            const Reply drafted =
                bench.say("alice", incident_channel(k), "/incident draft exec Status " + std::to_string(i));
            std::smatch id;
            if (!std::regex_search(drafted.text, id, draft_id)) throw std::runtime_error("no draft: " + drafted.text);
            const Reply reply = bench.say("alice", incident_channel(k), "/incident approve " + id.str());
            if (reply.kind != Reply::Kind::ok) throw std::runtime_error("approval refused: " + reply.text);
            bench.drain();
        }).print("draft + approve + publish once", "drafts");
    }
    if (runs("declare")) {
        const std::string database = databases.fresh("declare");
        measure_replicas(database, replicas, n / 10 / replicas, [](Bench& bench, int k, int i) {
            bench.say("alice", "general",
                      "/incident declare sev1 Incident number " + std::to_string(k) + "-" + std::to_string(i));
            bench.drain();
        }).print("declare sev1 (4 channels, invites, cadences)", "incidents");
    }
    if (runs("schedules")) {
        // 50 open sev1 incidents, each with 3 workstream syncs every 30m, an
        // all-hands sync every 1h and a summary every 2h: six hours of rhythm.
        // One process: schedules fire once whichever replica runs them.
        Bench bench(databases.fresh("schedules"), "replica-1");
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
