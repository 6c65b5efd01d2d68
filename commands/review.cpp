// /incident review: writes the post-incident review from the record and posts it in the main channel.
#include "bot/review.hpp"
#include "commands/authorize.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    Incident& incident = ctx.the_incident();
    const std::string id = to_string(incident.id);
    if (!ctx.playbook.is_admin(ctx.caller)) {
        if (auto refusal = require_lead(ctx, "write the review")) {
            refusal->message += " (or a playbook admin)";
            return *refusal;
        }
    }
    if (!ctx.args.empty()) return invalid("review takes no arguments: /incident review");
    // A review of a response still under way would state times and outcomes that are not final.
    if (incident.is_open())
        return invalid(id + " is still open (status " + to_string(incident.status) +
                       "): resolve it first with /incident status resolved");

    const Review review = analyse(read_record(ctx.tx, incident, ctx.now));
    // Markdown, which each platform shows as its own formatting (a terminal as it is).
    PostMessage message = post_to(incident.main_channel().name, render_markdown(review));
    message.format = TextFormat::markdown;
    ctx.effects.push_back(std::move(message));
    ctx.record(EntryKind::review,
               "review written: " + std::to_string(review.record.timeline.size()) + " timeline entries, " +
                   std::to_string(review.published) + " communication(s) published, " +
                   std::to_string(review.record.action_items.size()) + " action item(s)");
    return done("Review of " + id + " posted in " + to_string(incident.main_channel().name) +
                "; an admin can export it with: warroom export " + id + " --format md (or json)");
}

}  // namespace

extern const CommandSpec review_command{
    "review", "review", "write the post-incident review",
    "The Crisis Lead (or a playbook admin), once the incident is resolved. Posts the review in the main channel: "
    "summary, impact, severity history, key times, the timeline tagged by phase, workstreams, decisions, "
    "communications with their approvals, escalations, sync reports, root cause and action items. Run it again "
    "after adding a root cause or action items; it always reflects the current record.",
    IncidentScope::required, run};

}  // namespace warroom
