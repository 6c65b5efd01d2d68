#include "storage/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <map>
#include <type_traits>
#include <utility>

#include "bot/private_file.hpp"
#include "bot/effect_codec.hpp"
#include "bot/metrics.hpp"
#include "storage/sqlite/wal_checkpointer.hpp"
#include "storage/stored_rows.hpp"

namespace warroom {
namespace {

// Migration N is kMigrations[N - 1]. Append only: a released migration never
// changes, because databases in the field have already applied it.
const std::array<const char*, 6> kMigrations = {
    R"sql(
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    lead        TEXT    NOT NULL,
    nominee     TEXT,
    declared_by TEXT    NOT NULL,
    declared_at INTEGER NOT NULL,
    lead_since  INTEGER NOT NULL,
    resolved_at INTEGER
);

CREATE TABLE channels (
    name        TEXT    PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind        TEXT    NOT NULL CHECK (kind IN ('main', 'workstream')),
    workstream  TEXT    NOT NULL DEFAULT '',
    position    INTEGER NOT NULL,
    UNIQUE (incident_id, position)
);

CREATE TABLE channel_members (
    channel TEXT NOT NULL REFERENCES channels(name) ON DELETE CASCADE,
    user    TEXT NOT NULL,
    PRIMARY KEY (channel, user)
) WITHOUT ROWID;

CREATE TABLE workstreams (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    name        TEXT    NOT NULL,
    lead        TEXT,
    channel     TEXT    NOT NULL REFERENCES channels(name),
    opened_at   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, name)
);

CREATE TABLE incident_groups (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    group_name  TEXT    NOT NULL,
    PRIMARY KEY (incident_id, group_name)
) WITHOUT ROWID;

CREATE TABLE drafts (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    audience     TEXT    NOT NULL,
    author       TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    is_summary   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    routed_to    TEXT    NOT NULL,
    decided_by   TEXT,
    decided_at   INTEGER,
    reason       TEXT    NOT NULL DEFAULT '',
    published_at INTEGER
);
CREATE INDEX drafts_by_incident ON drafts(incident_id, id);

CREATE TABLE status_updates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    workstream  TEXT    NOT NULL,
    author      TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX status_updates_by_incident ON status_updates(incident_id, id);

CREATE TABLE timeline (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL
);
CREATE INDEX timeline_by_incident ON timeline(incident_id, seq);

CREATE TABLE processed_events (
    event_id TEXT    PRIMARY KEY,
    at       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    effect     TEXT    NOT NULL,
    done_at    INTEGER
);
CREATE INDEX outbox_pending ON outbox(id) WHERE done_at IS NULL;

CREATE TABLE platform_refs (
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: the practice around the core: schedules, escalations, exercises, review inputs.
    R"sql(
ALTER TABLE incidents ADD COLUMN exercise   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN scenario   TEXT    NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN root_cause TEXT    NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN impact     TEXT    NOT NULL DEFAULT '';

CREATE TABLE schedules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind        TEXT    NOT NULL,
    target      TEXT    NOT NULL DEFAULT '',
    due_at      INTEGER NOT NULL,
    every_ms    INTEGER NOT NULL DEFAULT 0,
    state       TEXT    NOT NULL DEFAULT 'pending',
    done_at     INTEGER
);
CREATE INDEX schedules_pending ON schedules(due_at, id) WHERE state = 'pending';
CREATE INDEX schedules_by_incident ON schedules(incident_id, due_at);

CREATE TABLE escalations (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id),
    requested_by TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    requested_at INTEGER NOT NULL,
    deadline     INTEGER,
    state        TEXT    NOT NULL,
    decided_by   TEXT,
    decided_at   INTEGER,
    comment      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX escalations_by_incident ON escalations(incident_id, id);

CREATE TABLE action_items (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    number      INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    owner       TEXT,
    added_by    TEXT    NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, number)
);
)sql",
    // 3: the hash-chained audit record (bot/audit.hpp). The chains of incidents
    // that exist already are begun at the next open (begin_chains_at_upgrade).
    R"sql(
CREATE TABLE audit_log (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    facts       TEXT    NOT NULL,
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    PRIMARY KEY (incident_id, seq)
) WITHOUT ROWID;
-- A database with incidents in it: their chains are begun once, at the next
-- open, which then clears this mark (in one transaction).
INSERT INTO counters (name, value) SELECT 'audit_chains_to_begin', 1 WHERE EXISTS (SELECT 1 FROM incidents);
)sql",
    // 4: two-person approval: the first of the two approvals a
    // draft for an audience with approvers needs, kept until the second comes.
    R"sql(
ALTER TABLE drafts ADD COLUMN lead_approval TEXT;
ALTER TABLE drafts ADD COLUMN approver_approval TEXT;
)sql",
    // 5: replicas. Outbox jobs in lanes (one per incident), each lane leased to
    // one performer at a time; leases for single-holder roles (Matrix /sync).
    // Jobs queued before this migration share the lane '', in their order.
    // No index by lane: one process reads the pending jobs of every lane at
    // once (claim_jobs), and a second index would cost every job's insert.
    R"sql(
ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT '';
CREATE TABLE outbox_lanes (
    lane        TEXT    PRIMARY KEY,
    holder      TEXT,
    lease_until INTEGER
) WITHOUT ROWID;
INSERT INTO outbox_lanes (lane) SELECT DISTINCT lane FROM outbox WHERE done_at IS NULL;
CREATE TABLE leases (
    name        TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    lease_until INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 6: outside destinations. Why the last delivery of an approved draft to a
    // webhook, status page or mailbox failed for good (empty: it did not);
    // `/incident retry` clears it.
    R"sql(
ALTER TABLE drafts ADD COLUMN delivery_problem TEXT NOT NULL DEFAULT '';
)sql",
};

