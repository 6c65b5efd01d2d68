// /incident list
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (!ctx.args.empty()) return invalid("list takes no arguments: /incident list");
    const std::vector<Incident> open = ctx.tx.incidents(true);
    if (open.empty()) return done("No open incidents. Declare one with /incident declare SEV TITLE");
    std::string text = std::to_string(open.size()) + " open incident(s):";
    for (const Incident& incident : open)
        text += "\n" + to_string(incident.id) + (incident.exercise ? " · EXERCISE " + incident.scenario : "") + " · " +
                to_string(incident.severity) + " · " +
                to_string(incident.status) + " · " + incident.title + " · lead " + mention(incident.lead) + " · " +
                to_string(incident.main_channel().name);
    return done(text);
}

}  // namespace

extern const CommandSpec list_command{"list", "list", "list the open incidents", "", IncidentScope::none, run};

}  // namespace warroom
