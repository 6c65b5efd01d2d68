// The audit record checked (bot/audit_verify.hpp): `warroom export INC-N
// --verify [--head HASH]` and `warroom verify FILE.json` through the real
// executable, on SQLite databases a whole incident left through the console
// adapter, then tampered with the way someone holding the file would.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <map>
#include <set>
#include <random>

#include <nlohmann/json.hpp>

#include "bot/audit_verify.hpp"
#include "bot/export.hpp"
#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

const Time kStart = from_unix_ms(1'795'000'000'000);
const std::string kMain = "#inc-1-payroll-phishing";

// A whole incident, resolved: drafts approved, sent back, revised, rejected
// and withdrawn, an escalation allowed, a handover, an executive summary
// published, the status walked to resolved (which anchors the head).
const std::string kWholeIncident = R"(alice: /incident declare sev2 Payroll phishing
#inc-1-payroll-phishing alice: /incident workstream engineering @bob
#inc-1-payroll-phishing alice: /incident workstream communications @carol
#inc-1-engineering bob: /incident update Sender domain blocked at the gateway
#inc-1-payroll-phishing carol: /incident draft employees Do not open mail about payroll changes today.
alice: /incident approve D-1
#inc-1-payroll-phishing carol: /incident draft exec Three users clicked
alice: /incident changes D-2 Say what we did about it
carol: /incident revise D-2 Three users clicked; their passwords and sessions were reset.
alice: /incident reject D-2 The summary will say it
#inc-1-payroll-phishing carol: /incident draft employees Second notice
carol: /incident withdraw D-3
#inc-1-payroll-phishing alice: /incident escalate Take the payroll portal offline for an hour --by 30m
erin: /incident allow E-1 Go ahead
#inc-1-payroll-phishing alice: /incident severity sev1
#inc-1-payroll-phishing alice: /incident lead @bob
#inc-1-payroll-phishing bob: /incident lead accept
#inc-1-payroll-phishing bob: /incident summary Next update at 11:00 after the mailbox sweep
bob: /incident approve D-4
:advance 10m
#inc-1-payroll-phishing bob: /incident status mitigated
#inc-1-payroll-phishing bob: /incident status resolved
)";

// Runs `script` through the console adapter on `db`; its transcript.
std::string run_script(const TempDatabase& db, const std::string& script) {
    SimulatedConsole console(db.path, kStart);
    REQUIRE(console.script(script) == 0);
    return console.out.str();
}

std::string warroom_at(const TempDatabase& db) {
    return std::string(WARROOM_BINARY) + " --db '" + db.path.string() + "' ";
}

int exit_code(const CommandResult& run) { return WIFEXITED(run.status) ? WEXITSTATUS(run.status) : -1; }

CommandResult verify(const TempDatabase& db, const std::string& more = "") {
    return run_command(warroom_at(db) + "export INC-1 --verify" + more + " 2>&1");
}

// Plain SQL on the database file, as anyone holding it could run.
class Sql {
public:
    explicit Sql(const fs::path& path) {
        REQUIRE(sqlite3_open(path.string().c_str(), &db_) == SQLITE_OK);
        exec("PRAGMA synchronous=OFF");
    }
    ~Sql() { sqlite3_close(db_); }
    Sql(const Sql&) = delete;
    Sql& operator=(const Sql&) = delete;

    void exec(const std::string& sql) {
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
        INFO(sql << ": " << (message ? message : ""));
        sqlite3_free(message);
        REQUIRE(rc == SQLITE_OK);
    }
    std::string text(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
        std::string result;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
            result.assign(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                          static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
        sqlite3_finalize(stmt);
        return result;
    }
    sqlite3* handle() { return db_; }

private:
    sqlite3* db_ = nullptr;
};

std::string quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += "''";
        else out += c;
    }
    return out + "'";
}