[[noreturn]] void fail(sqlite3* db, std::string_view operation) {
    throw StorageError("sqlite: " + std::string(operation) + ": " + sqlite3_errmsg(db));
}

// For fixed SQL only (pragmas, migrations, transaction control): values
// always go through Statement's bound parameters.
void exec(sqlite3* db, const std::string& sql, std::string_view operation) {
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, operation);
}

void rollback_quietly(sqlite3* db) {
    // SQLite may already have rolled back on its own (e.g. SQLITE_FULL).
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

// A prepared statement, finalized on scope exit. bind() takes the parameters
// in order; step() returns true while a row is ready.
class Statement {
public:
    Statement(sqlite3* db, std::string_view sql, std::string_view operation)
        : db_(db), operation_(operation) {
        if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
            fail(db_, operation_);
    }
    // A statement kept prepared by the connection (StatementCache), lent to
    // this scope: reset, not finalized, on scope exit, and handed back.
    Statement(sqlite3* db, sqlite3_stmt* kept, bool& lent, std::string_view operation)
        : db_(db), operation_(operation), stmt_(kept), lent_(&lent) {
        lent = true;
    }
    ~Statement() {
        if (lent_ == nullptr) {
            sqlite3_finalize(stmt_);
            return;
        }
        // No sqlite3_clear_bindings: bind() sets every parameter on each use,
        // and clearing them cost 1.4% of a schedule's firing.
        sqlite3_reset(stmt_);
        *lent_ = false;
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binds every parameter, in order: a kept statement's earlier values are
    // never left behind for a later use.
    template <class... Args>
    Statement& bind(const Args&... args) {
        if (sqlite3_bind_parameter_count(stmt_) != static_cast<int>(sizeof...(Args)))
            throw StorageError("sqlite: " + std::string(operation_) + ": " + std::to_string(sizeof...(Args)) +
                               " values for " + std::to_string(sqlite3_bind_parameter_count(stmt_)) + " parameters");
        int index = 0;
        (bind_one(++index, args), ...);
        return *this;
    }

    bool step() {
        switch (sqlite3_step(stmt_)) {
            case SQLITE_ROW: return true;
            case SQLITE_DONE: return false;
            default: fail(db_, operation_);
        }
    }

    void run() {
        while (step()) {}
    }

    // Every row the statement yields, each turned into a value by `read`.
    template <class Read>
    auto rows(Read read) {
        std::vector<std::decay_t<decltype(read(*this))>> result;
        while (step()) result.push_back(read(*this));
        return result;
    }

    // Makes the statement ready to run again with new parameters.
    void reset() { sqlite3_reset(stmt_); }

    int columns() const { return sqlite3_column_count(stmt_); }
    std::string column_name(int column) const { return sqlite3_column_name(stmt_, column); }
    StoredValue value(int column) const {
        switch (sqlite3_column_type(stmt_, column)) {
            case SQLITE_NULL: return std::monostate{};
            case SQLITE_INTEGER: return integer(column);
            default: return text(column);
        }
    }
    void bind_value(int index, const StoredValue& value) {
        if (const auto* number = std::get_if<std::int64_t>(&value)) bind_one(index, *number);
        else if (const auto* text = std::get_if<std::string>(&value)) bind_one(index, *text);
        else bind_one(index, std::nullopt);
    }

    bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
    bool boolean(int column) const { return integer(column) != 0; }
    Time time(int column) const { return from_unix_ms(integer(column)); }
    std::string text(int column) const {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
        return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                    : std::string();
    }
    std::optional<UserId> maybe_user(int column) const {
        if (is_null(column)) return std::nullopt;
        return UserId{text(column)};
    }
    std::optional<Time> maybe_time(int column) const {
        if (is_null(column)) return std::nullopt;
        return time(column);
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) fail(db_, operation_);
    }
    void bind_one(int i, std::int64_t value) { check(sqlite3_bind_int64(stmt_, i, value)); }
    void bind_one(int i, int value) { check(sqlite3_bind_int64(stmt_, i, value)); }
    void bind_one(int i, bool value) { check(sqlite3_bind_int64(stmt_, i, value ? 1 : 0)); }
    void bind_one(int i, std::string_view value) {
        check(sqlite3_bind_text64(stmt_, i, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    }
    void bind_one(int i, const std::string& value) { bind_one(i, std::string_view(value)); }
    void bind_one(int i, const char* value) { bind_one(i, std::string_view(value)); }
    void bind_one(int i, Time value) { bind_one(i, to_unix_ms(value)); }
    void bind_one(int i, std::nullopt_t) { check(sqlite3_bind_null(stmt_, i)); }
    template <class Tag, class Rep>
    void bind_one(int i, const StrongId<Tag, Rep>& id) { bind_one(i, id.value()); }
    template <class T>
    void bind_one(int i, const std::optional<T>& value) {
        if (value) bind_one(i, *value);
        else bind_one(i, std::nullopt);
    }

    sqlite3* db_;
    std::string_view operation_;   // outlives the statement: a literal, or the caller's named string
    sqlite3_stmt* stmt_ = nullptr;
    bool* lent_ = nullptr;
};

}  // namespace

// Every statement a transaction runs, prepared once per connection and kept:
// parsing the SQL anew each time cost more than running it (half of a
// command's instructions). The set of SQL texts is fixed by this file, so the
// cache stays small. A statement still in use when the same SQL is asked for
// again (a query run inside the loop over its own rows) is not shared: the
// second user gets one prepared for it alone.
class StatementCache {
public:
    explicit StatementCache(sqlite3* db) : db_(db) {}
    ~StatementCache() {
        for (auto& [sql, kept] : statements_) sqlite3_finalize(kept.statement);
    }
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    Statement get(std::string_view sql, std::string_view operation) {
        auto found = statements_.find(sql);
        if (found == statements_.end()) {
            sqlite3_stmt* statement = nullptr;
            if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                   &statement, nullptr) != SQLITE_OK)
                fail(db_, operation);
            found = statements_.emplace(std::string(sql), Kept{statement}).first;
        }
        if (found->second.lent) return Statement(db_, sql, operation);
        return Statement(db_, found->second.statement, found->second.lent, operation);
    }

private:
    struct Kept {
        sqlite3_stmt* statement = nullptr;
        bool lent = false;
    };
    sqlite3* db_;
    std::map<std::string, Kept, std::less<>> statements_;
};

