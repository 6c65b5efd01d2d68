#pragma once
// `warroom export INC-N --format md|json`: the review (Markdown) or the full
// record (JSON) of one incident, read straight from storage.
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "bot/ids.hpp"
#include "bot/store.hpp"

namespace warroom {

// Writes the export to `out`; returns 0, or 1 after saying on `err` what is
// wrong (an unknown incident or format) and what to type instead.
int export_incident(Store& store, IncidentId incident, std::string_view format, std::ostream& out,
                    std::ostream& err);

// Opens the database an export reads; throws StorageError saying why it cannot
// (an export never creates a database).
using StoreOpener = std::function<std::unique_ptr<Store>()>;

// The command line's entry point: `incident` as typed ("INC-7").
int export_from_database(const StoreOpener& open, std::string_view incident, std::string_view format,
                         std::ostream& out, std::ostream& err);

// `warroom export INC-N --verify [--head HASH]`: checks the incident's audit
// record (bot/audit_verify.hpp) and, with `head`, that it still contains a
// head posted earlier. Returns 0 after printing one line ("INC-1: audit record
// verified: 42 entries, head ..."), or 1 after saying on `err` the first thing
// that fails.
int verify_incident(Store& store, IncidentId incident, const std::optional<std::string>& head, std::ostream& out,
                    std::ostream& err);
int verify_in_database(const StoreOpener& open, std::string_view incident, const std::optional<std::string>& head,
                       std::ostream& out, std::ostream& err);

// `warroom verify FILE.json`: the chain checks on an exported file, without
// any database. `file` may be "-" for standard input.
int verify_exported_file(const std::string& file, std::ostream& out, std::ostream& err);
// The same on the file's text (the fuzz target's entry point).
int verify_exported_text(std::string_view text, std::string_view source, std::ostream& out, std::ostream& err);

}  // namespace warroom