std::vector<AuditEntry> entries_of(const TempDatabase& db, std::int64_t incident = 1) {
    auto store = SqliteStore::open(db.path.string());
    auto tx = store->begin();
    return tx->audit_entries(IncidentId{incident});
}

const AuditEntry& first_of_kind(const std::vector<AuditEntry>& entries, const std::string& kind) {
    const auto found = std::find_if(entries.begin(), entries.end(), [&](const AuditEntry& e) { return e.kind == kind; });
    REQUIRE(found != entries.end());
    return *found;
}

// Writes `entry` over the row of its incident and seq.
void overwrite(Sql& sql, const AuditEntry& entry) {
    sql.exec("UPDATE audit_log SET at = " + std::to_string(to_unix_ms(entry.at)) + ", actor = " +
             quote(entry.actor.value()) + ", actor_name = " + quote(entry.actor_name) + ", kind = " +
             quote(entry.kind) + ", facts = " + quote(entry.facts) + ", prev_hash = " + quote(entry.prev_hash) +
             ", hash = " + quote(entry.hash) + " WHERE incident_id = " + std::to_string(entry.incident.value()) +
             " AND seq = " + std::to_string(entry.seq));
}

// Re-seals the chain from `from` on, as a forger who knows the format would.
void reseal(Sql& sql, std::vector<AuditEntry> entries, std::size_t from) {
    for (std::size_t i = from; i < entries.size(); ++i) {
        entries[i].prev_hash = i == 0 ? std::string(kGenesisHash) : entries[i - 1].hash;
        entries[i].hash = audit_hash(entries[i]);
        overwrite(sql, entries[i]);
    }
}

struct WholeIncident {
    TempDatabase db;
    std::string transcript = run_script(db, kWholeIncident);
};

}  // namespace

TEST_CASE("a whole incident's audit record verifies, one line with its entries and head", "[audit][binary]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    REQUIRE(entries.size() > 15);

    const auto run = verify(incident.db);
    CHECK(exit_code(run) == 0);
    CHECK(run.output == "INC-1: audit record verified: " + std::to_string(entries.size()) + " entries, head " +
                            entries.back().hash + "\n");
    // The chain covers every kind of decision the script made.
    std::set<std::string> kinds;
    for (const AuditEntry& entry : entries) kinds.insert(entry.kind);
    for (const char* kind : {"incident.declared", "workstream.opened", "draft.created", "draft.approved",
                             "draft.published", "draft.changes_requested", "draft.revised", "draft.rejected",
                             "draft.withdrawn", "escalation.requested", "escalation.allowed", "incident.severity",
                             "lead.proposed", "lead.accepted", "incident.status"})
        CHECK(kinds.count(kind) == 1);
}

TEST_CASE("resolving an incident posts the audit head in its main channel and on the timeline", "[audit]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    // Resolving is the last decision: the head it posted is the record's head.
    const std::string line = "Audit record of INC-1: " + std::to_string(entries.size()) + " entries, head " +
                             entries.back().hash + ". Keep this line: `warroom export INC-1 --verify --head " +
                             entries.back().hash + "` proves the record has not been changed since.";
    CHECK_THAT(incident.transcript, Contains(line));

    auto store = SqliteStore::open(incident.db.path.string());
    auto tx = store->begin();
    std::vector<TimelineEntry> anchors;
    for (const TimelineEntry& entry : tx->timeline(IncidentId{1}))
        if (entry.kind == EntryKind::anchor) anchors.push_back(entry);
    // One for the executive summary's publication, one for the resolution.
    REQUIRE(anchors.size() == 2);
    CHECK_THAT(anchors[1].text, Contains(std::to_string(entries.size()) + " entries, head " + entries.back().hash));
    // Anchors are not themselves audited, so the head stays the head.
    CHECK(std::none_of(entries.begin(), entries.end(), [](const AuditEntry& e) { return e.kind == "anchor"; }));
}