namespace {

int read_user_version(sqlite3* db) {
    Statement query(db, "PRAGMA user_version", "read schema version");
    query.step();
    return static_cast<int>(query.integer(0));
}

void refuse_if_newer(int found, const std::string& path) {
    if (found > static_cast<int>(kMigrations.size()))
        throw StorageError("database " + path + " has schema version " + std::to_string(found) +
                           ", newer than this warroom build knows (" + std::to_string(kMigrations.size()) +
                           "); upgrade warroom or point WARROOM_DB at another database");
}

// Each migration commits on its own, so a failure leaves the database at the
// last good version. The version is re-read under the write lock because
// another process may have migrated while we waited.
void migrate(sqlite3* db, const std::string& path) {
    refuse_if_newer(read_user_version(db), path);
    for (;;) {
        exec(db, "BEGIN IMMEDIATE", "begin migration");
        try {
            const int version = read_user_version(db);
            refuse_if_newer(version, path);
            if (version == static_cast<int>(kMigrations.size())) {
                exec(db, "COMMIT", "end migrations");
                return;
            }
            const int next = version + 1;
            const std::string operation = "migration " + std::to_string(next);
            exec(db, kMigrations[static_cast<std::size_t>(version)], operation);
            // PRAGMA takes no bound parameters; `next` is our own counter.
            exec(db, "PRAGMA user_version = " + std::to_string(next), operation);
            exec(db, "COMMIT", operation);
        } catch (...) {
            rollback_quietly(db);
            throw;
        }
    }
}

// A LIMIT for SQLite, whose integers are signed 64-bit.
std::int64_t sql_limit(std::size_t limit) {
    constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    return static_cast<std::int64_t>(std::min(limit, kMax));
}

// Table and column names in SQL built for whole-table copies: only warroom's
// own tables, and names of letters, digits and '_' (quoted all the same).
std::string quoted_identifier(std::string_view name) {
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos)
        throw StorageError("sqlite: not a column name: " + std::string(name));
    return "\"" + std::string(name) + "\"";
}

std::string quoted_table(std::string_view table) {
    if (std::find(kStoredTables.begin(), kStoredTables.end(), table) == kStoredTables.end())
        throw StorageError("sqlite: not a warroom table: " + std::string(table));
    return quoted_identifier(table);
}

class SqliteTransaction final : public Transaction {
public:
    // `in_group`: a savepoint inside the group's transaction, which the store
    // has begun; otherwise a transaction of its own.
    SqliteTransaction(sqlite3* db, bool& open_flag, StatementCache& kept, bool in_group, TransactionKind kind)
        : db_(db), open_flag_(open_flag), kept_(kept), in_group_(in_group) {
        // IMMEDIATE takes the write lock now, so two processes cannot both
        // read a state and then fail to upgrade to write. A reader takes no
        // lock (WAL: it reads a snapshot while writers go on).
        if (in_group_) kept_.get("SAVEPOINT grouped", "begin transaction").run();
        else if (kind == TransactionKind::read) kept_.get("BEGIN DEFERRED", "begin read transaction").run();
        else kept_.get("BEGIN IMMEDIATE", "begin transaction").run();
        open_flag_ = true;
    }

    ~SqliteTransaction() override {
        if (!committed_) {
            if (!in_group_) {
                rollback_quietly(db_);
            } else if (!sqlite3_get_autocommit(db_)) {
                // Undoes this transaction's writes and nothing the group held before it.
                sqlite3_exec(db_, "ROLLBACK TO grouped; RELEASE grouped", nullptr, nullptr, nullptr);
            }
            // In a group whose transaction SQLite ended on its own (SQLITE_FULL): commit_group() says so.
        }
        open_flag_ = false;
    }

    bool record_event(const EventId& id, Time at) override {
        Statement insert = prepared("INSERT INTO processed_events (event_id, at) VALUES (?, ?) "
                               "ON CONFLICT (event_id) DO NOTHING",
                         "record event");
        insert.bind(id, at).run();
        return sqlite3_changes(db_) == 1;
    }

    IncidentId next_incident_id() override { return IncidentId{next_counter("incident")}; }
    DraftId next_draft_id() override { return DraftId{next_counter("draft")}; }

