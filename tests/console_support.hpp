#pragma once
// Helpers for tests that run the console on a database file, in process or as
// the real executable.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/console/console_adapter.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace warroom::test {

inline std::filesystem::path temp_path(const std::string& stem) {
    std::random_device device;
    return std::filesystem::temp_directory_path() / (stem + "-" + std::to_string(device()) + ".db");
}

// A database file removed with its WAL files when the test ends.
struct TempDatabase {
    std::filesystem::path path = temp_path("warroom-test");
    ~TempDatabase() {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    }
};

// A directory of the test's own, removed with everything in it when the test ends.
struct TempDir {
    std::filesystem::path path = make();
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    static std::filesystem::path make() {
        std::string pattern = (std::filesystem::temp_directory_path() / "warroom-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary directory");
        return pattern;
    }
};

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

struct CommandResult {
    int status = -1;                   // as pclose() returns it; 0 is success
    std::string output;                // stdout and whatever the command redirects there
};

// Runs a shell command line and collects its output.
inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) result.output.append(buffer, n);
    result.status = pclose(pipe);
    return result;
}

// One bot process on a database file in simulated time. Like `warroom
// console --simulated-clock`, it continues from the database's saved clock
// if there is one, else from `start`.
struct SimulatedConsole {
    SimulatedConsole(const std::filesystem::path& db, Time start)
        : store(SqliteStore::open(db.string())), clock(saved_clock().value_or(start)),
          engine(*store, playbook, clock), adapter(engine, *store, clock, out, err, &clock) {}

    std::optional<Time> saved_clock() {
        auto tx = store->begin();
        if (auto value = tx->platform_ref("console", "simulated_clock")) return from_unix_ms(std::stoll(*value));
        return std::nullopt;
    }

    int script(const std::string& lines) {
        std::istringstream in(lines);
        return adapter.run_script(in);
    }

    Playbook playbook = bundled_playbook();
    std::unique_ptr<SqliteStore> store;
    ManualClock clock;
    Engine engine;
    std::ostringstream out, err;
    console::ConsoleAdapter adapter;
};

}  // namespace warroom::test