TEST_CASE("a published executive summary posts the head covering its draft.published entry", "[audit]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    const auto published = std::find_if(entries.begin(), entries.end(), [](const AuditEntry& e) {
        return e.kind == "draft.published" && e.facts.find("\"D-4\"") != std::string::npos;
    });
    REQUIRE(published != entries.end());
    CHECK_THAT(incident.transcript, Contains("Audit record of INC-1: " + std::to_string(published->seq) +
                                             " entries, head " + published->hash + "."));
    // The plain draft D-1 posted no anchor: only summaries and resolutions do.
    const AuditEntry& first_publication = first_of_kind(entries, "draft.published");
    CHECK_THAT(incident.transcript, !Contains("head " + first_publication.hash + "."));
}

TEST_CASE("the review and the export show the audit head and the anchors posted", "[audit][binary]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    const std::string head = std::to_string(entries.size()) + " entries, head " + entries.back().hash;

    const auto md = run_command(warroom_at(incident.db) + "export INC-1 2>/dev/null");
    CHECK_THAT(md.output, Contains("## Audit record\n" + head + ". Check it with `warroom export INC-1 --verify`.\n"));
    CHECK_THAT(md.output, Contains(": " + head + "\n"));   // the anchor posted at resolution

    const auto json_run = run_command(warroom_at(incident.db) + "export INC-1 --format json 2>/dev/null");
    REQUIRE(exit_code(json_run) == 0);
    const auto exported = nlohmann::json::parse(json_run.output);
    CHECK(exported["audit_head"]["entries"] == entries.size());
    CHECK(exported["audit_head"]["hash"] == entries.back().hash);
    REQUIRE(exported["audit"].size() == entries.size());
    CHECK(exported["audit"][0]["kind"] == "incident.declared");
    CHECK(exported["audit"][0]["prev"] == std::string(kGenesisHash));
    CHECK(exported["audit"].back()["hash"] == entries.back().hash);
    REQUIRE(exported["audit_anchors"].size() == 2);
    CHECK(exported["audit_anchors"][1]["hash"] == entries.back().hash);
}

TEST_CASE("an edited audit entry fails --verify, naming it", "[audit][binary]") {
    WholeIncident incident;
    const AuditEntry approved = first_of_kind(entries_of(incident.db), "draft.approved");
    {
        Sql sql(incident.db.path);
        sql.exec("UPDATE audit_log SET facts = replace(facts, 'Do not open', 'Please open') WHERE incident_id = 1 AND "
                 "seq = " + std::to_string(approved.seq));
    }
    const auto run = verify(incident.db);
    CHECK(exit_code(run) == 1);
    CHECK_THAT(run.output, Contains("entry " + std::to_string(approved.seq) + " (draft.approved): its hash is " +
                                    approved.hash + " but its content hashes to "));
    CHECK_THAT(run.output, Contains("the entry was edited"));
}

TEST_CASE("a deleted audit entry fails --verify as a gap in the sequence", "[audit][binary]") {
    WholeIncident incident;
    {
        Sql sql(incident.db.path);
        sql.exec("DELETE FROM audit_log WHERE incident_id = 1 AND seq = 5");
    }
    const auto run = verify(incident.db);
    CHECK(exit_code(run) == 1);
    CHECK_THAT(run.output, Contains("entry 5 is missing (4 is followed by 6)"));
}

