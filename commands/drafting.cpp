#include <nlohmann/json.hpp>

#include "commands/drafting.hpp"

#include "bot/text.hpp"
#include "commands/card.hpp"
#include "commands/channels.hpp"
#include "commands/mass_mention.hpp"

namespace warroom {

std::string check_draft_text(const Context& ctx, const std::string& text) {
    if (auto problem = check_user_text(text, "the draft", kMaxTextBytes, "Shorten it or split it into two drafts");
        !problem.empty())
        return problem;
    if (!ctx.playbook.allow_mass_mentions && has_mass_mention(text))
        return "the draft mentions a whole channel (@channel, @here, @everyone or @room), which the playbook does "
               "not allow; remove the mention";
    return {};
}

std::string check_pending_room(Context& ctx) {
    const Incident& incident = ctx.the_incident();
    std::size_t pending = 0;
    for (const Draft& draft : ctx.tx.drafts(incident.id)) pending += draft.state == DraftState::pending;
    if (pending < kMaxPendingDrafts) return {};
    return to_string(incident.id) + " already has " + std::to_string(pending) +
           " drafts waiting for the Crisis Lead (" + mention(incident.lead) +
           "), the limit for one incident; approve, reject or withdraw some first (/incident show lists them)";
}

std::string who_decides(Context& ctx, const std::string& audience) {
    const Incident& incident = ctx.the_incident();
    std::string who = "the Crisis Lead (" + mention(incident.lead) + ")";
    if (const std::vector<UserId>* approvers = ctx.playbook.approvers_of(audience))
        who += " and one of " + ctx.playbook.audience(audience)->approvers + " (" + mentions(*approvers) + ")";
    return who;
}

void invite_approvers(Context& ctx, const std::string& audience) {
    // The card is posted in the main channel: the approvers must be there to see it.
    if (const std::vector<UserId>* approvers = ctx.playbook.approvers_of(audience))
        if (!invite_to(ctx, ctx.the_incident().main_channel().name, *approvers).empty())
            ctx.tx.save(ctx.the_incident());
}

Draft submit_draft(Context& ctx, const std::string& audience, const std::string& text, bool is_summary) {
    const Incident& incident = ctx.the_incident();
    Draft draft;
    draft.id = ctx.tx.next_draft_id();
    draft.incident = incident.id;
    draft.audience = audience;
    draft.author = ctx.caller;
    draft.text = text;
    draft.is_summary = is_summary;
    draft.created_at = ctx.now;
    draft.routed_to = incident.lead;
    ctx.tx.save(draft);
    invite_approvers(ctx, audience);
    ctx.effects.push_back(PostCard{incident.lead, make_card(draft, incident, ctx.playbook, ctx.tx)});
    ctx.audit("draft.created", {{"draft", to_string(draft.id)},
                                {"audience", audience},
                                {"revision", draft.revision},
                                {"text", text},
                                {"summary", is_summary}});
    ctx.record(is_summary ? EntryKind::summary : EntryKind::draft,
               to_string(draft.id) + (is_summary ? " executive summary" : std::string()) + " for " + audience +
                   " by " + mention(ctx.caller) + ": " + truncate_utf8(text, 200));
    const ChannelName where = incident.find_channel(ctx.channel) ? ctx.channel : incident.main_channel().name;
    ctx.post(where, mention(ctx.caller) + " drafted " + to_string(draft.id) + " for " + audience +
                        "; waiting for " + who_decides(ctx, audience));
    return draft;
}

}  // namespace warroom
