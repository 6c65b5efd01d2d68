#include "commands/delivery_failed.hpp"

#include <nlohmann/json.hpp>

#include "bot/overloaded.hpp"
#include "commands/card.hpp"

namespace warroom {
namespace {

void draft_not_delivered(Context& ctx, const Deliver& deliver, const std::string& problem) {
    auto draft = ctx.tx.draft(deliver.draft);
    // Withdrawn meanwhile or already published by an earlier attempt: nothing to say.
    if (!draft || draft->state != DraftState::approved) return;
    const Incident& incident = ctx.the_incident();
    draft->delivery_problem = problem;
    ctx.tx.save(*draft);
    ctx.audit("draft.delivery_given_up", {{"draft", to_string(draft->id)},
                                          {"revision", draft->revision},
                                          {"channel", deliver.destination},
                                          {"problem", problem}});
    const std::string what = to_string(draft->id) + " (" + draft->audience + ")";
    ctx.record(EntryKind::publication, what + " approved but not delivered to " + deliver.destination + ": " + problem);
    ctx.effects.push_back(UpdateCard{draft->routed_to, make_card(*draft, incident, ctx.playbook, ctx.tx)});
    const std::string message = what + " was approved but not delivered: " + problem +
                                ". Nothing more is tried until someone fixes that and types /incident retry " +
                                to_string(draft->id);
    ctx.post(incident.main_channel().name, message);
    ctx.tell(incident.lead, message);
}

void outside_step_failed(Context& ctx, const std::string& what, const std::string& retry, const std::string& problem) {
    const Incident& incident = ctx.the_incident();
    ctx.audit("delivery.given_up", {{"what", what}, {"problem", problem}});
    ctx.record(EntryKind::note, "could not " + what + ": " + problem);
    const std::string message = "warroom could not " + what + ": " + problem + ". " + retry;   // problem names the destination
    ctx.post(incident.main_channel().name, message);
    ctx.tell(incident.lead, message);
}

}  // namespace

void give_up_delivery(Context& ctx, const Effect& effect, const std::string& problem) {
    std::visit(Overloaded{[&](const Deliver& deliver) { draft_not_delivered(ctx, deliver, problem); },
                    [&](const ResolveStatusPage& resolve) {
                        outside_step_failed(ctx, "resolve the incident on " + resolve.destination,
                                            "Resolve it there by hand.", problem);
                    },
                    [&](const Page& page) {
                        if (page.action == PageAction::trigger) {
                            ctx.audit("incident.page_failed", {{"pager", page.pager}, {"problem", problem}});
                            outside_step_failed(ctx, "page " + page.pager,
                                                "Page them another way, or try again with /incident page " +
                                                    page.pager + " once that is fixed.",
                                                problem);
                        } else {
                            outside_step_failed(ctx, "resolve the page to " + page.pager,
                                                "Resolve the alert in PagerDuty by hand.", problem);
                        }
                    },
                    [](const auto&) {}},
               effect);
}

}  // namespace warroom
