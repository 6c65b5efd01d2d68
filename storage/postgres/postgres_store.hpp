#pragma once
// The PostgreSQL backend, for several replicas sharing one database: libpq's
// C API, every statement prepared once per connection, the schema migrated
// forward on open by whichever replica gets there first.
#include <memory>
#include <string>

#include "bot/store.hpp"

namespace warroom {

class PostgresConnection;

class PostgresStore final : public Store {
public:
    // Connects with `conninfo` (a postgresql:// or postgres:// URL, or libpq's
    // key=value form) and applies any migrations the database lacks. Throws
    // StorageUnavailable when the server cannot be reached, StorageError
    // otherwise (including for a database migrated by a newer build). No
    // message ever contains `conninfo`: it may hold a password.
    static std::unique_ptr<PostgresStore> open(const std::string& conninfo);
    ~PostgresStore() override;
    PostgresStore(const PostgresStore&) = delete;
    PostgresStore& operator=(const PostgresStore&) = delete;

    // Every transaction must be destroyed before the store is. After the
    // connection was lost, connects again first (once; StorageUnavailable if
    // the server is still unreachable).
    std::unique_ptr<Transaction> begin(TransactionKind kind = TransactionKind::write) override;
    std::string backend() const override { return "postgresql"; }

    int schema_version() const;                // the version in the database's warroom_schema table
    static int latest_schema_version();       // the number of migrations this build knows

private:
    explicit PostgresStore(std::unique_ptr<PostgresConnection> connection);
    // Migration 3 marks a database that had incidents: their audit chains begin here.
    void begin_chains_left_by_upgrade();

    std::unique_ptr<PostgresConnection> connection_;
    bool transaction_open_ = false;
};

}  // namespace warroom
