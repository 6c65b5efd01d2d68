#include "bot/export.hpp"

#include <algorithm>
#include <filesystem>

#include "bot/clock.hpp"
#include "bot/review.hpp"
#include "storage/sqlite_store.hpp"

namespace warroom {
namespace {

bool known_format(std::string_view format) { return format == "md" || format == "json"; }

void explain_format(std::string_view format, std::ostream& err) {
    err << "warroom: unknown export format \"" << format
        << "\"; use --format md (the review) or --format json (the full record)\n";
}

}  // namespace

int export_incident(Store& store, IncidentId id, std::string_view format, std::ostream& out, std::ostream& err) {
    if (!known_format(format)) {
        explain_format(format, err);
        return 1;
    }
    Review review;
    try {
        auto tx = store.begin();   // read only: rolled back when it goes out of scope
        const auto incident = tx->incident(id);
        if (!incident) {
            const auto incidents = tx->incidents(false);
            err << "warroom: " << to_string(id) << " does not exist in this database";
            if (incidents.empty()) err << ", which holds no incidents; check --db or WARROOM_DB\n";
            else if (incidents.size() == 1) err << "; it holds only " << to_string(incidents.front().id) << "\n";
            else err << "; it holds " << to_string(incidents.front().id) << " to " << to_string(incidents.back().id)
                     << "\n";
            return 1;
        }
        // A database the console ran in simulated time can be ahead of the
        // wall clock; a review is never dated before the last thing it records.
        IncidentRecord record = read_record(*tx, *incident, SystemClock().now());
        if (!record.timeline.empty()) record.as_of = std::max(record.as_of, record.timeline.back().at);
        review = analyse(std::move(record));
    } catch (const StorageError& error) {
        err << "warroom: cannot read " << to_string(id) << ": " << error.what() << '\n';
        return 1;
    }
    if (format == "md") out << render_markdown(review);
    else out << render_json(review).dump(2) << '\n';
    out.flush();
    return out ? 0 : 1;
}

int export_from_database(const std::string& database, std::string_view incident, std::string_view format,
                         std::ostream& out, std::ostream& err) {
    const auto id = parse_incident_id(incident);
    if (!id) {
        err << "warroom: \"" << incident
            << "\" is not an incident id; write it like: warroom export INC-7 --format md\n";
        return 1;
    }
    if (!known_format(format)) {
        explain_format(format, err);
        return 1;
    }
    std::error_code error;
    if (!std::filesystem::exists(database, error)) {
        err << "warroom: there is no database at " << database << "; name the bot's database with --db FILE or "
            << "WARROOM_DB\n";
        return 1;
    }
    std::unique_ptr<SqliteStore> store;
    try {
        store = SqliteStore::open(database);
    } catch (const StorageError& failure) {
        err << "warroom: cannot open the database " << database << ": " << failure.what() << '\n';
        return 1;
    }
    return export_incident(*store, *id, format, out, err);
}

}  // namespace warroom
