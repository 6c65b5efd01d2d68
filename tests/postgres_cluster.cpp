// The test cluster. Two ways it comes to be:
//
// - Under CTest, every Catch2 test case is a process of its own, and starting
//   a cluster in each would cost ~0.7 s apiece. So tests/CMakeLists.txt gives
//   the test cases tagged [postgresql] a CTest fixture: the test "postgres
//   cluster: start" runs first and leaves a cluster running, its URL written
//   to the file named by WARROOM_TEST_POSTGRES_FILE (set for those tests
//   only); "postgres cluster: stop" stops it after the last of them. Each test
//   process makes its databases there and drops them when it exits.
// - Otherwise (the test binary run by hand, the fixture's file missing or its
//   cluster not answering) the process starts its own cluster on first use,
//   in a fresh temporary directory, and a watchdog process stops it and
//   removes the directory when the test process ends, even by a crash: the
//   watchdog waits on a pipe whose other end only the test process holds.
//
// Either cluster: initdb with trust authentication for the user "warroom",
// listening on 127.0.0.1 on a free port and a socket in its own directory,
// fsync off. PostgreSQL refuses to run as root, so as root the server
// programs run as "nobody", which then owns the directory.
#include "postgres_cluster.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace warroom::test {
namespace {

namespace fs = std::filesystem;

const char* const kSharedClusterFileVariable = "WARROOM_TEST_POSTGRES_FILE";

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string last_lines(const fs::path& log, std::size_t count = 15) {
    std::vector<std::string> lines;
    std::istringstream in(read_file(log));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::string tail;
    for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
        tail += "\n  " + lines[i];
    return tail;
}

// Where initdb, pg_ctl and postgres are: pg_config's answer, else the newest
// of Debian's /usr/lib/postgresql/N/bin.
fs::path server_programs() {
    const auto complete = [](const fs::path& dir) {
        return fs::exists(dir / "initdb") && fs::exists(dir / "pg_ctl") && fs::exists(dir / "postgres");
    };
    if (FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r")) {
        char buffer[4096] = {};
        const bool read = std::fgets(buffer, sizeof buffer, pipe) != nullptr;
        ::pclose(pipe);
        std::string dir = read ? buffer : "";
        while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
        if (!dir.empty() && complete(dir)) return dir;
    }
    std::optional<fs::path> newest;
    int newest_version = -1;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ignored)) {
        const std::string name = entry.path().filename().string();
        const bool version = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
        if (!version || !complete(entry.path() / "bin")) continue;
        if (std::stoi(name) > newest_version) {
            newest_version = std::stoi(name);
            newest = entry.path() / "bin";
        }
    }
    if (!newest)
        throw std::runtime_error("the PostgreSQL tests need PostgreSQL's server programs (initdb, pg_ctl, "
                                 "postgres), which are not installed: apt-get install postgresql");
    return *newest;
}

// As root, what runs a server program as "nobody"; otherwise nothing.
struct ClusterOwner {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<std::string> prefix;
};

const ClusterOwner& cluster_owner() {
    static const ClusterOwner owner = [] {
        ClusterOwner result;
        if (::geteuid() != 0) return result;
        const passwd* nobody = ::getpwnam("nobody");
        if (!nobody) throw std::runtime_error("PostgreSQL refuses to run as root, and there is no user nobody");
        result.uid = nobody->pw_uid;
        result.gid = nobody->pw_gid;
        result.prefix = {"setpriv", "--reuid=" + std::to_string(result.uid), "--regid=" + std::to_string(result.gid),
                         "--clear-groups", "--"};
        return result;
    }();
    return owner;
}

std::vector<std::string> as_owner(std::vector<std::string> argv) {
    std::vector<std::string> command = cluster_owner().prefix;
    command.insert(command.end(), argv.begin(), argv.end());
    return command;
}

// Starts `argv` with stdin from `input_fd` (or /dev/null), stdout and stderr
// into `log`, in `directory`, inheriting no other descriptor (so a server it
// starts keeps none of the test's sockets or CTest's output pipes open).
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log, const fs::path& directory, int input_fd = -1) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (input_fd >= 0) posix_spawn_file_actions_adddup2(&actions, input_fd, STDIN_FILENO);
    else posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (std::string& arg : copy) args.push_back(arg.data());
    args.push_back(nullptr);
    pid_t pid = 0;
    const int failed = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(failed));
    return pid;
}

