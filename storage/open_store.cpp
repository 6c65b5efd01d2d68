#include "storage/open_store.hpp"

#include <filesystem>
#include <regex>

#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace warroom {

Backend backend_of(std::string_view database) {
    if (database.starts_with("postgresql://") || database.starts_with("postgres://")) return Backend::postgresql;
    // libpq's key=value form: "host=... dbname=...". A file path with '=' in it
    // is unusual enough that it is read as connection keywords.
    static const std::regex keywords(R"(^\s*[A-Za-z_]+\s*=)");
    if (std::regex_search(std::string(database), keywords)) return Backend::postgresql;
    return Backend::sqlite;
}

std::string masked_database(std::string_view database) {
    std::string text(database);
    if (backend_of(database) == Backend::sqlite) return text;
    // postgresql://user:secret@host -> postgresql://user:***@host
    static const std::regex user_info(R"(^(postgres(?:ql)?://[^:/@?#]*:)[^@/?#]*@)");
    text = std::regex_replace(text, user_info, "$1***@");
    // ?password=secret&... and password=secret (or password='se cret')
    static const std::regex query_password(R"(([?&]password=)[^&#]*)");
    text = std::regex_replace(text, query_password, "$1***");
    static const std::regex keyword_password(R"((^|\s)(password\s*=\s*)('([^'\\]|\\.)*'|\S*))");
    text = std::regex_replace(text, keyword_password, "$1$2***");
    return text;
}

std::unique_ptr<Store> open_store(const std::string& database, OpenMode mode) {
    switch (backend_of(database)) {
        case Backend::postgresql:
            try {
                return PostgresStore::open(database);
            } catch (const StorageUnavailable& error) {
                throw StorageUnavailable("cannot reach " + masked_database(database) + ": " + error.what());
            } catch (const StorageError& error) {
                throw StorageError(masked_database(database) + ": " + error.what());
            }
        case Backend::sqlite:
            if (mode == OpenMode::existing && database != ":memory:" && !std::filesystem::exists(database))
                throw StorageError("there is no database at " + database +
                                   "; name the bot's database with --db FILE or WARROOM_DB");
            return SqliteStore::open(database);
    }
    throw StorageError("unknown database backend");
}

}  // namespace warroom
