#pragma once
// `warroom migrate-db --from A --to B`: moves everything a running warroom
// keeps (incidents, timelines, drafts, the outbox with its pending jobs,
// schedules, the audit record, platform ids, the Matrix sync position,
// processed event ids) from one database to another, typically from the
// SQLite file of a first try to the PostgreSQL of a production layout. The
// copy keeps every id, so the bot continues on the target where it stopped
// on the source and publishes nothing twice.
#include <cstdint>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/export.hpp"
#include "bot/store.hpp"

namespace warroom {

// Rows copied per table, in kStoredTables' order.
using CopiedRows = std::vector<std::pair<std::string_view, std::int64_t>>;

// Copies every table of `from` (read in one transaction) into `to` in one
// transaction: all or nothing. Throws StorageError when `to` holds anything
// already (nothing is written then). Leases (who runs the Matrix sync loop,
// who holds an outbox lane) belong to running processes and are not copied.
CopiedRows copy_database(Store& from, Store& to);

// The command: prints one line per table and a total on `out`; returns 0, or
// 1 after saying on `err` what is wrong.
int migrate_database(const StoreOpener& from, const StoreOpener& to, std::ostream& out, std::ostream& err);

}  // namespace warroom