    std::optional<Incident> incident(IncidentId id) override {
        const char* operation = "load incident";
        Incident incident;
        {
            Statement row = prepared("SELECT title, severity, status, lead, nominee, declared_by, declared_at, "
                                "lead_since, resolved_at, exercise, scenario, root_cause, impact FROM incidents WHERE id = ?",
                          operation);
            if (!row.bind(id).step()) return std::nullopt;
            incident.id = id;
            incident.title = row.text(0);
            incident.severity = stored::parsed_or_throw(parse_severity(row.text(1)), "severity", row.text(1));
            incident.status = stored::parsed_or_throw(parse_status(row.text(2)), "status", row.text(2));
            incident.lead = UserId{row.text(3)};
            incident.nominee = row.maybe_user(4);
            incident.declared_by = UserId{row.text(5)};
            incident.declared_at = row.time(6);
            incident.lead_since = row.time(7);
            incident.resolved_at = row.maybe_time(8);
            incident.exercise = row.integer(9) != 0;
            incident.scenario = row.text(10);
            incident.root_cause = row.text(11);
            incident.impact = row.text(12);
        }
        Statement channels = prepared("SELECT name, kind, workstream FROM channels WHERE incident_id = ? "
                                "ORDER BY position",
                           operation);
        channels.bind(id);
        while (channels.step()) {
            Channel channel{ChannelName{channels.text(0)}, stored::parse_channel_kind(channels.text(1)),
                            channels.text(2), {}};
            Statement members = prepared("SELECT user FROM channel_members WHERE channel = ?", operation);
            members.bind(channel.name);
            while (members.step()) channel.members.emplace(members.text(0));
            incident.channels.push_back(std::move(channel));
        }
        Statement workstreams = prepared("SELECT name, lead, channel, opened_at FROM workstreams "
                                   "WHERE incident_id = ? ORDER BY position",
                              operation);
        workstreams.bind(id);
        while (workstreams.step())
            incident.workstreams.push_back(Workstream{workstreams.text(0), workstreams.maybe_user(1),
                                                      ChannelName{workstreams.text(2)},
                                                      workstreams.time(3)});
        Statement groups = prepared("SELECT group_name FROM incident_groups WHERE incident_id = ?", operation);
        groups.bind(id);
        while (groups.step()) incident.invited_groups.insert(groups.text(0));
        return incident;
    }

    std::optional<IncidentId> incident_for_channel(const ChannelName& channel) override {
        Statement query = prepared("SELECT incident_id FROM channels WHERE name = ?", "find incident for channel");
        if (!query.bind(channel).step()) return std::nullopt;
        return IncidentId{query.integer(0)};
    }

    std::vector<Incident> incidents(bool open_only) override {
        std::vector<IncidentId> ids;
        {
            Statement query = prepared("SELECT id FROM incidents WHERE ? = 0 OR status <> 'resolved' ORDER BY id",
                            "list incidents");
            query.bind(open_only);
            while (query.step()) ids.emplace_back(query.integer(0));
        }
        std::vector<Incident> result;
        result.reserve(ids.size());
        for (IncidentId id : ids)
            if (auto found = incident(id)) result.push_back(std::move(*found));
        return result;
    }

    void save(const Incident& incident) override {
        const char* operation = "save incident";
        // An upsert, not REPLACE: replacing would delete the row, and with it
        // the incident's drafts, updates and timeline would lose their parent.
        prepared("INSERT INTO incidents (id, title, severity, status, lead, nominee, declared_by, "
                        "declared_at, lead_since, resolved_at, exercise, scenario, root_cause, impact) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (id) DO UPDATE SET title = excluded.title, severity = excluded.severity, "
                        "status = excluded.status, lead = excluded.lead, nominee = excluded.nominee, "
                        "declared_by = excluded.declared_by, declared_at = excluded.declared_at, "
                        "lead_since = excluded.lead_since, resolved_at = excluded.resolved_at, "
                        "exercise = excluded.exercise, scenario = excluded.scenario, "
                        "root_cause = excluded.root_cause, impact = excluded.impact",
                  operation)
            .bind(incident.id, incident.title, to_string(incident.severity), to_string(incident.status),
                  incident.lead, incident.nominee, incident.declared_by, incident.declared_at,
                  incident.lead_since, incident.resolved_at, incident.exercise, incident.scenario,
                  incident.root_cause, incident.impact)
            .run();

        // Workstreams reference channels, so they go first; members cascade.
        prepared("DELETE FROM workstreams WHERE incident_id = ?", operation).bind(incident.id).run();
        prepared("DELETE FROM channels WHERE incident_id = ?", operation).bind(incident.id).run();
        prepared("DELETE FROM incident_groups WHERE incident_id = ?", operation).bind(incident.id).run();

        for (std::size_t position = 0; position < incident.channels.size(); ++position) {
            const Channel& channel = incident.channels[position];
            prepared("INSERT INTO channels (name, incident_id, kind, workstream, position) "
                           "VALUES (?, ?, ?, ?, ?)",
                      operation)
                .bind(channel.name, incident.id, stored::to_text(channel.kind), channel.workstream,
                      static_cast<std::int64_t>(position))
                .run();
            Statement member = prepared("INSERT INTO channel_members (channel, user) VALUES (?, ?)", operation);
            for (const UserId& user : channel.members) {
                member.bind(channel.name, user).run();
                member.reset();
            }
        }
        for (std::size_t position = 0; position < incident.workstreams.size(); ++position) {
            const Workstream& workstream = incident.workstreams[position];
            prepared("INSERT INTO workstreams (incident_id, name, lead, channel, opened_at, position) "
                           "VALUES (?, ?, ?, ?, ?, ?)",
                      operation)
                .bind(incident.id, workstream.name, workstream.lead, workstream.channel, workstream.opened_at,
                      static_cast<std::int64_t>(position))
                .run();
        }
        for (const std::string& group : incident.invited_groups)
            prepared("INSERT INTO incident_groups (incident_id, group_name) VALUES (?, ?)", operation)
                .bind(incident.id, group)
                .run();
    }

