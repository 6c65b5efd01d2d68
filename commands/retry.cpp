// /incident retry D-N
#include <nlohmann/json.hpp>

#include "commands/authorize.hpp"
#include "commands/command.hpp"
#include "commands/decide.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (ctx.args.size() != 1) return invalid("name the draft whose delivery failed: /incident retry D-3");
    Draft draft;
    if (auto problem = load_draft(ctx, ctx.args[0].text, draft)) return *problem;
    const std::string id = to_string(draft.id);
    if (auto refusal = require_lead(ctx, "retry the delivery of " + id)) return *refusal;
    if (draft.state != DraftState::approved || draft.delivery_problem.empty())
        return invalid(id + " is " + describe_state(draft) +
                       "; only an approved draft whose delivery failed can be retried");
    const Audience* audience = ctx.playbook.audience(draft.audience);
    if (!audience || audience->is_chat())
        return invalid(id + " is for audience \"" + draft.audience + "\", which the playbook no longer has as an "
                       "outside destination; draft the text again for one of: " + ctx.playbook.audience_names());
    const Incident& incident = ctx.the_incident();
    const std::string problem = draft.delivery_problem;
    draft.delivery_problem.clear();
    ctx.tx.save(draft);
    // The same text, approved as it was; the destination as the playbook says now (fixed, one hopes).
    ctx.effects.push_back(delivery_of(draft, incident, *audience, ctx));
    ctx.audit("draft.delivery_retried", {{"draft", id}, {"revision", draft.revision}, {"after", problem}});
    const std::string where = describe(*audience->outside);
    ctx.record(EntryKind::publication, id + " (" + draft.audience + ") delivery to " + where + " retried by " +
                                           mention(ctx.caller));
    ctx.post(incident.main_channel().name,
             mention(ctx.caller) + " retried the delivery of " + id + " (" + draft.audience + ") to " + where);
    return done("Retrying the delivery of " + id + " to " + where + "; the channel hears how it went");
}

}  // namespace

extern const CommandSpec retry_command{
    "retry", "retry D-N", "deliver again an approved draft whose delivery failed",
    "For a draft for a webhook, status page or e-mail audience that was approved but could not be delivered "
    "(its state says \"approved, delivery failed\" and why): the Crisis Lead sends the same approved text again, "
    "to the destination as the playbook describes it now.",
    IncidentScope::none, run};

}  // namespace warroom
