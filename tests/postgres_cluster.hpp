#pragma once
// A throwaway PostgreSQL server for tests, started and stopped by the tests
// themselves. Tag a test case that uses it [postgresql]: CTest then runs it
// against one cluster shared by the whole CTest run (see postgres_cluster.cpp);
// run any other way, the test process starts a cluster of its own on first
// use and stops it at exit.
#include <memory>
#include <string>

namespace warroom::test {

// A new, empty database on the test cluster:
// "postgresql://warroom@127.0.0.1:PORT/NAME". Throws std::runtime_error when
// the cluster cannot be started (saying to `apt-get install postgresql` when
// PostgreSQL's server programs are missing).
std::string fresh_postgres_database();

// Runs `sql` on the database at `url` with a connection of its own; returns
// the first column of the first row ("" when there is none).
std::string postgres_query(const std::string& url, const std::string& sql);

// A PostgreSQL server of one test's own, for outages: stop() shuts it down
// (fast: every session is ended), start() brings it back on the same port with
// the same data, so a bot reconnects with the URL it was given. Not the
// CTest-shared cluster, whose restart would fail the tests using it meanwhile.
// The role "warroom" has `password`, which the server asks for on TCP
// connections (scram-sha-256). Stopped and removed when destroyed, or by a
// watchdog process when the test process ends, even by a crash.
class PostgresServer {
public:
    explicit PostgresServer(std::string password);
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // "postgresql://warroom:PASSWORD@127.0.0.1:PORT/DATABASE".
    std::string url(const std::string& database) const;
    // A new, empty database on this server; its url().
    std::string fresh_database();
    void stop();    // waits until the server is down
    void start();   // waits until it accepts connections again

private:
    struct Running;
    std::string password_;
    std::unique_ptr<Running> running_;
};

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
int unused_local_port();

}  // namespace warroom::test
