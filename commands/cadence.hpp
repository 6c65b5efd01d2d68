#pragma once
// The rhythm of an incident: sync reminders and reports, summary drafts.
#include "commands/command.hpp"

namespace warroom {

// Starts the playbook's cadences for ctx's incident at its severity
// (all-hands sync, each workstream's sync, executive summary). Called at
// declaration, when an exercise starts, and when the severity changes.
void start_default_cadences(Context& ctx);

// Starts the workstream sync cadence for one newly opened workstream, if the
// playbook has one for the incident's severity.
void start_workstream_cadence(Context& ctx, const std::string& workstream);

}  // namespace warroom
