#include "bot/board.hpp"

#include <algorithm>
#include <map>

#include "commands/cadence.hpp"

namespace warroom {
namespace {

// For each sync cadence of the incident ("all" for the all-hands sync, else a
// workstream's), the start of the period its last sync looked at. The last
// sync took place one period before the pending one is due, and flagged a
// workstream that reported nothing in the period before it; the flag stays
// until that workstream reports. Before a cadence's first sync the start lies
// before every workstream opened, so nothing is flagged yet.
std::map<std::string, Time, std::less<>> last_sync_periods(Transaction& tx, IncidentId incident) {
    std::map<std::string, Time, std::less<>> since;
    for (const Schedule& schedule : tx.pending_schedules(incident))
        if (schedule.kind == ScheduleKind::sync && schedule.recurs())
            since.emplace(schedule.target, schedule.due_at - 2 * schedule.every);
    return since;
}

BoardIncident summarise(Transaction& tx, Incident incident, const std::vector<StatusUpdate>& updates,
                        std::vector<Draft> drafts, std::vector<Escalation> escalations) {
    BoardIncident board{std::move(incident), {}, {}, {}};
    const auto periods = last_sync_periods(tx, board.incident.id);
    for (const Workstream& workstream : board.incident.workstreams) {
        BoardWorkstream row{workstream.name, workstream.lead, std::nullopt, false};
        for (const StatusUpdate& update : updates)   // oldest first: the last one wins
            if (update.workstream == workstream.name) row.last_update = update.at;
        for (std::string_view cadence : {std::string_view(workstream.name), kAllHands})
            if (auto period = periods.find(cadence); period != periods.end())
                row.stale = row.stale || missed_sync(workstream, row.last_update, period->second);
        board.workstreams.push_back(std::move(row));
    }
    for (Draft& draft : drafts)
        if (draft.state == DraftState::pending) board.drafts_waiting.push_back(std::move(draft));
    for (Escalation& escalation : escalations)
        if (escalation.state == EscalationState::pending) board.escalations_waiting.push_back(std::move(escalation));
    return board;
}

}  // namespace

Board read_board(Transaction& tx, Time now, bool with_exercises) {
    Board board{now, {}, 0};
    std::vector<Incident> open = tx.incidents(true);
    // Newest first: the incident declared last is the one people are looking for.
    std::reverse(open.begin(), open.end());
    for (Incident& incident : open) {
        if (incident.exercise && !with_exercises) {
            ++board.exercises_hidden;
            continue;
        }
        const IncidentId id = incident.id;
        board.incidents.push_back(summarise(tx, std::move(incident), tx.updates(id), tx.drafts(id), tx.escalations(id)));
    }
    return board;
}

std::optional<IncidentPage> read_incident_page(Transaction& tx, IncidentId id, Time now) {
    std::optional<Incident> incident = tx.incident(id);
    if (!incident) return std::nullopt;
    IncidentRecord record = read_record(tx, *incident, now);
    BoardIncident summary = summarise(tx, *incident, record.updates, record.drafts, record.escalations);
    std::optional<std::string> review;
    if (!incident->is_open()) review = render_markdown(analyse(record));
    return IncidentPage{std::move(summary), std::move(record), std::move(review)};
}

}  // namespace warroom