    std::optional<Draft> draft(DraftId id) override {
        Statement query = prepared(std::string(stored::kDraftSelect) + " WHERE id = ?", "load draft");
        if (!query.bind(id).step()) return std::nullopt;
        return stored::read_draft(query);
    }

    std::vector<Draft> drafts(IncidentId incident) override {
        Statement query = prepared(std::string(stored::kDraftSelect) + " WHERE incident_id = ? ORDER BY id", "list drafts");
        return query.bind(incident).rows(stored::read_draft<Statement>);
    }

    void save(const Draft& draft) override {
        prepared("INSERT INTO drafts (id, incident_id, audience, author, text, state, revision, "
                        "is_summary, created_at, routed_to, decided_by, decided_at, reason, published_at, "
                        "lead_approval, approver_approval, delivery_problem) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id, "
                        "audience = excluded.audience, author = excluded.author, text = excluded.text, "
                        "state = excluded.state, revision = excluded.revision, "
                        "is_summary = excluded.is_summary, created_at = excluded.created_at, "
                        "routed_to = excluded.routed_to, decided_by = excluded.decided_by, "
                        "decided_at = excluded.decided_at, reason = excluded.reason, "
                        "published_at = excluded.published_at, lead_approval = excluded.lead_approval, "
                        "approver_approval = excluded.approver_approval, delivery_problem = excluded.delivery_problem",
                  "save draft")
            .bind(draft.id, draft.incident, draft.audience, draft.author, draft.text, to_string(draft.state),
                  draft.revision, draft.is_summary, draft.created_at, draft.routed_to, draft.decided_by,
                  draft.decided_at, draft.reason, draft.published_at, draft.lead_approval, draft.approver_approval,
                  draft.delivery_problem)
            .run();
    }

    void add(const StatusUpdate& update) override {
        prepared("INSERT INTO status_updates (incident_id, workstream, author, text, at) "
                        "VALUES (?, ?, ?, ?, ?)",
                  "add status update")
            .bind(update.incident, update.workstream, update.author, update.text, update.at)
            .run();
    }

    std::vector<StatusUpdate> updates(IncidentId incident) override {
        Statement query = prepared("SELECT workstream, author, text, at FROM status_updates "
                              "WHERE incident_id = ? ORDER BY id",
                        "list status updates");
        query.bind(incident);
        std::vector<StatusUpdate> result;
        while (query.step())
            result.push_back(StatusUpdate{incident, query.text(0), UserId{query.text(1)}, query.text(2),
                                          query.time(3)});
        return result;
    }

    std::int64_t append(const TimelineEntry& entry) override {
        prepared("INSERT INTO timeline (incident_id, at, actor, kind, text) VALUES (?, ?, ?, ?, ?)",
                  "append to timeline")
            .bind(entry.incident, entry.at, entry.actor, to_string(entry.kind), entry.text)
            .run();
        return sqlite3_last_insert_rowid(db_);
    }

    std::vector<TimelineEntry> timeline(IncidentId incident) override {
        Statement query = prepared("SELECT seq, at, actor, kind, text FROM timeline WHERE incident_id = ? "
                              "ORDER BY seq",
                        "read timeline");
        query.bind(incident);
        std::vector<TimelineEntry> result;
        while (query.step())
            result.push_back(TimelineEntry{query.integer(0), incident, query.time(1), UserId{query.text(2)},
                                           stored::parsed_or_throw(parse_entry_kind(query.text(3)), "timeline kind",
                                                           query.text(3)),
                                           query.text(4)});
        return result;
    }

    OutboxJobId enqueue(const Effect& effect, std::string_view lane, Time at) override {
        prepared("INSERT INTO outbox (created_at, effect, lane) VALUES (?, ?, ?)", "enqueue effect")
            .bind(at, encode_effect(effect), lane)
            .run();
        // No outbox_lanes row: one process claims nothing (claim_jobs), and
        // migrate-db gives a PostgreSQL target the lanes of the pending jobs.
        return OutboxJobId{sqlite3_last_insert_rowid(db_)};
    }

    std::vector<OutboxJob> pending_jobs(std::size_t limit) override {
        Statement query = prepared("SELECT id, effect, lane FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT ?",
                                   "list pending jobs");
        return query.bind(sql_limit(limit)).rows(stored::read_job<Statement>);
    }

    std::vector<OutboxJob> pending_jobs(std::string_view lane, std::size_t limit) override {
        Statement query = prepared("SELECT id, effect, lane FROM outbox WHERE done_at IS NULL AND lane = ? "
                                   "ORDER BY id LIMIT ?",
                                   "list a lane's pending jobs");
        return query.bind(lane, sql_limit(limit)).rows(stored::read_job<Statement>);
    }

    OutboxBacklog outbox_backlog() override {
        Statement query = prepared("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE done_at IS NULL",
                                   "measure the outbox backlog");
        query.step();
        return OutboxBacklog{query.integer(0), query.is_null(1) ? std::nullopt : std::optional(query.time(1))};
    }

