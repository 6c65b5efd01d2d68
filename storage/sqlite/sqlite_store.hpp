#pragma once
// The default storage backend: one SQLite file in WAL mode, schema migrated
// forward on open.
#include <memory>
#include <string>

#include "bot/store.hpp"

struct sqlite3;

namespace warroom {

class StatementCache;
class WalCheckpointer;

class SqliteStore final : public Store {
public:
    // Opens or creates the database at `path` (":memory:" for a private
    // in-memory one) and applies any migrations it lacks. Throws StorageError
    // when it cannot, including for a database written by a newer build.
    static std::unique_ptr<SqliteStore> open(const std::string& path);
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    // Every transaction must be destroyed before the store is. Both kinds take
    // the write lock: one writer at a time, across processes.
    std::unique_ptr<Transaction> begin(TransactionKind kind = TransactionKind::write) override;
    std::string backend() const override { return "sqlite"; }
    // Held transactions are savepoints in one IMMEDIATE transaction, opened
    // by the first of them and committed by commit_group().
    bool begin_group() override;
    void commit_group() override;
    void abort_group() override;

    int schema_version() const;                // the database's PRAGMA user_version
    static int latest_schema_version();       // the number of migrations this build knows

private:
    explicit SqliteStore(sqlite3* db);
    // Migration 3 marks a database that had incidents: their audit chains begin here.
    void begin_chains_left_by_upgrade();

    sqlite3* db_;
    std::unique_ptr<StatementCache> kept_statements_;
    std::unique_ptr<WalCheckpointer> checkpointer_;   // a file in WAL mode only
    bool transaction_open_ = false;
    bool grouping_ = false;            // between begin_group() and its end
    bool group_open_ = false;          // the group's outer transaction has begun
};

}  // namespace warroom
