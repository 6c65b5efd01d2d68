// /incident workstream NAME [@lead]
#include <nlohmann/json.hpp>

#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/cadence.hpp"
#include "commands/channels.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_lead(ctx, "open workstreams")) return *refusal;
    if (ctx.args.empty() || ctx.args.size() > 2)
        return invalid("name the workstream and optionally its lead: /incident workstream forensics @dave");
    const std::string& name = ctx.args[0].text;
    if (name == kAllHands)
        return invalid("\"all\" stands for all hands in /incident sync; give the workstream another name");
    // A name too long is refused, not shortened: people type it again later
    // (/incident sync 30m NAME, /incident workstream NAME @lead), and a name
    // warroom cut on its own would not be the one they remember.
    if (utf8_length(name) > kMaxWorkstreamNameLength) {
        const std::string shorter = slugify(name, kMaxWorkstreamNameLength);
        return invalid(too_long_message("the workstream name", utf8_length(name), kMaxWorkstreamNameLength,
                                        "characters",
                                        "It becomes the channel name " +
                                            to_string(workstream_channel_name(ctx.the_incident().id, "NAME",
                                                                              ctx.the_incident().exercise)) +
                                            ", which must stay within " + std::to_string(kMaxChannelNameLength) +
                                            " characters; choose a shorter name" +
                                            (shorter.empty() ? std::string(".")
                                                             : ", e.g. /incident workstream " + shorter)));
    }
    if (!is_valid_workstream_name(name))
        return invalid("\"" + name + "\" is not a workstream name: use lowercase letters, digits and '-' "
                       "(at most " + std::to_string(kMaxWorkstreamNameLength) +
                       "), e.g. /incident workstream forensics");
    std::optional<UserId> lead;
    if (ctx.args.size() == 2) {
        lead = parse_mention(ctx.args[1].text);
        if (!lead) return invalid("\"" + ctx.args[1].text + "\" is not a person; write @dave");
    }

    Incident& incident = ctx.the_incident();
    if (Workstream* existing = incident.find_workstream(name)) {
        if (!lead)
            return invalid("workstream " + name + " is already open in " + to_string(existing->channel) +
                           "; to give it a lead: /incident workstream " + name + " @user");
        if (existing->lead == lead) return invalid(mention(*lead) + " already leads workstream " + name);
        existing->lead = lead;
        const ChannelName channel = existing->channel;
        invite_to(ctx, channel, {*lead});
        invite_to(ctx, incident.main_channel().name, {*lead});
        ctx.tx.save(incident);
        ctx.audit("workstream.lead", {{"name", name}, {"lead", lead->value()}});
        ctx.record(EntryKind::workstream, mention(*lead) + " now leads workstream " + name);
        ctx.post(channel, mention(*lead) + " now leads workstream " + name);
        return done(mention(*lead) + " now leads workstream " + name);
    }
    open_workstream(ctx, name, lead);
    const ChannelName channel = incident.workstreams.back().channel;
    ctx.tx.save(incident);
    if (incident.is_open()) start_workstream_cadence(ctx, name);
    if (lead && *lead != ctx.caller)
        ctx.tell(*lead, mention(ctx.caller) + " asked you to lead workstream " + name + " of " +
                            to_string(incident.id) + " in " + to_string(channel));
    return done("Opened workstream " + name + " in " + to_string(channel) +
                (lead ? " led by " + mention(*lead) : std::string()));
}

}  // namespace

extern const CommandSpec workstream_command{
    "workstream", "workstream NAME [@lead]", "open a workstream channel, or give one a lead",
    "Opens #inc-N-NAME and invites you and the lead. On an existing workstream, sets its lead.",
    IncidentScope::required, run};

}  // namespace warroom