    // A SQLite file is one process's (replicas share PostgreSQL): every lane
    // with pending jobs is that process's, so a claim writes nothing and
    // there is no lease to renew or give back. This keeps the single
    // process's outbox as cheap as before lanes existed.
    std::vector<std::string> claim_lanes(std::string_view, Time, Time, std::size_t limit) override {
        Statement lanes = prepared("SELECT lane FROM outbox WHERE done_at IS NULL GROUP BY lane ORDER BY MIN(id) "
                                   "LIMIT ?",
                                   "list outbox lanes");
        return lanes.bind(sql_limit(limit)).rows([](const Statement& row) { return row.text(0); });
    }

    // One process: the oldest pending jobs of every lane, in one query, as before lanes existed.
    std::vector<LaneJobs> claim_jobs(std::string_view, Time, Time, std::size_t lanes,
                                     std::size_t jobs_per_lane) override {
        const std::size_t limit = lanes > std::numeric_limits<std::size_t>::max() / jobs_per_lane
                                      ? std::numeric_limits<std::size_t>::max()
                                      : lanes * jobs_per_lane;
        Statement query = prepared("SELECT id, effect, lane FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT ?",
                                   "list pending jobs");
        query.bind(sql_limit(limit));
        std::size_t read = 0;
        std::vector<LaneJobs> claimed;   // a handful of lanes: found by a linear search
        while (query.step()) {
            ++read;
            const std::string name = query.text(2);
            auto lane = std::find_if(claimed.begin(), claimed.end(), [&](const LaneJobs& l) { return l.lane == name; });
            if (lane == claimed.end()) {
                // Past the limit of lanes, a lane's jobs wait for the next claim (and are not decoded now).
                if (claimed.size() == lanes) continue;
                lane = claimed.insert(claimed.end(), LaneJobs{name, {}, true});
            }
            if (lane->jobs.size() < jobs_per_lane)
                lane->jobs.push_back(OutboxJob{OutboxJobId{query.integer(0)}, decode_effect(query.text(1)), name});
            else
                lane->all = false;
        }
        // Fewer rows than asked for: every pending job was seen.
        if (read == limit)
            for (LaneJobs& lane : claimed) lane.all = false;
        return claimed;
    }

    void renew_lanes(std::string_view, Time) override {}

    void release_lane(std::string_view, std::string_view) override {}

    bool take_lease(std::string_view name, std::string_view holder, Time now, Time until) override {
        prepared("INSERT INTO leases (name, holder, lease_until) VALUES (?1, ?2, ?4) "
                 "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until "
                 "WHERE leases.holder = excluded.holder OR leases.lease_until < ?3",
                 "take a lease")
            .bind(name, holder, now, until)
            .run();
        return sqlite3_changes(db_) == 1;
    }

    void release_lease(std::string_view name, std::string_view holder) override {
        prepared("DELETE FROM leases WHERE name = ? AND holder = ?", "release a lease").bind(name, holder).run();
    }

    void complete_job(OutboxJobId id, Time at) override {
        // Completing twice keeps the first time: a repeated job is not news.
        prepared("UPDATE outbox SET done_at = ? WHERE id = ? AND done_at IS NULL", "complete job")
            .bind(at, id)
            .run();
    }

    std::optional<AuditEntry> last_audit_entry(IncidentId incident) override {
        Statement query = prepared(std::string(stored::kAuditSelect) + " WHERE incident_id = ? ORDER BY seq DESC LIMIT 1",
                                   "read the audit head");
        if (!query.bind(incident).step()) return std::nullopt;
        return stored::read_audit(query);
    }