bool succeeded(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void run(const std::vector<std::string>& argv, const fs::path& log, const fs::path& directory) {
    if (!succeeded(spawn(argv, log, directory)))
        throw std::runtime_error("the test cluster: " + argv[cluster_owner().prefix.size()] + " failed:" +
                                 last_lines(log));
}

struct ClusterFiles {
    fs::path bin;
    fs::path dir;                      // owned by the cluster's user; holds data/, logs, the socket
    fs::path data() const { return dir / "data"; }
    std::vector<std::string> stop_command(const char* mode) const {
        return as_owner({(bin / "pg_ctl").string(), "stop", "-D", data().string(), "-m", mode, "-w"});
    }
};

ClusterFiles make_cluster_directory() {
    ClusterFiles files{server_programs(), {}};
    std::string pattern = (fs::temp_directory_path() / "warroom-postgres-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a directory for the test cluster");
    files.dir = pattern;
    if (::geteuid() == 0 && ::chown(pattern.c_str(), cluster_owner().uid, cluster_owner().gid) != 0)
        throw std::runtime_error("cannot give the test cluster's directory to nobody");
    return files;
}

// initdb (trust for the role "warroom"; with a `password`, that password is
// asked for on TCP connections, as a real server's would be) and the test
// settings.
void init_cluster(const ClusterFiles& files, const std::string& password = "") {
    std::vector<std::string> initdb = {(files.bin / "initdb").string(), "-D", files.data().string(), "-U", "warroom",
                                       "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"};
    if (password.empty()) {
        initdb.insert(initdb.end(), {"-A", "trust"});
    } else {
        const fs::path password_file = files.dir / "password";
        {
            std::ofstream out(password_file);
            out << password << "\n";
            if (!out) throw std::runtime_error("cannot write the test cluster's password file");
        }
        if (::geteuid() == 0 && ::chown(password_file.c_str(), cluster_owner().uid, cluster_owner().gid) != 0)
            throw std::runtime_error("cannot give the test cluster's password file to nobody");
        initdb.insert(initdb.end(), {"--auth-local=trust", "--auth-host=scram-sha-256",
                                     "--pwfile=" + password_file.string()});
    }
    run(as_owner(initdb), files.dir / "initdb.log", files.dir);
    std::ofstream conf(files.data() / "postgresql.conf", std::ios::app);
    conf << "\n# the warroom test cluster\n"
         << "listen_addresses = '127.0.0.1'\n"
         << "unix_socket_directories = '" << files.dir.string() << "'\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         << "shared_buffers = 32MB\nmax_connections = 100\n";
    if (!conf) throw std::runtime_error("cannot configure the test cluster");
}

// pg_ctl start on `port`, waiting until the server accepts connections; false if it did not start.
bool start_server(const ClusterFiles& files, int port) {
    return succeeded(spawn(as_owner({(files.bin / "pg_ctl").string(), "start", "-D", files.data().string(), "-l",
                                     (files.dir / "postgres.log").string(), "-w", "-t", "60", "-o",
                                     "-p " + std::to_string(port)}),
                           files.dir / "pg_ctl.log", files.dir));
}

// Starts an initialised cluster on a free port; returns the port. Another
// process may take the port between our look and the server's bind: then
// another port, twice more.
int start_on_free_port(const ClusterFiles& files) {
    for (int attempt = 1;; ++attempt) {
        const int port = unused_local_port();
        if (start_server(files, port)) return port;
        if (attempt == 3) throw std::runtime_error("the test cluster did not start:" + last_lines(files.dir / "postgres.log"));
    }
}

// initdb, then pg_ctl start on a free port; returns the base URL
// "postgresql://warroom@127.0.0.1:PORT".
std::string start_cluster(const ClusterFiles& files) {
    init_cluster(files);
    return "postgresql://warroom@127.0.0.1:" + std::to_string(start_on_free_port(files));
}

// Stops a cluster of this process and removes its directory when the process
// ends, even by a crash: it waits on a pipe whose write end only this process
// holds, so its read sees end of file once this process has exited (or
// finish() closed it).
class Watchdog {
public:
    explicit Watchdog(const ClusterFiles& files) {
        int pipe_ends[2];
        if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw std::runtime_error("cannot make the watchdog's pipe");
        std::vector<std::string> watchdog = {"sh", "-c", R"(dir=$0; read -r _; "$@"; rm -rf -- "$dir")",
                                             files.dir.string()};
        for (std::string& arg : files.stop_command("fast")) watchdog.push_back(std::move(arg));
        try {
            pid_ = spawn(watchdog, "/dev/null", "/", pipe_ends[0]);
        } catch (...) {
            ::close(pipe_ends[0]);
            ::close(pipe_ends[1]);
            throw;
        }
        ::close(pipe_ends[0]);
        keep_alive_ = pipe_ends[1];
    }
    ~Watchdog() { finish(); }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    // Stops the cluster and removes its directory now, and waits until that is done.
    void finish() {
        if (keep_alive_ < 0) return;
        ::close(keep_alive_);
        keep_alive_ = -1;
        succeeded(pid_);
    }

private:
    pid_t pid_ = 0;
    int keep_alive_ = -1;
};

// The cluster this process makes its databases on.
class Cluster {
public:
    virtual ~Cluster() = default;
    virtual const std::string& base_url() const = 0;
    virtual void created(const std::string& /*database*/) {}
};

// One of this process: stopped and removed at exit by its watchdog.
class OwnCluster final : public Cluster {
public:
    OwnCluster() : files_(make_cluster_directory()) {
        try {
            watchdog_.emplace(files_);
        } catch (...) {
            fs::remove_all(files_.dir);
            throw;
        }
        base_url_ = start_cluster(files_);   // on failure, the watchdog stops what started and removes the directory
    }
    const std::string& base_url() const override { return base_url_; }

private:
    ClusterFiles files_;
    std::optional<Watchdog> watchdog_;   // so the cluster is gone when the tests are
    std::string base_url_;
};

// The CTest run's: this process only drops the databases it made.
class SharedCluster final : public Cluster {
public:
    explicit SharedCluster(std::string base_url) : base_url_(std::move(base_url)) {}
    ~SharedCluster() override {
        for (const std::string& name : databases_) {
            try {
                postgres_query(base_url_ + "/postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (const std::exception&) {
                // The cluster is stopped at the end of the run anyway.
            }
        }
    }
    const std::string& base_url() const override { return base_url_; }
    void created(const std::string& database) override { databases_.push_back(database); }

private:
    std::string base_url_;
    std::vector<std::string> databases_;
};

std::optional<fs::path> shared_cluster_file() {
    const char* file = std::getenv(kSharedClusterFileVariable);
    if (!file || !*file) return std::nullopt;
    return fs::path(file);
}

// The file's first line is the base URL, the second the cluster's directory.
std::vector<std::string> read_shared_cluster_file(const fs::path& file) {
    std::vector<std::string> lines;
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::unique_ptr<Cluster> find_or_start_cluster() {
    if (auto file = shared_cluster_file(); file && fs::exists(*file)) {
        const auto lines = read_shared_cluster_file(*file);
        if (!lines.empty() && PQping((lines[0] + "/postgres").c_str()) == PQPING_OK)
            return std::make_unique<SharedCluster>(lines[0]);
    }
    return std::make_unique<OwnCluster>();
}

Cluster& the_cluster() {
    static const std::unique_ptr<Cluster> cluster = find_or_start_cluster();
    return *cluster;
}

void stop_shared_cluster(const fs::path& file) {
    const auto lines = read_shared_cluster_file(file);
    if (lines.size() >= 2 && fs::exists(fs::path(lines[1]) / "data")) {
        const ClusterFiles files{server_programs(), lines[1]};
        // A server that died already does not stop, and need not.
        succeeded(spawn(files.stop_command("fast"), files.dir / "pg_ctl.log", files.dir));
        fs::remove_all(files.dir);
    }
    fs::remove(file);
}

}  // namespace

std::string fresh_postgres_database() {
    static std::atomic<int> counter{0};
    static std::mutex creating;
    Cluster& cluster = the_cluster();
    std::random_device random;
    const std::string name = "warroom_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
                             std::to_string(random() % 1000000);
    postgres_query(cluster.base_url() + "/postgres", "CREATE DATABASE " + name);
    const std::lock_guard lock(creating);
    cluster.created(name);
    return cluster.base_url() + "/" + name;
}

std::string postgres_query(const std::string& url, const std::string& sql) {
    const std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error("cannot connect to the test cluster: " + std::string(PQerrorMessage(conn.get())));
    PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error("the test cluster refused " + sql + ": " + PQerrorMessage(conn.get()));
    if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0) return "";
    return PQgetvalue(result.get(), 0, 0);
}

struct PostgresServer::Running {
    explicit Running(const std::string& password) : files(make_cluster_directory()) {
        try {
            watchdog.emplace(files);
        } catch (...) {
            fs::remove_all(files.dir);
            throw;
        }
        init_cluster(files, password);
        port = start_on_free_port(files);
    }

    ClusterFiles files;
    std::optional<Watchdog> watchdog;   // stops the server and removes its directory, at the latest at exit
    int port = 0;
    bool up = true;
};

PostgresServer::PostgresServer(std::string password)
    : password_(std::move(password)), running_(std::make_unique<Running>(password_)) {}

PostgresServer::~PostgresServer() = default;

std::string PostgresServer::url(const std::string& database) const {
    return "postgresql://warroom:" + password_ + "@127.0.0.1:" + std::to_string(running_->port) + "/" + database;
}

std::string PostgresServer::fresh_database() {
    static std::atomic<int> counter{0};
    const std::string name = "warroom_outage_" + std::to_string(counter++);
    postgres_query(url("postgres"), "CREATE DATABASE " + name);
    return url(name);
}

void PostgresServer::stop() {
    if (!running_->up) return;
    const ClusterFiles& files = running_->files;
    if (!succeeded(spawn(files.stop_command("fast"), files.dir / "pg_ctl.log", files.dir)))
        throw std::runtime_error("the test server did not stop:" + last_lines(files.dir / "pg_ctl.log"));
    running_->up = false;
}

void PostgresServer::start() {
    if (running_->up) return;
    // The same port: the bot reconnects with the URL it was given.
    if (!start_server(running_->files, running_->port))
        throw std::runtime_error("the test server did not start again on port " + std::to_string(running_->port) +
                                 ":" + last_lines(running_->files.dir / "postgres.log"));
    running_->up = true;
}

int unused_local_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("cannot open a socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    if (!bound) throw std::runtime_error("cannot find a free port on 127.0.0.1");
    return ntohs(address.sin_port);
}

// The CTest fixture's two ends (tests/CMakeLists.txt runs them by name;
// hidden, so no other run includes them). A cluster left behind by an
// interrupted run is replaced.
TEST_CASE("postgres cluster: start one for the ctest run", "[.postgres-fixture]") {
    const auto file = shared_cluster_file();
    INFO("CTest sets " << kSharedClusterFileVariable << " for this test (tests/CMakeLists.txt)");
    REQUIRE(file);
    if (fs::exists(*file)) stop_shared_cluster(*file);
    const ClusterFiles files = make_cluster_directory();
    std::string base_url;
    try {
        base_url = start_cluster(files);
    } catch (...) {
        succeeded(spawn(files.stop_command("immediate"), "/dev/null", "/"));
        fs::remove_all(files.dir);
        throw;
    }
    fs::create_directories(file->parent_path());
    std::ofstream(*file) << base_url << "\n" << files.dir.string() << "\n";
    CHECK(PQping((base_url + "/postgres").c_str()) == PQPING_OK);
}

TEST_CASE("postgres cluster: stop the ctest run's", "[.postgres-fixture]") {
    const auto file = shared_cluster_file();
    INFO("CTest sets " << kSharedClusterFileVariable << " for this test (tests/CMakeLists.txt)");
    REQUIRE(file);
    if (fs::exists(*file)) stop_shared_cluster(*file);
    CHECK_FALSE(fs::exists(*file));
}

}  // namespace warroom::test