TEST_CASE("an inserted audit entry fails --verify at the entry after it", "[audit][binary]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    {
        Sql sql(incident.db.path);
        // Make room at 5, then slip in a well-formed entry linked to entry 4.
        sql.exec("UPDATE audit_log SET seq = seq + 100000 WHERE incident_id = 1 AND seq >= 5");
        sql.exec("UPDATE audit_log SET seq = seq - 99999 WHERE incident_id = 1 AND seq >= 100000");
        AuditEntry forged = entries[4];
        forged.seq = 5;
        forged.kind = "draft.approved";
        forged.facts = R"({"audience":"press","draft":"D-9","revision":1,"text":"All is well"})";
        forged.prev_hash = entries[3].hash;
        forged.hash = audit_hash(forged);
        sql.exec("INSERT INTO audit_log (incident_id, seq, at, actor, actor_name, kind, facts, prev_hash, hash) "
                 "VALUES (1, 5, " + std::to_string(to_unix_ms(forged.at)) + ", 'alice', 'alice', 'draft.approved', " +
                 quote(forged.facts) + ", " + quote(forged.prev_hash) + ", " + quote(forged.hash) + ")");
    }
    const auto run = verify(incident.db);
    CHECK(exit_code(run) == 1);
    CHECK_THAT(run.output, Contains("entry 6 (" + entries[4].kind + "): it links to a previous entry with hash " +
                                    entries[3].hash));
    CHECK_THAT(run.output, Contains("an entry was inserted, removed or moved before it"));
}

TEST_CASE("two swapped audit entries fail --verify at the first of them", "[audit][binary]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    {
        Sql sql(incident.db.path);
        sql.exec("UPDATE audit_log SET seq = -1 WHERE incident_id = 1 AND seq = 6");
        sql.exec("UPDATE audit_log SET seq = 6 WHERE incident_id = 1 AND seq = 7");
        sql.exec("UPDATE audit_log SET seq = 7 WHERE incident_id = 1 AND seq = -1");
    }
    const auto run = verify(incident.db);
    CHECK(exit_code(run) == 1);
    CHECK_THAT(run.output, Contains("entry 6 (" + entries[6].kind + "): "));
}

TEST_CASE("a decision edited in its table while its audit entry is left alone fails --verify", "[audit][binary]") {
    WholeIncident incident;
    const AuditEntry approved = first_of_kind(entries_of(incident.db), "draft.approved");
    {
        Sql sql(incident.db.path);
        sql.exec("UPDATE drafts SET text = 'Payroll is safe, carry on' WHERE id = 1");
    }
    const auto run = verify(incident.db);
    CHECK(exit_code(run) == 1);
    CHECK_THAT(run.output, Contains("D-1 in the drafts table says text \"Payroll is safe, carry on\" but entry " +
                                    std::to_string(approved.seq) +
                                    " (draft.approved) approved \"Do not open mail about payroll changes today.\""));

    SECTION("an escalation decided by someone else") {
        Sql sql(incident.db.path);
        sql.exec("UPDATE drafts SET text = 'Do not open mail about payroll changes today.' WHERE id = 1");
        sql.exec("UPDATE escalations SET decided_by = 'mallory' WHERE id = 1");
        const auto again = verify(incident.db);
        CHECK(exit_code(again) == 1);
        CHECK_THAT(again.output, Contains("E-1 in the escalations table says decided_by mallory but entry "));
        CHECK_THAT(again.output, Contains("(escalation.allowed) recorded it decided by erin"));
    }
    SECTION("a severity nobody recorded") {
        Sql sql(incident.db.path);
        sql.exec("UPDATE drafts SET text = 'Do not open mail about payroll changes today.' WHERE id = 1");
        sql.exec("UPDATE incidents SET severity = 'sev4' WHERE id = 1");
        const auto again = verify(incident.db);
        CHECK(exit_code(again) == 1);
        CHECK_THAT(again.output, Contains("INC-1 in the incidents table says severity sev4 but entry "));
        CHECK_THAT(again.output, Contains("(incident.severity) changed it to sev1"));
    }
}

