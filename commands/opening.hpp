#pragma once
// Opening an incident, shared by `declare` and `exercise`: the incident, its
// private main channel with the playbook's stakeholders for the severity, the
// default workstreams, and its rhythm.
#include <optional>
#include <string>

#include "commands/command.hpp"

namespace warroom {

struct Opening {
    std::string title;
    Severity severity = Severity::sev4;
    UserId lead;
    bool exercise = false;
    std::string scenario;              // for an exercise
    EntryKind entry = EntryKind::declared;
    std::string entry_text;            // how it was opened, first on the timeline
};

// Creates the incident as ctx.incident and saves it; the caller posts the header.
Incident& open_incident(Context& ctx, const Opening& opening);

// Reads `--lead @user` (the caller when absent) from ctx.args; an error message when it names no one.
std::variant<UserId, Outcome> take_lead_option(Context& ctx);

}  // namespace warroom
