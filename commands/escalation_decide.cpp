// An executive allows or denies an escalation request, by command or by the
// card's buttons. The decision is final.
#include <nlohmann/json.hpp>

#include "commands/escalation_decide.hpp"

#include "bot/text.hpp"
#include "commands/escalation_card.hpp"
#include "commands/mass_mention.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace {

std::string past_tense(EscalationState state) { return state == EscalationState::allowed ? "allowed" : "denied"; }

std::string check_comment(const Context& ctx, const std::string& comment, bool allow) {
    const std::string what = allow ? "the comment" : "the reason";
    if (auto problem = check_user_text(comment, what); !problem.empty()) return problem;
    if (!ctx.playbook.allow_mass_mentions && has_mass_mention(comment))
        return what + " mentions a whole channel (@channel, @here, @everyone or @room), which the playbook does not "
                      "allow; remove the mention";
    return {};
}

}  // namespace

std::optional<Outcome> open_for_decision(Context& ctx, EscalationId id, Escalation& escalation) {
    auto found = ctx.tx.escalation(id);
    if (!found) {
        const auto channel = executive_channel(ctx.playbook);
        return invalid(to_string(id) + " does not exist; check the number on the request's card" +
                       (channel ? " in " + to_string(*channel) : std::string()) +
                       " and type /incident allow E-N [COMMENT] or /incident deny E-N REASON");
    }
    escalation = *found;
    ctx.incident = ctx.tx.incident(escalation.incident);
    if (!ctx.incident) return invalid(to_string(id) + " belongs to no incident");

    if (!ctx.playbook.is_executive(ctx.caller))
        return refused("only the executives named in the playbook (" + executives_named(ctx.playbook) +
                       ") decide escalations; ask one of them to answer " + to_string(id));
    if (escalation.state != EscalationState::pending) {
        std::string message = to_string(id) + " was already " + past_tense(escalation.state);
        if (escalation.decided_by) message += " by " + mention(*escalation.decided_by);
        if (escalation.decided_at) message += " at " + format_utc(*escalation.decided_at);
        return refused(message + "; a decision is final. If things have changed, the Crisis Lead (" +
                       mention(ctx.incident->lead) + ") can raise a new request: /incident " +
                       to_string(ctx.incident->id) + " escalate TEXT");
    }
    return std::nullopt;
}

// A denial from a button may come without a reason: not every platform's
// button can carry text, and refusing the click would leave the request
// hanging while its deadline runs. The typed `deny` insists on one.
Outcome decide_escalation(Context& ctx, EscalationId id, bool allow, const std::string& comment) {
    Escalation escalation;
    if (auto stop = open_for_decision(ctx, id, escalation)) return *stop;
    const std::string said = trim(comment);
    if (!said.empty()) {
        if (auto problem = check_comment(ctx, said, allow); !problem.empty()) return invalid(problem);
    }

    escalation.state = allow ? EscalationState::allowed : EscalationState::denied;
    escalation.decided_by = ctx.caller;
    escalation.decided_at = ctx.now;
    escalation.comment = said;
    ctx.tx.save(escalation);

    const Incident& incident = ctx.the_incident();
    if (auto channel = executive_channel(ctx.playbook))
        ctx.effects.push_back(UpdateEscalation{*channel, make_escalation_card(escalation, incident, ctx.playbook)});

    const std::string verdict = past_tense(escalation.state);
    std::string decided = verdict + " by " + mention(ctx.caller) + " at " + format_utc(ctx.now);
    if (!said.empty()) decided += ": " + said;
    else if (!allow) decided += " (no reason given)";
    const std::string outcome = to_string(id) + " " + decided;
    const std::string request = truncate_utf8(escalation.text, 300);

    ctx.post(incident.main_channel().name, outcome + " — the request was: " + request);
    const std::string was = to_string(id) + " was " + decided + " — " + to_string(incident.id);
    if (escalation.requested_by != ctx.caller)
        ctx.tell(escalation.requested_by, "Your escalation " + was + ": " + request);
    if (incident.lead != escalation.requested_by && incident.lead != ctx.caller)
        ctx.tell(incident.lead,
                 "Escalation " + was + ", asked by " + mention(escalation.requested_by) + ": " + request);
    ctx.audit(allow ? "escalation.allowed" : "escalation.denied",
              {{"escalation", to_string(id)}, {"comment", said}});
    ctx.record(EntryKind::escalation_decision, outcome + " — request: " + truncate_utf8(escalation.text, 200));
    cancel_schedules(ctx, ScheduleKind::escalation_deadline, to_string(id));

    return done(std::string(allow ? "Allowed " : "Denied ") + to_string(id) + " (" + to_string(incident.id) +
                "); " + to_string(incident.main_channel().name) + " and " + mention(escalation.requested_by) +
                " are told");
}

}  // namespace warroom
