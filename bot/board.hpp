#pragma once
// What the incident board shows, read from storage in one read transaction:
// the open incidents with their workstreams (and whether each missed its last
// sync), the drafts waiting for approval and the escalations waiting for a
// decision; and one incident in full. Pure data: adapters/http renders it.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bot/clock.hpp"
#include "bot/draft.hpp"
#include "bot/escalation.hpp"
#include "bot/incident.hpp"
#include "bot/review.hpp"
#include "bot/store.hpp"

namespace warroom {

struct BoardWorkstream {
    std::string name;
    std::optional<UserId> lead;
    std::optional<Time> last_update;
    bool stale = false;                // missed its last sync: nothing reported since
};

struct BoardIncident {
    Incident incident;
    std::vector<BoardWorkstream> workstreams;
    std::vector<Draft> drafts_waiting;           // pending approval, oldest first
    std::vector<Escalation> escalations_waiting; // pending a decision, oldest first
};

struct Board {
    Time now{};
    std::vector<BoardIncident> incidents;        // open ones, newest first
    std::size_t exercises_hidden = 0;            // open exercises left out (shown only when asked for)
};

// The open incidents, newest first; exercises only with `with_exercises`.
Board read_board(Transaction& tx, Time now, bool with_exercises);

struct IncidentPage {
    BoardIncident summary;
    IncidentRecord record;             // everything stored about it
    std::optional<std::string> review; // the review in Markdown, once resolved
};

// One incident in full, or nothing if there is no such incident.
std::optional<IncidentPage> read_incident_page(Transaction& tx, IncidentId id, Time now);

}  // namespace warroom
