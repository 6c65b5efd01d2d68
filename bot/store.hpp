#pragma once
// The storage port the core depends on; backends (storage/sqlite,
// storage/postgres) implement it and storage/open_store.hpp picks one by URL.
// Every inbound event is handled in one Transaction: the state change, its
// timeline entries, its outbox effects and the event's id commit together or
// not at all. Several processes (replicas) may share one database: write
// transactions are serialised by the database, and the outbox and the
// single-holder roles are claimed with leases.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bot/action_item.hpp"
#include "bot/audit.hpp"
#include "bot/draft.hpp"
#include "bot/effect.hpp"
#include "bot/escalation.hpp"
#include "bot/ids.hpp"
#include "bot/incident.hpp"
#include "bot/schedule.hpp"
#include "bot/timeline.hpp"

namespace warroom {

// Storage failures the caller cannot fix by changing its input (disk full,
// database locked for too long, corrupt file).
class StorageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The database cannot be reached (refused, restarted, the connection cut):
// nothing of the transaction was committed, and the same work may succeed
// once the database is back. An inbound event that failed so is not
// acknowledged, so the platform delivers it again.
class StorageUnavailable : public StorageError {
public:
    using StorageError::StorageError;
};

// A stored value as both backends hold it: every column is an integer or text.
using StoredValue = std::variant<std::monostate, std::int64_t, std::string>;   // monostate: NULL

struct TableRows {
    std::vector<std::string> columns;
    std::vector<std::vector<StoredValue>> rows;
};

// Every table warroom keeps, parents before the tables that refer to them.
inline constexpr std::array<std::string_view, 18> kStoredTables = {
    "incidents",    "channels",     "channel_members", "workstreams", "incident_groups", "drafts",
    "status_updates", "timeline",   "processed_events", "outbox",     "outbox_lanes",    "platform_refs",
    "counters",     "schedules",    "escalations",     "action_items", "audit_log",      "leases"};

// The outbox jobs not yet done, for the metrics.
struct OutboxBacklog {
    std::int64_t jobs = 0;
    std::optional<Time> oldest;        // created_at of the oldest one; nothing when there is none
};

// The jobs of one lane a performer holds, oldest first.
struct LaneJobs {
    std::string lane;
    std::vector<OutboxJob> jobs;
    bool all = false;                  // every pending job of the lane is here (fewer than asked for)
};

class Transaction {
public:
    virtual ~Transaction() = default;   // without commit(), everything is rolled back

    // Records an inbound event id; false if it was recorded before.
    virtual bool record_event(const EventId& id, Time at) = 0;

    virtual IncidentId next_incident_id() = 0;
    virtual DraftId next_draft_id() = 0;

    virtual std::optional<Incident> incident(IncidentId id) = 0;
    virtual std::optional<IncidentId> incident_for_channel(const ChannelName& channel) = 0;
    virtual std::vector<Incident> incidents(bool open_only) = 0;   // ordered by id
    // Inserts or replaces the incident with its channels, members and workstreams.
    virtual void save(const Incident& incident) = 0;

    virtual std::optional<Draft> draft(DraftId id) = 0;
    virtual std::vector<Draft> drafts(IncidentId incident) = 0;     // ordered by id
    virtual void save(const Draft& draft) = 0;

    virtual void add(const StatusUpdate& update) = 0;
    virtual std::vector<StatusUpdate> updates(IncidentId incident) = 0;  // oldest first

    // Appends and returns the entry's sequence number.
    virtual std::int64_t append(const TimelineEntry& entry) = 0;
    virtual std::vector<TimelineEntry> timeline(IncidentId incident) = 0;  // oldest first

    // The outbox: effects waiting to be performed by an adapter. Jobs sit in
    // lanes (one per incident, "" for the rest) and are performed in order
    // within a lane; a lane is leased to one holder (a replica) at a time.
    virtual OutboxJobId enqueue(const Effect& effect, std::string_view lane, Time at) = 0;
    // Pending jobs of every lane, oldest first.
    virtual std::vector<OutboxJob> pending_jobs(std::size_t limit) = 0;
    // Pending jobs of one lane, oldest first.
    virtual std::vector<OutboxJob> pending_jobs(std::string_view lane, std::size_t limit) = 0;
    virtual void complete_job(OutboxJobId id, Time at) = 0;
    // How many jobs of every lane are pending, and since when the oldest one.
    virtual OutboxBacklog outbox_backlog() = 0;
    // Leases to `holder` until `until` at most `limit` lanes that have pending
    // jobs and are free, already held by `holder`, or whose lease ended before
    // `now`; lanes whose oldest pending job is oldest come first. Lanes another
    // transaction is claiming are skipped, not waited for. Returns them.
    // (SQLite, one process's database, hands out every lane with pending jobs
    // and keeps no leases.)
    virtual std::vector<std::string> claim_lanes(std::string_view holder, Time now, Time until,
                                                 std::size_t limit) = 0;
    // Extends every lease `holder` holds on lanes to `until` (a heartbeat while it performs).
    virtual void renew_lanes(std::string_view holder, Time until) = 0;
    // claim_lanes, then up to `jobs_per_lane` pending jobs of each lane
    // claimed. A backend may do it in fewer statements.
    virtual std::vector<LaneJobs> claim_jobs(std::string_view holder, Time now, Time until, std::size_t lanes,
                                             std::size_t jobs_per_lane) {
        std::vector<LaneJobs> claimed;
        for (std::string& lane : claim_lanes(holder, now, until, lanes)) {
            auto jobs = pending_jobs(lane, jobs_per_lane);
            const bool all = jobs.size() < jobs_per_lane;
            claimed.push_back(LaneJobs{std::move(lane), std::move(jobs), all});
        }
        return claimed;
    }
    // Gives a lane back (if `holder` still holds it and it has no pending job
    // left), so another may take it at once.
    virtual void release_lane(std::string_view lane, std::string_view holder) = 0;