TEST_CASE("verifying against a posted head catches a record rewritten consistently after the head was posted", "[audit][binary]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    const std::string posted = entries.back().hash;
    REQUIRE(exit_code(verify(incident.db, " --head " + posted)) == 0);

    SECTION("rewritten whole: the approver's name changed and every hash after it recomputed") {
        auto forged = entries;
        const auto approved = static_cast<std::size_t>(first_of_kind(entries, "draft.approved").seq - 1);
        forged[approved].actor_name = "Mallory";
        {
            Sql sql(incident.db.path);
            reseal(sql, forged, approved);
        }
    }
    SECTION("cut: the last entries deleted and the rest left as it was") {
        Sql sql(incident.db.path);
        // Status back to what the shortened record says, so the tables agree with it.
        sql.exec("DELETE FROM audit_log WHERE incident_id = 1 AND seq = " + std::to_string(entries.size()));
        sql.exec("UPDATE incidents SET status = 'mitigated', resolved_at = NULL WHERE id = 1");
    }
    // On its own the chain is whole again...
    const auto alone = verify(incident.db);
    CHECK(exit_code(alone) == 0);
    // ...but the head posted in chat is no longer in it.
    const auto against_head = verify(incident.db, " --head " + posted);
    CHECK(exit_code(against_head) == 1);
    CHECK_THAT(against_head.output, Contains("the head " + posted + " posted for INC-1 is not in its audit record"));
    CHECK_THAT(against_head.output, Contains("the record was rewritten or cut after that head was posted"));
}

TEST_CASE("verifying against a posted head accepts a head posted earlier that later entries follow", "[audit][binary]") {
    WholeIncident incident;
    const std::string at_resolution = entries_of(incident.db).back().hash;
    run_script(incident.db, kMain + " bob: /incident note Reopened for the follow-up\n" + kMain +
                                " bob: /incident status investigating\n");
    const auto entries = entries_of(incident.db);
    REQUIRE(entries.back().hash != at_resolution);
    const auto run = verify(incident.db, " --head " + at_resolution);
    CHECK(exit_code(run) == 0);
    CHECK_THAT(run.output, Contains("it contains the posted head (entry " + std::to_string(entries.size() - 1) + ")"));

    const auto typo = verify(incident.db, " --head 3f5a");
    CHECK(exit_code(typo) == 1);
    CHECK_THAT(typo.output, Contains("\"3f5a\" is not a head: a head is the 64 hex digits"));
}

TEST_CASE("warroom verify checks an exported file without the database", "[audit][binary]") {
    WholeIncident incident;
    const auto entries = entries_of(incident.db);
    const fs::path file = incident.db.path.string() + ".json";
    REQUIRE(exit_code(run_command(warroom_at(incident.db) + "export INC-1 --format json > '" + file.string() +
                                  "' 2>/dev/null")) == 0);
    // No --db: the file is all it reads.
    const auto good = run_command(std::string(WARROOM_BINARY) + " verify '" + file.string() + "' 2>&1");
    CHECK(exit_code(good) == 0);
    CHECK(good.output == "INC-1: audit record verified: " + std::to_string(entries.size()) + " entries, head " +
                             entries.back().hash + " (from " + file.string() + ")\n");

    auto exported = nlohmann::json::parse(read_file(file));
    SECTION("an approved text edited in the file") {
        for (auto& entry : exported["audit"])
            if (entry["kind"] == "draft.approved") entry["facts"]["text"] = "Payroll is safe";
    }
    SECTION("the last entry dropped, the stated head left") { exported["audit"].erase(exported["audit"].size() - 1); }
    SECTION("two entries swapped") { std::swap(exported["audit"][3], exported["audit"][4]); }
    {
        std::ofstream out(file);
        out << exported.dump(2);
    }
    const auto bad = run_command(std::string(WARROOM_BINARY) + " verify '" + file.string() + "' 2>&1");
    CHECK(exit_code(bad) == 1);
    CHECK_THAT(bad.output, Contains("INC-1: audit record NOT verified: "));
    fs::remove(file);

    const auto missing = run_command(std::string(WARROOM_BINARY) + " verify /nonexistent/INC-1.json 2>&1");
    CHECK(exit_code(missing) == 1);
    CHECK_THAT(missing.output, Contains("cannot read /nonexistent/INC-1.json"));
}

