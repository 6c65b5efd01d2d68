// /incident lead @user · /incident lead accept
#include <nlohmann/json.hpp>

#include "commands/authorize.hpp"
#include "commands/card.hpp"
#include "commands/channels.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome nominate(Context& ctx, const UserId& nominee) {
    Incident& incident = ctx.the_incident();
    const std::string id = to_string(incident.id);
    if (incident.lead != ctx.caller && !ctx.playbook.is_admin(ctx.caller)) {
        if (auto refusal = require_lead(ctx, "hand the Crisis Lead role over")) {
            refusal->message += " (or a playbook admin)";
            return *refusal;
        }
    }
    if (auto refusal = require_insider_for(ctx, nominee, "the Crisis Lead")) return *refusal;
    if (nominee == incident.lead)
        return invalid(mention(nominee) + " is already the Crisis Lead of " + id);
    if (incident.nominee == nominee)
        return invalid(mention(nominee) + " is already nominated; they accept with /incident " + id + " lead accept");

    incident.nominee = nominee;
    invite_to(ctx, incident.main_channel().name, {nominee});
    ctx.tx.save(incident);
    ctx.audit("lead.proposed", {{"lead", incident.lead.value()}, {"nominee", nominee.value()}});
    ctx.record(EntryKind::lead, mention(ctx.caller) + " offered the Crisis Lead role to " + mention(nominee));
    ctx.tell(nominee, mention(ctx.caller) + " asks you to take over as Crisis Lead of " + id + " (" + incident.title +
                          "). Accept with /incident " + id + " lead accept — until then " +
                          mention(incident.lead) + " stays accountable");
    ctx.post(incident.main_channel().name, mention(ctx.caller) + " offered the Crisis Lead role to " +
                                               mention(nominee) + "; " + mention(incident.lead) +
                                               " stays Crisis Lead until they accept");
    return done("Asked " + mention(nominee) + " to take over as Crisis Lead of " + id +
                "; you stay accountable until they accept");
}

Outcome accept(Context& ctx) {
    Incident& incident = ctx.the_incident();
    const std::string id = to_string(incident.id);
    if (!incident.nominee)
        return invalid("nobody has been offered the Crisis Lead role of " + id + "; the Crisis Lead offers it with "
                       "/incident lead @user");
    if (*incident.nominee != ctx.caller)
        return refused("the Crisis Lead role of " + id + " was offered to " + mention(*incident.nominee) +
                       ", not to you");
    if (auto refusal = require_insider(ctx, "accept the Crisis Lead role")) return *refusal;

    const UserId previous = incident.lead;
    incident.lead = ctx.caller;
    incident.nominee.reset();
    incident.lead_since = ctx.now;
    // The lead is in every channel of the incident.
    for (Channel& channel : incident.channels) invite_to(ctx, channel.name, {ctx.caller});
    ctx.tx.save(incident);
    HandOverChannels handover{incident.id, {}, previous, ctx.caller};
    for (const Channel& channel : incident.channels) handover.channels.push_back(channel.name);
    ctx.effects.push_back(std::move(handover));

    // Pending drafts follow the role: the old card says where it went, the new
    // lead gets a fresh card to decide.
    int rerouted = 0;
    for (Draft draft : ctx.tx.drafts(incident.id)) {
        if (draft.state != DraftState::pending) continue;
        Card old_card = make_card(draft, incident, ctx.playbook, ctx.tx);
        old_card.rerouted_to = ctx.caller;
        ctx.effects.push_back(UpdateCard{draft.routed_to, old_card});
        draft.routed_to = ctx.caller;
        ctx.tx.save(draft);
        ctx.effects.push_back(PostCard{ctx.caller, make_card(draft, incident, ctx.playbook, ctx.tx)});
        ++rerouted;
    }

    ctx.audit("lead.accepted", {{"from", previous.value()}, {"to", ctx.caller.value()}});
    ctx.record(EntryKind::lead, mention(ctx.caller) + " accepted the Crisis Lead role from " + mention(previous));
    ctx.post(incident.main_channel().name, mention(ctx.caller) + " is now the Crisis Lead of " + id +
                                               " (handed over by " + mention(previous) + ")");
    ctx.tell(previous, mention(ctx.caller) + " accepted the Crisis Lead role of " + id +
                           "; you are no longer accountable for it");
    std::string message = "You are now the Crisis Lead of " + id;
    if (rerouted > 0) message += "; " + std::to_string(rerouted) + " pending draft(s) now wait for your decision";
    return done(message);
}

Outcome decline(Context& ctx) {
    Incident& incident = ctx.the_incident();
    const std::string id = to_string(incident.id);
    if (!incident.nominee)
        return invalid("nobody has been offered the Crisis Lead role of " + id + ", so there is nothing to decline");
    if (*incident.nominee != ctx.caller)
        return refused("the Crisis Lead role of " + id + " was offered to " + mention(*incident.nominee) +
                       ", not to you");
    incident.nominee.reset();
    ctx.tx.save(incident);
    ctx.audit("lead.declined", {{"lead", incident.lead.value()}, {"nominee", ctx.caller.value()}});
    ctx.record(EntryKind::lead, mention(ctx.caller) + " declined the Crisis Lead role; " + mention(incident.lead) +
                                    " stays Crisis Lead");
    ctx.post(incident.main_channel().name, mention(ctx.caller) + " declined the Crisis Lead role; " +
                                               mention(incident.lead) + " stays Crisis Lead of " + id);
    ctx.tell(incident.lead, mention(ctx.caller) + " declined the Crisis Lead role of " + id +
                                "; you stay accountable. Offer it to someone else with /incident " + id +
                                " lead @user");
    return done("Declined the Crisis Lead role of " + id + "; " + mention(incident.lead) + " stays Crisis Lead");
}

Outcome run(Context& ctx) {
    if (ctx.args.size() != 1)
        return invalid("name the next Crisis Lead, /incident lead @carol, accept an offer: /incident lead accept, or "
                       "decline it: /incident lead decline");
    if (ctx.args[0].text == "accept") return accept(ctx);
    if (ctx.args[0].text == "decline") return decline(ctx);
    auto nominee = parse_mention(ctx.args[0].text);
    if (!nominee)
        return invalid("\"" + ctx.args[0].text + "\" is not a person; write /incident lead @carol");
    return nominate(ctx, *nominee);
}

}  // namespace

extern const CommandSpec lead_command{
    "lead", "lead @user | lead accept | lead decline", "hand the Crisis Lead role over, or accept or decline it",
    "The current Crisis Lead (or a playbook admin) offers the role; the person named accepts it and from then "
    "on decides every pending draft, or declines it. Until they accept, the current lead stays accountable.",
    IncidentScope::required, run};

}  // namespace warroom
