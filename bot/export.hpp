#pragma once
// `warroom export INC-N --format md|json`: the review (Markdown) or the full
// record (JSON) of one incident, read straight from storage.
#include <ostream>
#include <string>
#include <string_view>

#include "bot/ids.hpp"
#include "storage/store.hpp"

namespace warroom {

// Writes the export to `out`; returns 0, or 1 after saying on `err` what is
// wrong (an unknown incident or format) and what to type instead.
int export_incident(Store& store, IncidentId incident, std::string_view format, std::ostream& out,
                    std::ostream& err);

// The command line's entry point: `incident` as typed ("INC-7"), `database`
// a SQLite file that must already exist (an export never creates one).
int export_from_database(const std::string& database, std::string_view incident, std::string_view format,
                         std::ostream& out, std::ostream& err);

}  // namespace warroom
