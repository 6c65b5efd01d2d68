#pragma once
// The rhythm of an incident: sync cadences with their
// reminders, and the executive summary cadence. Each cadence is a pair of
// recurring schedules in storage; setting one replaces the previous.
#include <optional>
#include <string>

#include "commands/command.hpp"

namespace warroom {

// The target of the all-hands sync; any other target names a workstream.
inline constexpr std::string_view kAllHands = "all";

// Starts the playbook's cadences for ctx's incident at its severity
// (all-hands sync, each workstream's sync, executive summary). Called at
// declaration, when an exercise starts, when the severity changes and when a
// resolved incident is reopened; cadences the severity does not define are
// left as they are.
void start_default_cadences(Context& ctx);

// Starts the workstream sync cadence for one newly opened workstream, if the
// playbook has one for the incident's severity.
void start_workstream_cadence(Context& ctx, const std::string& workstream);

// Sets `target`'s sync to every `every`, first one `every` from now, with a
// reminder before each; replaces any earlier cadence for it.
void set_sync(Context& ctx, const std::string& target, Duration every);
// Stops `target`'s sync; false if it had none.
bool stop_sync(Context& ctx, const std::string& target);
// The cadence and next sync of `target`, if it has one.
struct SyncCadence {
    Duration every{0};
    Time next{};
};
std::optional<SyncCadence> sync_cadence(Context& ctx, std::string_view target);

// How long before a sync its reminder goes out: the playbook's lead time, but
// never more than half the cadence, so a 45s sync is reminded 22s before.
Duration reminder_lead(const Context& ctx, Duration every);

// Whether a workstream missed the sync at `previous` (the last sync of one
// of its cadences): it was open by then and reported nothing since. The sync
// reports flag it STALE, and the board shows the same flag.
bool missed_sync(const Workstream& workstream, std::optional<Time> last_update, Time previous);

// "the all-hands sync", "the engineering sync"
std::string sync_name(std::string_view target);

// "all-hands sync every 1h, workstream syncs every 30m, summary every 2h"; "" if none.
std::string describe(const Cadence& cadence);

// Cancels every pending schedule of ctx's incident: it was resolved, nothing more is due.
void stop_all_schedules(Context& ctx);

}  // namespace warroom
