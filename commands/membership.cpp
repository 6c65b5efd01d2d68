#include "commands/membership.hpp"

#include <nlohmann/json.hpp>

namespace warroom {

Outcome follow_member_left(Context& ctx, const UserId& who, const MembershipLeft& left) {
    if (who == bot_user()) return done("");   // the bot's own leaving is the admin's business, not a member's
    const std::optional<IncidentId> id = ctx.tx.incident_for_channel(ctx.channel);
    if (!id) return done("");
    ctx.incident = ctx.tx.incident(*id);
    if (!ctx.incident) return done("");
    Incident& incident = ctx.the_incident();
    Channel* channel = incident.find_channel(ctx.channel);
    if (!channel) return done("");
    const std::string where = to_string(channel->name);
    const std::string how = left.removed_by && *left.removed_by != who
                                ? " was removed from " + where + " by " + mention(*left.removed_by)
                                : " left " + where;

    if (incident.lead == who && incident.is_open()) {
        // Every communication goes through the Crisis Lead: while they hold the
        // role they stay in every channel of the incident, so they keep seeing
        // the drafts discussed there. Handing over first lets them go.
        channel->members.insert(who);
        ctx.tx.save(incident);
        // Said before the invitation is sent: should the platform refuse it
        // (a deactivated account), its refusal is then the channel's last word.
        ctx.post(channel->name, mention(who) + " is the Crisis Lead and was invited back; hand over with /incident " +
                                    "lead @user first to leave");
        ctx.effects.push_back(InviteUsers{channel->name, {who}});
        ctx.record(EntryKind::invite, mention(who) + how + " and was invited back: the Crisis Lead stays in every "
                                                         "channel of the incident");
        ctx.audit("lead.reinvited",
                  {{"channel", channel->name.value()},
                   {"lead", who.value()},
                   {"removed_by", left.removed_by ? nlohmann::json(left.removed_by->value()) : nlohmann::json(nullptr)}});
        return done("");
    }

    // Anyone else (a former lead included) simply is no longer a member: the
    // rights membership gave go with it, wherever they type.
    if (channel->members.erase(who) == 0) return done("");
    ctx.tx.save(incident);
    ctx.record(EntryKind::note, mention(who) + how);
    return done("");
}

}  // namespace warroom