TEST_CASE("the README's Python checks an exported file and finds a tampered one", "[audit][binary]") {
    if (run_command("command -v python3 >/dev/null 2>&1").status != 0) {
        WARN("python3 is not installed; the README's snippet is not run");
        return;
    }
    const std::string readme = read_file(fs::path(WARROOM_SOURCE_DIR) / "README.md");
    const std::string begin = "<!-- audit-check.py begins -->";
    const auto start = readme.find(begin);
    const auto end = readme.find("<!-- audit-check.py ends -->");
    REQUIRE(start != std::string::npos);
    REQUIRE(end != std::string::npos);
    const std::string fenced = readme.substr(start + begin.size(), end - start - begin.size());
    const auto code_start = fenced.find("```python\n");
    const auto code_end = fenced.rfind("```");
    REQUIRE(code_start != std::string::npos);
    const std::string code = fenced.substr(code_start + 10, code_end - code_start - 10);
    CHECK(std::count(code.begin(), code.end(), '\n') <= 20);   // "the dozen lines"

    WholeIncident incident;
    // A name outside ASCII, so the snippet's UTF-8 handling is exercised.
    run_script(incident.db, kMain + " bob: /incident draft employees Grüße: the café's payroll is safe — ✅\n" +
                                "bob: /incident approve D-5\n");
    const fs::path script = incident.db.path.string() + ".py";
    const fs::path file = incident.db.path.string() + ".json";
    {
        std::ofstream out(script);
        out << code;
    }
    REQUIRE(exit_code(run_command(warroom_at(incident.db) + "export INC-1 --format json > '" + file.string() +
                                  "' 2>/dev/null")) == 0);
    const auto entries = entries_of(incident.db);
    const auto good = run_command("python3 '" + script.string() + "' '" + file.string() + "' 2>&1");
    CHECK(exit_code(good) == 0);
    CHECK_THAT(good.output, Contains(std::to_string(entries.size()) + " entries verified, head " + entries.back().hash));

    auto exported = nlohmann::json::parse(read_file(file));
    exported["audit"][2]["actor"]["name"] = "Mallory";
    {
        std::ofstream out(file);
        out << exported.dump(2);
    }
    const auto bad = run_command("python3 '" + script.string() + "' '" + file.string() + "' 2>&1");
    CHECK(exit_code(bad) != 0);
    CHECK_THAT(bad.output, Contains("entry 3 ("));
    fs::remove(script);
    fs::remove(file);
}

TEST_CASE("a database from before the audit record begins each chain at the upgrade and verifies", "[audit]") {
    TempDatabase db;
    run_script(db, kWholeIncident + "dave: /incident declare sev3 Lost laptop\n");
    {
        // Back to schema version 2: no audit_log table (nor the approval
        // columns of migration 4, migration 5's lanes or migration 6's
        // delivery problems), as an older warroom left it.
        Sql sql(db.path);
        sql.exec("ALTER TABLE drafts DROP COLUMN delivery_problem");
        sql.exec("ALTER TABLE outbox DROP COLUMN lane");
        sql.exec("DROP TABLE outbox_lanes");
        sql.exec("DROP TABLE leases");
        sql.exec("ALTER TABLE drafts DROP COLUMN lead_approval");
        sql.exec("ALTER TABLE drafts DROP COLUMN approver_approval");
        sql.exec("DROP TABLE audit_log");
        sql.exec("DELETE FROM counters WHERE name = 'audit_chains_to_begin'");
        sql.exec("PRAGMA user_version = 2");
    }
    auto store = SqliteStore::open(db.path.string());
    CHECK(store->schema_version() == SqliteStore::latest_schema_version());
    auto tx = store->begin();
    for (std::int64_t n : {1, 2}) {
        INFO("INC-" << n);
        const auto entries = tx->audit_entries(IncidentId{n});
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].kind == "chain.begun_at_upgrade");
        CHECK(entries[0].prev_hash == kGenesisHash);
        const auto facts = nlohmann::json::parse(entries[0].facts);
        CHECK_THAT(facts["note"].get<std::string>(), Contains("the chain begins here, at the upgrade"));
        const AuditVerdict verdict = verify_incident_record(*tx, *tx->incident(IncidentId{n}));
        INFO((verdict.problem ? verdict.problem->message : ""));
        CHECK(verdict.verified());
    }
    // The snapshot is what the tables are reconciled against.
    CHECK(nlohmann::json::parse(tx->audit_entries(IncidentId{1})[0].facts)["drafts"].size() == 4);
    tx.reset();
    store.reset();
    CHECK(exit_code(verify(db)) == 0);
}

