#pragma once
// Opens the store a database setting names (WARROOM_DB, --db): a PostgreSQL
// URL ("postgresql://user:pass@host:5432/db", "postgres://...") or libpq's
// key=value form ("host=db1 dbname=warroom") selects PostgreSQL; anything
// else is a SQLite file path.
#include <memory>
#include <string>
#include <string_view>

#include "bot/store.hpp"

namespace warroom {

enum class Backend { sqlite, postgresql };

// Which backend `database` names.
Backend backend_of(std::string_view database);

// `database` as it may be shown in a message or a log line: a PostgreSQL
// password (in the URL's user info, `?password=`, or `password=`) is
// replaced by "***".
std::string masked_database(std::string_view database);

enum class OpenMode {
    create,          // a missing SQLite file is created (the bot)
    existing,        // a missing SQLite file is an error (export, verify, migrate-db's source)
};

// Opens and migrates the store. Throws StorageError (StorageUnavailable when
// the database cannot be reached) with a message naming the database, masked.
std::unique_ptr<Store> open_store(const std::string& database, OpenMode mode = OpenMode::create);

}  // namespace warroom
