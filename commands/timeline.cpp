// /incident timeline
#include "commands/authorize.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

constexpr std::size_t kMaxShown = 100;

Outcome run(Context& ctx) {
    if (auto refusal = require_member(ctx, "read the timeline")) return *refusal;
    if (!ctx.args.empty()) return invalid("timeline takes no arguments: /incident timeline");
    const Incident& incident = ctx.the_incident();
    const std::vector<TimelineEntry> entries = ctx.tx.timeline(incident.id);
    std::string text = "Timeline of " + to_string(incident.id) + " · " + incident.title;
    const std::size_t first = entries.size() > kMaxShown ? entries.size() - kMaxShown : 0;
    if (first > 0)
        text += " (last " + std::to_string(kMaxShown) + " of " + std::to_string(entries.size()) +
                "; warroom export shows all)";
    for (std::size_t i = first; i < entries.size(); ++i) {
        const TimelineEntry& entry = entries[i];
        text += "\n" + format_utc(entry.at) + " [" + to_string(entry.kind) + "] " + mention(entry.actor) + ": " +
                entry.text;
    }
    return done(text);
}

}  // namespace

extern const CommandSpec timeline_command{"timeline", "timeline", "show the incident's timeline", "",
                                          IncidentScope::required, run};

}  // namespace warroom
