#include "bot/export.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "bot/audit_verify.hpp"
#include "bot/clock.hpp"
#include "bot/review.hpp"
#include "bot/text.hpp"

namespace warroom {
namespace {

bool known_format(std::string_view format) { return format == "md" || format == "json"; }

void explain_format(std::string_view format, std::ostream& err) {
    err << "warroom: unknown export format \"" << format
        << "\"; use --format md (the review) or --format json (the full record)\n";
}

// The incident id as typed, or nothing after saying how to write one.
std::optional<IncidentId> typed_incident(std::string_view incident, std::ostream& err) {
    auto id = parse_incident_id(incident);
    if (!id)
        err << "warroom: \"" << incident
            << "\" is not an incident id; write it like: warroom export INC-7 --format md\n";
    return id;
}

// The database opened, or nothing after saying why not.
std::unique_ptr<Store> opened(const StoreOpener& open, std::ostream& err) {
    try {
        return open();
    } catch (const StorageError& failure) {
        err << "warroom: " << failure.what() << '\n';
        return nullptr;
    }
}

bool said_unknown_incident(Transaction& tx, IncidentId id, std::ostream& err) {
    if (tx.incident(id)) return false;
    const auto incidents = tx.incidents(false);
    err << "warroom: " << to_string(id) << " does not exist in this database";
    if (incidents.empty()) err << ", which holds no incidents; check --db or WARROOM_DB\n";
    else if (incidents.size() == 1) err << "; it holds only " << to_string(incidents.front().id) << "\n";
    else err << "; it holds " << to_string(incidents.front().id) << " to " << to_string(incidents.back().id) << "\n";
    return true;
}

int report(IncidentId id, const AuditVerdict& verdict, std::string_view extra, std::ostream& out, std::ostream& err) {
    if (!verdict.verified()) {
        err << "warroom: " << to_string(id) << ": audit record NOT verified: " << verdict.problem->message << '\n';
        return 1;
    }
    out << to_string(id) << ": audit record verified: " << describe_head(id, verdict.head) << extra << '\n';
    out.flush();
    return out ? 0 : 1;
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
        if (said_unknown_incident(*tx, id, err)) return 1;
        const auto incident = tx->incident(id);
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
    else out << render_json(review).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    out.flush();
    return out ? 0 : 1;
}

int export_from_database(const StoreOpener& open, std::string_view incident, std::string_view format,
                         std::ostream& out, std::ostream& err) {
    const auto id = typed_incident(incident, err);
    if (!id) return 1;
    if (!known_format(format)) {
        explain_format(format, err);
        return 1;
    }
    auto store = opened(open, err);
    if (!store) return 1;
    return export_incident(*store, *id, format, out, err);
}

int verify_incident(Store& store, IncidentId id, const std::optional<std::string>& head, std::ostream& out,
                    std::ostream& err) {
    AuditVerdict verdict;
    std::string extra;
    try {
        auto tx = store.begin();   // read only
        if (said_unknown_incident(*tx, id, err)) return 1;
        verdict = verify_incident_record(*tx, *tx->incident(id));
        if (verdict.verified() && head) {
            const auto entries = tx->audit_entries(id);
            verdict.problem = check_posted_head(id, entries, *head);
            for (const AuditEntry& entry : entries)
                if (entry.hash == ascii_lower(trim(*head)))
                    extra = "; it contains the posted head (entry " + std::to_string(entry.seq) + ")";
        }
    } catch (const StorageError& error) {
        err << "warroom: cannot read " << to_string(id) << ": " << error.what() << '\n';
        return 1;
    }
    return report(id, verdict, extra, out, err);
}

int verify_in_database(const StoreOpener& open, std::string_view incident, const std::optional<std::string>& head,
                       std::ostream& out, std::ostream& err) {
    const auto id = typed_incident(incident, err);
    if (!id) return 1;
    auto store = opened(open, err);
    if (!store) return 1;
    return verify_incident(*store, *id, head, out, err);
}

int verify_exported_text(std::string_view text, std::string_view source, std::ostream& out, std::ostream& err) {
    const nlohmann::json file = nlohmann::json::parse(text, nullptr, false);
    if (file.is_discarded()) {
        err << "warroom: " << source << " is not JSON; export one with: warroom export INC-7 --format json > "
            << "INC-7.json\n";
        return 1;
    }
    ExportedAuditLoad load = read_exported_audit(file);
    if (!load.audit) {
        err << "warroom: " << source << ": " << load.problem << '\n';
        return 1;
    }
    const AuditVerdict verdict = verify_exported_audit(*load.audit);
    return report(load.audit->incident, verdict, std::string(" (from ") + std::string(source) + ")", out, err);
}

int verify_exported_file(const std::string& file, std::ostream& out, std::ostream& err) {
    std::string text;
    if (file == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            err << "warroom: cannot read " << file << "; name a file written by warroom export INC-7 --format json\n";
            return 1;
        }
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return verify_exported_text(text, file == "-" ? "standard input" : file, out, err);
}

}  // namespace warroom
