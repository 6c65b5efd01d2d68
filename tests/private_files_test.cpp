// The database (with its WAL files) and the console's history are
// created readable by their owner only, whatever the umask.
#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "bot/private_file.hpp"
#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;

namespace {

mode_t mode_of(const std::filesystem::path& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 0777;
}

// The umask most systems start with, which lets everyone read a new file.
struct UsualUmask {
    mode_t saved = ::umask(022);
    ~UsualUmask() { ::umask(saved); }
};

// A folder of the test's own, removed with everything in it.
struct TempFolder {
    std::filesystem::path path = temp_path("warroom-home");
    TempFolder() { std::filesystem::create_directories(path); }
    ~TempFolder() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("the database and its WAL files are readable by their owner only", "[files]") {
    UsualUmask umask;
    TempDatabase db;
    {
        auto store = SqliteStore::open(db.path.string());
        auto tx = store->begin();
        tx->set_platform_ref("test", "key", "value");
        tx->commit();
        // While the connection is open the WAL and its index exist.
        CHECK(mode_of(db.path) == 0600);
        CHECK(mode_of(db.path.string() + "-wal") == 0600);
        CHECK(mode_of(db.path.string() + "-shm") == 0600);
    }
    CHECK(mode_of(db.path) == 0600);
}

TEST_CASE("an existing database keeps the mode its operator gave it", "[files]") {
    UsualUmask umask;
    TempDatabase db;
    SqliteStore::open(db.path.string());
    REQUIRE(::chmod(db.path.c_str(), 0640) == 0);
    SqliteStore::open(db.path.string());
    CHECK(mode_of(db.path) == 0640);
}

TEST_CASE("a database that cannot be created is a clear error", "[files]") {
    CHECK_THROWS_WITH(SqliteStore::open("/nonexistent-folder/warroom.db"),
                      Catch::Contains("cannot create the database /nonexistent-folder/warroom.db") &&
                          Catch::Contains("No such file"));
}

TEST_CASE("make_private_file tightens a file a former version left readable", "[files]") {
    UsualUmask umask;
    TempFolder folder;
    const auto file = folder.path / "history";
    { std::ofstream(file) << "old line\n"; }
    REQUIRE(mode_of(file) == 0644);
    REQUIRE(make_private_file(file.string()));
    CHECK(mode_of(file) == 0600);
    CHECK(read_file(file) == "old line\n");
}

// The interactive console (a terminal on its input) keeps a history of what
// was typed in ~/.warroom_history: driven here through a pseudo-terminal.
TEST_CASE("the interactive console's history and database are readable by their owner only", "[files][console]") {
    UsualUmask umask;
    TempFolder home;
    const auto db = home.path / "warroom.db";
    int terminal = -1;
    const pid_t child = ::forkpty(&terminal, nullptr, nullptr, nullptr);
    REQUIRE(child >= 0);
    if (child == 0) {
        const std::string home_variable = "HOME=" + home.path.string();
        const std::string db_variable = "WARROOM_DB=" + db.string();
        char* const argv[] = {const_cast<char*>(WARROOM_BINARY), const_cast<char*>("console"), nullptr};
        char* const envp[] = {const_cast<char*>(home_variable.c_str()), const_cast<char*>(db_variable.c_str()),
                              const_cast<char*>("TERM=dumb"), nullptr};
        ::execve(WARROOM_BINARY, argv, envp);
        ::_exit(127);
    }
    // Type once the prompt shows, then end the input (Ctrl-D on an empty line).
    std::string shown;
    bool typed = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd ready{terminal, POLLIN, 0};
        if (::poll(&ready, 1, 100) <= 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(terminal, buffer, sizeof buffer);
        if (n <= 0) break;   // the console ended: the terminal is closed
        shown.append(buffer, static_cast<std::size_t>(n));
        if (!typed && shown.find("> ") != std::string::npos) {
            const std::string input = "/incident declare sev3 Private history\r";
            REQUIRE(::write(terminal, input.data(), input.size()) == static_cast<ssize_t>(input.size()));
            typed = true;
        } else if (typed && shown.find("INC-1") != std::string::npos &&
                   shown.rfind("> ") > shown.find("INC-1")) {
            REQUIRE(::write(terminal, "\x04", 1) == 1);
        }
    }
    int status = -1;
    REQUIRE(::waitpid(child, &status, 0) == child);
    ::close(terminal);
    INFO(shown);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    const auto history = home.path / ".warroom_history";
    // libedit writes its own format: spaces as \040.
    CHECK(read_file(history).find("Private\\040history") != std::string::npos);
    CHECK(mode_of(history) == 0600);
    CHECK(mode_of(db) == 0600);
}