// A property: whatever people type, the record verifies; and no single byte
// of any stored entry can change without verification (against the heads as
// they were) failing.
TEST_CASE("property: random command sequences verify, and any changed byte of an entry fails", "[audit][property]") {
    const auto seed = static_cast<std::uint32_t>(GENERATE(1, 2));
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    auto one_of = [&](std::initializer_list<const char*> words) { return std::string(*(words.begin() + pick(words.size()))); };

    const std::vector<std::string> templates = {
        kMain + " carol: /incident draft employees Notice {n}",
        kMain + " carol: /incident draft exec Brief {n} for the executives",
        "{lead}: /incident approve D-{d}",
        "{lead}: /incident reject D-{d} not now",
        "{lead}: /incident changes D-{d} shorter please",
        "carol: /incident revise D-{d} Revised text {n}",
        "carol: /incident withdraw D-{d}",
        kMain + " {lead}: /incident severity sev{s}",
        kMain + " {lead}: /incident status {status}",
        kMain + " {lead}: /incident escalate Do the thing {n} --by 30m",
        "erin: /incident allow E-{e} fine",
        "erin: /incident deny E-{e} no",
        kMain + " {lead}: /incident lead @{other}",
        kMain + " {other}: /incident lead accept",
        kMain + " {other}: /incident lead decline",
        kMain + " {lead}: /incident summary Next update soon",
        kMain + " {lead}: /incident workstream ws{n} @bob",
        kMain + " {anyone}: /incident note Note {n}",
        kMain + " mallory: /incident approve D-{d}",
        ":advance 20m",
        "dave: /incident declare sev3 Side issue {n}",
    };
    std::string lead = "alice";
    std::string script = "alice: /incident declare sev2 Payroll phishing\n" + kMain +
                         " alice: /incident workstream communications @carol\n";
    for (int i = 0; i < 200; ++i) {
        std::string line = templates[pick(templates.size())];
        const std::string other = lead == "alice" ? "bob" : "alice";
        auto fill = [&](const std::string& hole, const std::string& value) {
            for (auto at = line.find(hole); at != std::string::npos; at = line.find(hole)) line.replace(at, hole.size(), value);
        };
        fill("{lead}", pick(5) == 0 ? other : lead);
        fill("{other}", other);
        fill("{anyone}", one_of({"alice", "bob", "carol", "dave"}));
        fill("{n}", std::to_string(i));
        fill("{d}", std::to_string(1 + pick(12)));
        fill("{e}", std::to_string(1 + pick(4)));
        fill("{s}", std::to_string(1 + pick(4)));
        fill("{status}", one_of({"investigating", "mitigating", "mitigated", "resolved"}));
        // Who leads is a guess; the record must verify whatever was refused.
        if (line.find("lead accept") != std::string::npos && pick(2) == 0) lead = other;
        script += line + "\n";
    }
    TempDatabase db;
    run_script(db, script);

    auto store = SqliteStore::open(db.path.string());
    std::map<std::int64_t, std::string> heads;
    {
        auto tx = store->begin();
        for (const Incident& incident : tx->incidents(false)) {
            const AuditVerdict verdict = verify_incident_record(*tx, incident);
            INFO(to_string(incident.id) << ": " << (verdict.problem ? verdict.problem->message : ""));
            REQUIRE(verdict.verified());
            heads[incident.id.value()] = verdict.head.hash;
        }
    }
    REQUIRE(!heads.empty());
    auto all_verify = [&] {
        auto tx = store->begin();
        for (const auto& [id, head] : heads) {
            const IncidentId incident_id{id};
            const auto incident = tx->incident(incident_id);
            if (!incident) return false;
            const auto entries = tx->audit_entries(incident_id);
            if (!verify_chain(incident_id, entries).verified()) return false;
            if (reconcile(entries, *incident, tx->drafts(incident_id), tx->escalations(incident_id))) return false;
            if (check_posted_head(incident_id, entries, head)) return false;
        }
        return true;
    };

    Sql sql(db.path);
    struct Row {
        std::int64_t incident, seq;
    };
    std::vector<Row> rows;
    {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(sql.handle(), "SELECT incident_id, seq FROM audit_log", -1, &stmt, nullptr) ==
                SQLITE_OK);
        while (sqlite3_step(stmt) == SQLITE_ROW) rows.push_back({sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1)});
        sqlite3_finalize(stmt);
    }
    REQUIRE(rows.size() > 20);

    const std::vector<std::string> integer_columns = {"incident_id", "seq", "at"};
    const std::vector<std::string> text_columns = {"actor", "actor_name", "kind", "facts", "prev_hash", "hash"};
    std::size_t changed = 0, unstorable = 0;
    for (const Row& row : rows) {
        const std::string key = " WHERE incident_id = " + std::to_string(row.incident) + " AND seq = " +
                                std::to_string(row.seq);
        for (const std::string& column : integer_columns) {
            const std::int64_t original = std::stoll(sql.text("SELECT " + column + " FROM audit_log" + key));
            {
                const std::int64_t value =
                    original ^ (static_cast<std::int64_t>(1 + pick(255)) << (8 * pick(column == "at" ? 6 : 2)));
                char* message = nullptr;
                const std::string set = "UPDATE audit_log SET " + column + " = " + std::to_string(value) + key;
                if (sqlite3_exec(sql.handle(), set.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
                    sqlite3_free(message);   // the row's key is taken: that change cannot be stored
                    ++unstorable;
                    continue;
                }
                ++changed;
                INFO(to_string(IncidentId{row.incident}) << " entry " << row.seq << ": " << column << " "
                                                          << original << " -> " << value);
                CHECK_FALSE(all_verify());
                const std::int64_t incident = column == "incident_id" ? value : row.incident;
                const std::int64_t seq = column == "seq" ? value : row.seq;
                sql.exec("UPDATE audit_log SET " + column + " = " + std::to_string(original) +
                         " WHERE incident_id = " + std::to_string(incident) + " AND seq = " + std::to_string(seq));
            }
        }
        for (const std::string& column : text_columns) {
            const std::string original = sql.text("SELECT " + column + " FROM audit_log" + key);
            REQUIRE_FALSE(original.empty());
            {
                std::string value = original;
                value[pick(value.size())] ^= static_cast<char>(1 + pick(255));
                sql.exec("UPDATE audit_log SET " + column + " = CAST(X'" + [&] {
                    std::string hex;
                    static constexpr char kHex[] = "0123456789ABCDEF";
                    for (unsigned char c : value) {
                        hex += kHex[c >> 4];
                        hex += kHex[c & 15];
                    }
                    return hex;
                }() + "' AS TEXT)" + key);
                ++changed;
                INFO(to_string(IncidentId{row.incident}) << " entry " << row.seq << ": " << column << " "
                                                          << original << " -> " << value);
                CHECK_FALSE(all_verify());
                sql.exec("UPDATE audit_log SET " + column + " = " + quote(original) + key);
            }
        }
    }
    // Only a changed key can collide with another row's (and then is not stored).
    CHECK(unstorable < rows.size());
    CHECK(changed + unstorable == rows.size() * 9);
    CHECK(all_verify());   // every change was undone
}
