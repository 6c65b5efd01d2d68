#pragma once
// A throwaway PostgreSQL server for tests, started and stopped by the tests
// themselves. Tag a test case that uses it [postgresql]: CTest then runs it
// against one cluster shared by the whole CTest run (see postgres_cluster.cpp);
// run any other way, the test process starts a cluster of its own on first
// use and stops it at exit.
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

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
int unused_local_port();

}  // namespace warroom::test
