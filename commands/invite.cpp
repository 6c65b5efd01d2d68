// /incident invite @user... | GROUP
#include "commands/authorize.hpp"
#include "commands/channels.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    Incident& incident = ctx.the_incident();
    // Typed outside the incident's channels ("/incident INC-3 invite ..."): the main channel.
    const ChannelName channel = incident.find_channel(ctx.channel) ? ctx.channel : incident.main_channel().name;
    if (auto refusal = require_lead_or_workstream_lead(ctx, "invite people to " + to_string(channel)))
        return *refusal;
    if (ctx.args.empty())
        return invalid("name people or a playbook group: /incident invite @dave @erin, or /incident invite legal");

    std::vector<UserId> users;
    std::string groups;
    for (std::size_t i = 0; i < ctx.args.size(); ++i) {
        const std::string& word = ctx.args[i].text;
        if (auto user = parse_mention(word)) {
            users.push_back(*user);
        } else if (const auto* members = ctx.playbook.group(word)) {
            users.insert(users.end(), members->begin(), members->end());
            groups += (groups.empty() ? "" : ", ") + word;
            if (channel == incident.main_channel().name) incident.invited_groups.insert(word);
        } else {
            std::string known;
            for (const auto& [name, _] : ctx.playbook.groups) known += (known.empty() ? "" : ", ") + name;
            return invalid("\"" + word + "\" is neither a person (@name) nor a playbook group" +
                           (known.empty() ? std::string() : " (groups: " + known + ")"));
        }
    }
    const std::vector<UserId> added = invite_to(ctx, channel, users);
    if (added.empty()) return invalid("everyone named is already in " + to_string(channel));
    const std::string names = mentions(added);
    ctx.tx.save(incident);
    ctx.record(EntryKind::invite, "invited " + names + " to " + to_string(channel) +
                                      (groups.empty() ? std::string() : " (groups: " + groups + ")"));
    return done("Invited " + names + " to " + to_string(channel));
}

}  // namespace

extern const CommandSpec invite_command{
    "invite", "invite @user... | GROUP", "invite people or a playbook group to this channel",
    "Invites to the channel the command is typed in (the main channel when typed elsewhere).",
    IncidentScope::required, run};

}  // namespace warroom
