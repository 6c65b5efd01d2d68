#include "bot/migrate_db.hpp"

#include <algorithm>

namespace warroom {
namespace {

// Held by a process of the source's deployment; the target's own processes take them anew.
bool is_lease_table(std::string_view table) { return table == "leases"; }

// An outbox lane is copied free: the replica that held it is not running against the target.
void free_lanes(TableRows& lanes) {
    for (std::size_t column = 0; column < lanes.columns.size(); ++column)
        if (lanes.columns[column] == "holder" || lanes.columns[column] == "lease_until")
            for (auto& row : lanes.rows) row[column] = std::monostate{};
}

}  // namespace

CopiedRows copy_database(Store& from, Store& to) {
    auto target = to.begin();
    for (std::string_view table : kStoredTables)
        if (const std::int64_t rows = target->count_rows(table); rows > 0)
            throw StorageError("the target database is not empty (" + std::to_string(rows) + " rows in " +
                               std::string(table) + "); migrate-db copies into an empty database only");
    auto source = from.begin();
    CopiedRows copied;
    for (std::string_view table : kStoredTables) {
        if (is_lease_table(table)) continue;
        TableRows rows = source->read_table(table);
        if (table == "outbox_lanes") free_lanes(rows);
        target->write_table(table, rows);
        copied.emplace_back(table, static_cast<std::int64_t>(rows.rows.size()));
    }
    target->commit();
    return copied;
}

int migrate_database(const StoreOpener& from, const StoreOpener& to, std::ostream& out, std::ostream& err) {
    try {
        auto source = from();
        auto target = to();
        const CopiedRows copied = copy_database(*source, *target);
        std::int64_t total = 0;
        for (const auto& [table, rows] : copied) {
            out << table << ": " << rows << '\n';
            total += rows;
        }
        out << "copied " << total << " rows from " << source->backend() << " to " << target->backend()
            << "; start warroom with the new WARROOM_DB\n";
        return 0;
    } catch (const StorageError& error) {
        err << "warroom: migrate-db: " << error.what() << '\n';
        return 1;
    }
}

}  // namespace warroom
