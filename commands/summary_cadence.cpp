// The executive summary cadence: on the
// playbook's rhythm the bot drafts a summary and sends it to the Crisis Lead.
// It is never published unapproved: an undecided one is reminded instead.
#include "commands/drafting.hpp"
#include "commands/scheduled.hpp"
#include "commands/summary_text.hpp"

namespace warroom {
namespace {

std::optional<Draft> pending_summary(Context& ctx) {
    for (Draft& draft : ctx.tx.drafts(ctx.the_incident().id))
        if (draft.is_summary && draft.state == DraftState::pending) return draft;
    return std::nullopt;
}

void remind_lead(Context& ctx, const Draft& draft) {
    const Incident& incident = ctx.the_incident();
    const std::string id = to_string(draft.id);
    ctx.tell(incident.lead, "Reminder: executive summary " + id + " of " + to_string(incident.id) +
                                " has waited " + format_duration(ctx.now - draft.created_at) +
                                " for your decision; the executives have had no update since. /incident approve " +
                                id + " · /incident changes " + id + " REASON · /incident reject " + id + " REASON");
    ctx.record(EntryKind::reminder, "reminded " + mention(incident.lead) + " that summary " + id +
                                        " is waiting for approval");
}

}  // namespace

void fire_summary(Context& ctx, const Schedule&) {
    if (auto waiting = pending_summary(ctx)) return remind_lead(ctx, *waiting);
    if (auto full = check_pending_room(ctx); !full.empty()) {
        ctx.tell(ctx.the_incident().lead, "The scheduled executive summary of " + to_string(ctx.the_incident().id) +
                                              " could not be drafted: " + full);
        return;
    }
    const std::string text = build_summary(ctx, "");
    if (auto problem = check_summary_text(ctx, text); !problem.empty()) {
        ctx.tell(ctx.the_incident().lead, "The scheduled executive summary of " + to_string(ctx.the_incident().id) +
                                              " could not be drafted: " + problem);
        return;
    }
    const Draft draft = submit_draft(ctx, ctx.playbook.executive_audience, text, true);
    schedule(ctx, ScheduleKind::summary_reminder, to_string(draft.id),
             ctx.now + ctx.playbook.timing.summary_reminder_after);
}

void fire_summary_reminder(Context& ctx, const Schedule& schedule) {
    const auto id = parse_draft_id(schedule.target);
    if (!id) return;
    const auto draft = ctx.tx.draft(*id);
    if (draft && draft->state == DraftState::pending) remind_lead(ctx, *draft);
}

}  // namespace warroom