    // Single-holder roles (the Matrix /sync loop): takes or renews the lease
    // `name` for `holder` until `until` when it is free, held by `holder`, or
    // ended before `now`. True if `holder` holds it now.
    virtual bool take_lease(std::string_view name, std::string_view holder, Time now, Time until) = 0;
    virtual void release_lease(std::string_view name, std::string_view holder) = 0;

    // Schedules: what the bot must do when, for which incident.
    virtual ScheduleId add(const Schedule& schedule) = 0;
    virtual void save(const Schedule& schedule) = 0;            // its state and done_at
    // Pending schedules due at or before `now`, earliest first (ties by id).
    virtual std::vector<Schedule> due_schedules(Time now, std::size_t limit) = 0;
    virtual std::vector<Schedule> pending_schedules(IncidentId incident) = 0;  // earliest first
    virtual std::optional<Time> next_due_time() = 0;            // of any pending schedule

    // Escalations to the executives, E-N across all incidents.
    virtual EscalationId next_escalation_id() = 0;
    virtual std::optional<Escalation> escalation(EscalationId id) = 0;
    virtual std::vector<Escalation> escalations(IncidentId incident) = 0;   // ordered by id
    virtual void save(const Escalation& escalation) = 0;

    // Action items for the review; add() numbers them 1, 2, ... per incident and returns the number.
    virtual int add(const ActionItem& item) = 0;
    virtual std::vector<ActionItem> action_items(IncidentId incident) = 0;  // by number

    // The audit record (bot/audit.hpp): append only, written through
    // append_audit(), which numbers and seals each entry.
    virtual std::optional<AuditEntry> last_audit_entry(IncidentId incident) = 0;
    virtual void insert_audit(const AuditEntry& entry) = 0;    // refused if its seq is taken
    virtual std::vector<AuditEntry> audit_entries(IncidentId incident) = 0;   // by seq
    // Incidents that have no audit entry at all (made before the record existed).
    virtual std::vector<IncidentId> unchained_incidents() = 0;

    // What an adapter learned from the platform: channel ids, card message ids.
    // `kind` names the mapping ("slack.channel", "card"), `key` the neutral name.
    virtual std::optional<std::string> platform_ref(std::string_view kind, std::string_view key) = 0;
    virtual void set_platform_ref(std::string_view kind, std::string_view key, std::string_view value) = 0;

    // Whole tables, for `warroom migrate-db` (bot/migrate_db.hpp): every
    // column of every row, by the column names both backends share.
    virtual TableRows read_table(std::string_view table) = 0;
    // Inserts the rows as they are, ids included; ids generated later follow
    // the largest one written.
    virtual void write_table(std::string_view table, const TableRows& rows) = 0;
    virtual std::int64_t count_rows(std::string_view table) = 0;

    virtual void commit() = 0;
};

// What a transaction is for. A write transaction is serialised against every
// other write transaction on the database, across processes (SQLite's write
// lock, a PostgreSQL advisory lock), so reading state and changing it never
// races. A claim transaction only claims or releases lanes and leases
// (claim_lanes, release_lane, take_lease, release_lease, pending_jobs): on
// PostgreSQL it does not wait for writers, and claimers skip each other's rows.
// A read transaction only reads (the board, /metrics, /readyz): it takes no
// write lock, so looking never holds up a command, and it reads one
// consistent snapshot.
enum class TransactionKind { write, claim, read };

class Store {
public:
    virtual ~Store() = default;
    // Starts a transaction. Only one is open at a time per Store.
    virtual std::unique_ptr<Transaction> begin(TransactionKind kind = TransactionKind::write) = 0;
    // "sqlite" or "postgresql", for messages.
    virtual std::string backend() const = 0;

    // Group commit. After begin_group(), transactions committed on this store
    // become durable together at commit_group(), in one write of the log;
    // abort_group() drops them all. Returns whether the backend holds them:
    // one that does not (the default) commits each transaction by itself, and
    // commit_group()/abort_group() do nothing. A caller tells anyone of a
    // grouped transaction's outcome only after commit_group() returned.
    // commit_group() throws StorageError when nothing became durable.
    virtual bool begin_group() { return false; }
    virtual void commit_group() {}
    virtual void abort_group() {}
};

}  // namespace warroom
