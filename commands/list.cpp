// /incident list
#include "commands/command.hpp"

namespace warroom {
namespace {

// An incident's title and people are for its members: the list
// shows the open incidents the caller is in (a member of any of its
// channels, or its Crisis Lead) and only counts the others.
bool is_in(const Incident& incident, const UserId& user) { return incident.lead == user || incident.is_member(user); }

std::string count_of(std::size_t n, std::string_view what) {
    return std::to_string(n) + " " + std::string(what) + (n == 1 ? "" : "s");
}

Outcome run(Context& ctx) {
    if (!ctx.args.empty()) return invalid("list takes no arguments: /incident list");
    const std::vector<Incident> open = ctx.tx.incidents(true);
    if (open.empty()) return done("No open incidents. Declare one with /incident declare SEV TITLE");
    std::vector<const Incident*> mine;
    std::size_t others = 0;
    for (const Incident& incident : open) {
        if (is_in(incident, ctx.caller)) mine.push_back(&incident);
        else ++others;
    }
    if (mine.empty())
        return done("You are in none of the open incidents (" + count_of(others, "open incident") +
                    " you are not in); a Crisis Lead can add you with /incident INC-N invite @you");
    std::string text = "You are in " + count_of(mine.size(), "open incident") + ":";
    for (const Incident* incident : mine)
        text += "\n" + to_string(incident->id) + (incident->exercise ? " · EXERCISE " + incident->scenario : "") +
                " · " + to_string(incident->severity) + " · " + to_string(incident->status) + " · " +
                incident->title + " · lead " + mention(incident->lead) + " · " +
                to_string(incident->main_channel().name);
    if (others > 0) text += "\n… and " + count_of(others, "other open incident") + " you are not in";
    return done(text);
}

}  // namespace

extern const CommandSpec list_command{"list", "list",
                                      "list the open incidents you are in, and count the others", "",
                                      IncidentScope::none, run};

}  // namespace warroom