    void insert_audit(const AuditEntry& entry) override {
        prepared("INSERT INTO audit_log (incident_id, seq, at, actor, actor_name, kind, facts, prev_hash, hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 "append to the audit record")
            .bind(entry.incident, entry.seq, entry.at, entry.actor, entry.actor_name, entry.kind, entry.facts,
                  entry.prev_hash, entry.hash)
            .run();
    }

    std::vector<AuditEntry> audit_entries(IncidentId incident) override {
        Statement query = prepared(std::string(stored::kAuditSelect) + " WHERE incident_id = ? ORDER BY seq",
                        "read the audit record");
        return query.bind(incident).rows(stored::read_audit<Statement>);
    }

    std::vector<IncidentId> unchained_incidents() override {
        Statement query = prepared("SELECT id FROM incidents WHERE NOT EXISTS "
                              "(SELECT 1 FROM audit_log WHERE audit_log.incident_id = incidents.id) ORDER BY id",
                        "list incidents without an audit record");
        return query.rows([](Statement& row) { return IncidentId{row.integer(0)}; });
    }

    ScheduleId add(const Schedule& schedule) override {
        prepared("INSERT INTO schedules (incident_id, kind, target, due_at, every_ms, state, done_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                  "add schedule")
            .bind(schedule.incident, to_string(schedule.kind), schedule.target, schedule.due_at,
                  static_cast<std::int64_t>(schedule.every.count()), to_string(schedule.state), schedule.done_at)
            .run();
        return ScheduleId{sqlite3_last_insert_rowid(db_)};
    }

    void save(const Schedule& schedule) override {
        prepared("UPDATE schedules SET state = ?, done_at = ? WHERE id = ?", "save schedule")
            .bind(to_string(schedule.state), schedule.done_at, schedule.id)
            .run();
    }

    std::vector<Schedule> due_schedules(Time now, std::size_t limit) override {
        Statement query = prepared(std::string(stored::kScheduleSelect) +
                                  " WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
                        "list due schedules");
        return query.bind(now, sql_limit(limit)).rows(stored::read_schedule<Statement>);
    }

    std::vector<Schedule> pending_schedules(IncidentId incident) override {
        Statement query = prepared(std::string(stored::kScheduleSelect) +
                                  " WHERE state = 'pending' AND incident_id = ? ORDER BY due_at, id",
                        "list schedules");
        return query.bind(incident).rows(stored::read_schedule<Statement>);
    }

    std::optional<Time> next_due_time() override {
        Statement query = prepared("SELECT MIN(due_at) FROM schedules WHERE state = 'pending'", "next due time");
        if (!query.step() || query.is_null(0)) return std::nullopt;
        return query.time(0);
    }

    EscalationId next_escalation_id() override { return EscalationId{next_counter("escalation")}; }

    std::optional<Escalation> escalation(EscalationId id) override {
        Statement query = prepared(std::string(stored::kEscalationSelect) + " WHERE id = ?", "load escalation");
        if (!query.bind(id).step()) return std::nullopt;
        return stored::read_escalation(query);
    }

    std::vector<Escalation> escalations(IncidentId incident) override {
        Statement query = prepared(std::string(stored::kEscalationSelect) + " WHERE incident_id = ? ORDER BY id",
                        "list escalations");
        return query.bind(incident).rows(stored::read_escalation<Statement>);
    }

    void save(const Escalation& escalation) override {
        prepared("INSERT INTO escalations (id, incident_id, requested_by, text, requested_at, deadline, "
                        "state, decided_by, decided_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (id) DO UPDATE SET deadline = excluded.deadline, state = excluded.state, "
                        "decided_by = excluded.decided_by, decided_at = excluded.decided_at, "
                        "comment = excluded.comment",
                  "save escalation")
            .bind(escalation.id, escalation.incident, escalation.requested_by, escalation.text,
                  escalation.requested_at, escalation.deadline, to_string(escalation.state), escalation.decided_by,
                  escalation.decided_at, escalation.comment)
            .run();
    }

    int add(const ActionItem& item) override {
        Statement insert = prepared("INSERT INTO action_items (incident_id, number, text, owner, added_by, added_at) "
                               "SELECT ?, COALESCE(MAX(number), 0) + 1, ?, ?, ?, ? FROM action_items "
                               "WHERE incident_id = ? RETURNING number",
                         "add action item");
        insert.bind(item.incident, item.text, item.owner, item.added_by, item.added_at, item.incident);
        if (!insert.step()) throw StorageError("sqlite: add action item: no number returned");
        const int number = static_cast<int>(insert.integer(0));
        insert.run();
        return number;
    }

    std::vector<ActionItem> action_items(IncidentId incident) override {
        Statement query = prepared("SELECT number, text, owner, added_by, added_at FROM action_items "
                              "WHERE incident_id = ? ORDER BY number",
                        "list action items");
        query.bind(incident);
        std::vector<ActionItem> result;
        while (query.step())
            result.push_back(ActionItem{incident, static_cast<int>(query.integer(0)), query.text(1),
                                        query.maybe_user(2), UserId{query.text(3)}, query.time(4)});
        return result;
    }

    std::optional<std::string> platform_ref(std::string_view kind, std::string_view key) override {
        Statement query = prepared("SELECT value FROM platform_refs WHERE kind = ? AND key = ?", "read platform ref");
        if (!query.bind(kind, key).step()) return std::nullopt;
        return query.text(0);
    }

    void set_platform_ref(std::string_view kind, std::string_view key, std::string_view value) override {
        prepared("INSERT INTO platform_refs (kind, key, value) VALUES (?, ?, ?) "
                        "ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value",
                  "set platform ref")
            .bind(kind, key, value)
            .run();
    }

    TableRows read_table(std::string_view table) override {
        const std::string operation = "read table " + std::string(table);
        Statement query(db(), "SELECT * FROM " + quoted_table(table), operation);
        TableRows result;
        const int columns = query.columns();
        for (int column = 0; column < columns; ++column) result.columns.push_back(query.column_name(column));
        while (query.step()) {
            std::vector<StoredValue>& row = result.rows.emplace_back();
            for (int column = 0; column < columns; ++column) row.push_back(query.value(column));
        }
        return result;
    }

    void write_table(std::string_view table, const TableRows& rows) override {
        if (rows.rows.empty()) return;
        std::string sql = "INSERT INTO " + quoted_table(table) + " (";
        std::string values;
        for (std::size_t column = 0; column < rows.columns.size(); ++column) {
            sql += (column ? ", " : "") + quoted_identifier(rows.columns[column]);
            values += column ? ", ?" : "?";
        }
        sql += ") VALUES (" + values + ")";
        const std::string operation = "write table " + std::string(table);
        Statement insert(db(), sql, operation);
        for (const auto& row : rows.rows) {
            if (row.size() != rows.columns.size())
                throw StorageError("sqlite: write table " + std::string(table) + ": a row has the wrong width");
            for (std::size_t column = 0; column < row.size(); ++column) insert.bind_value(static_cast<int>(column) + 1, row[column]);
            insert.run();
            insert.reset();
        }
    }

    std::int64_t count_rows(std::string_view table) override {
        Statement query(db(), "SELECT COUNT(*) FROM " + quoted_table(table), "count rows of " + std::string(table));
        query.step();
        return query.integer(0);
    }

    void commit() override {
        if (in_group_) {
            // A savepoint released: durable only at the group's commit, which is timed.
            prepared("RELEASE grouped", "commit").run();
        } else {
            const auto started = std::chrono::steady_clock::now();
            prepared("COMMIT", "commit").run();
            metrics::store_committed(std::chrono::steady_clock::now() - started);
        }
        committed_ = true;
    }

private:
    // After commit the connection is back in autocommit mode; further writes
    // through this object would silently escape any transaction.
    sqlite3* db() const {
        if (committed_) throw StorageError("sqlite: transaction used after commit");
        return db_;
    }

    Statement prepared(std::string_view sql, std::string_view operation) {
        db();   // refuses use after commit
        return kept_.get(sql, operation);
    }

public:
    void clear_counter(std::string_view name) {
        prepared("DELETE FROM counters WHERE name = ?", "clear a mark").bind(name).run();
    }

private:
    std::int64_t next_counter(std::string_view name) {
        Statement bump = prepared("INSERT INTO counters (name, value) VALUES (?, 1) "
                             "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
                       "next id");
        bump.bind(name);
        if (!bump.step()) throw StorageError("sqlite: next id: no value returned");
        const std::int64_t value = bump.integer(0);
        bump.run();
        return value;
    }

    sqlite3* db_;
    bool& open_flag_;
    StatementCache& kept_;
    bool in_group_;
    bool committed_ = false;
};

}  // namespace

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path) {
    const bool in_memory = path.empty() || path == ":memory:";
    if (!in_memory) {
        // SQLite would create the file with the umask's mode (0644 as a rule)
        // and gives its -wal and -shm files the database's own mode: made
        // 0600 here first, all three are readable by their owner only.
        if (!create_private_file(path))
            throw StorageError("sqlite: cannot create the database " + path + ": " + std::strerror(errno));
        if (readable_by_others(path))
            spdlog::warn("the database {} is readable by other users than its owner; it holds the incidents' "
                         "record: chmod 600 it unless that is meant",
                         path);
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    // The store owns the handle from here on, also when open failed.
    std::unique_ptr<SqliteStore> store(new SqliteStore(raw));
    if (rc != SQLITE_OK) {
        if (!raw) throw StorageError("sqlite: open " + path + ": out of memory");
        fail(raw, "open " + path);
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);

    if (!in_memory) {
        Statement journal(raw, "PRAGMA journal_mode=WAL", "enable WAL");
        // journal_mode answers with the mode now in force.
        const bool wal = journal.step() && journal.text(0) == "wal";
        journal.run();
        // NORMAL is durable enough only with WAL; otherwise keep the default, FULL.
        if (wal) exec(raw, "PRAGMA synchronous=NORMAL", "set synchronous");
        if (wal) store->checkpointer_ = std::make_unique<WalCheckpointer>(raw, path);
    }
    exec(raw, "PRAGMA foreign_keys=ON", "enable foreign keys");
    migrate(raw, path);
    store->begin_chains_left_by_upgrade();
    return store;
}

void SqliteStore::begin_chains_left_by_upgrade() {
    {
        Statement mark(db_, "SELECT 1 FROM counters WHERE name = 'audit_chains_to_begin'", "read the upgrade mark");
        if (!mark.step()) return;
    }
    auto tx = begin();
    begin_chains_at_upgrade(*tx, SystemClock().now());
    static_cast<SqliteTransaction&>(*tx).clear_counter("audit_chains_to_begin");
    tx->commit();
}

SqliteStore::SqliteStore(sqlite3* db) : db_(db), kept_statements_(std::make_unique<StatementCache>(db)) {}

SqliteStore::~SqliteStore() {
    checkpointer_.reset();      // its thread ends before the connection it watches closes
    kept_statements_.reset();   // finalized before the connection closes
    sqlite3_close_v2(db_);
}

std::unique_ptr<Transaction> SqliteStore::begin(TransactionKind kind) {
    if (transaction_open_) throw StorageError("sqlite: begin: a transaction is already open on this store");
    if (grouping_ && !group_open_) {
        kept_statements_->get("BEGIN IMMEDIATE", "begin grouped transactions").run();
        group_open_ = true;
    }
    return std::make_unique<SqliteTransaction>(db_, transaction_open_, *kept_statements_, grouping_, kind);
}

bool SqliteStore::begin_group() {
    if (grouping_ || transaction_open_) throw StorageError("sqlite: begin_group: the store is not idle");
    grouping_ = true;
    return true;
}

void SqliteStore::commit_group() {
    grouping_ = false;
    if (!std::exchange(group_open_, false)) return;
    if (sqlite3_get_autocommit(db_))
        throw StorageError("sqlite: commit grouped transactions: SQLite rolled them back after an error");
    try {
        const auto started = std::chrono::steady_clock::now();
        kept_statements_->get("COMMIT", "commit grouped transactions").run();
        metrics::store_committed(std::chrono::steady_clock::now() - started);
    } catch (const StorageError&) {
        rollback_quietly(db_);
        throw;
    }
}

void SqliteStore::abort_group() {
    grouping_ = false;
    if (std::exchange(group_open_, false)) rollback_quietly(db_);
}

int SqliteStore::schema_version() const { return read_user_version(db_); }

int SqliteStore::latest_schema_version() { return static_cast<int>(kMigrations.size()); }

}  // namespace warroom
