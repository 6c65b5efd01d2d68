#include "bot/migrate_db.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace warroom {
namespace {

// Held by a process of the source's deployment; the target's own processes take them anew.
bool is_lease_table(std::string_view table) { return table == "leases"; }

std::size_t column_of(const TableRows& rows, std::string_view name) {
    const auto at = std::find(rows.columns.begin(), rows.columns.end(), name);
    if (at == rows.columns.end()) throw StorageError("the outbox has no column " + std::string(name));
    return static_cast<std::size_t>(at - rows.columns.begin());
}

// The lanes of the pending jobs, free: whatever held them is not running
// against the target (and a SQLite source, one process's, keeps no lanes).
TableRows free_lanes_of(const TableRows& outbox) {
    const std::size_t lane = column_of(outbox, "lane"), done_at = column_of(outbox, "done_at");
    std::set<std::string> pending;
    for (const auto& row : outbox.rows)
        if (std::holds_alternative<std::monostate>(row[done_at])) pending.insert(std::get<std::string>(row[lane]));
    TableRows lanes{{"lane", "holder", "lease_until"}, {}};
    for (const std::string& name : pending) lanes.rows.push_back({name, std::monostate{}, std::monostate{}});
    return lanes;
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
    TableRows outbox;
    for (std::string_view table : kStoredTables) {
        if (is_lease_table(table)) continue;
        // kStoredTables has the outbox before its lanes.
        TableRows rows = table == "outbox_lanes" ? free_lanes_of(outbox) : source->read_table(table);
        if (table == "outbox") outbox = rows;
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
