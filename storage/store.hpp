#pragma once
// The storage interface the core depends on. Every inbound event is handled in
// one Transaction: the state change, its timeline entries, its outbox effects
// and the event's id commit together or not at all. SQLite is the default
// backend; a PostgreSQL backend implements the same interface.
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
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

    // The outbox: effects waiting to be performed by the adapter, in order.
    virtual OutboxJobId enqueue(const Effect& effect, Time at) = 0;
    virtual std::vector<OutboxJob> pending_jobs(std::size_t limit) = 0;
    virtual void complete_job(OutboxJobId id, Time at) = 0;

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

    virtual void commit() = 0;
};

class Store {
public:
    virtual ~Store() = default;
    // Starts a write transaction. Only one is open at a time per Store.
    virtual std::unique_ptr<Transaction> begin() = 0;
};

}  // namespace warroom
