// /incident escalate TEXT [--by 30m]: the Crisis Lead asks the executives to
// approve extraordinary action; an undecided request is
// re-raised once at its deadline.
#include <nlohmann/json.hpp>

#include <variant>

#include "bot/interval.hpp"
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/escalation_card.hpp"
#include "commands/exercise_guard.hpp"
#include "commands/mass_mention.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace {

// Shorter than a minute nobody can read and answer; longer than a week is not
// an escalation any more.
constexpr Duration kShortestDeadline = std::chrono::minutes(1);
constexpr Duration kLongestDeadline = std::chrono::days(7);

constexpr std::string_view kExample = "/incident escalate Take the payroll system offline until Monday --by 30m";

Outcome run(Context& ctx) {
    if (auto refusal = require_lead(ctx, "escalate to the executives")) return *refusal;
    const Incident& incident = ctx.the_incident();
    if (!incident.is_open())
        return invalid(to_string(incident.id) + " is resolved, so there is nothing to escalate; reopen it first with "
                       "/incident status investigating");

    Duration answer_within = ctx.playbook.timing.escalation_deadline;
    if (auto by = ctx.args.take_option("--by")) {
        auto parsed = parse_interval(*by, kShortestDeadline, kLongestDeadline);
        if (const auto* error = std::get_if<IntervalError>(&parsed))
            return invalid("--by says how long the executives have to answer: " + error->message + ", e.g. " +
                           std::string(kExample));
        answer_within = std::get<Duration>(parsed);
    }
    const std::string text = ctx.args.rest(0);
    if (text.empty())
        return invalid("say what the executives should approve: " + std::string(kExample));
    if (auto problem = check_user_text(text, "the request", kMaxTextBytes,
                                       "Say what the executives should approve in a few lines and link to the "
                                       "details");
        !problem.empty())
        return invalid(problem);
    if (!ctx.playbook.allow_mass_mentions && has_mass_mention(text))
        return invalid("the request mentions a whole channel (@channel, @here, @everyone or @room), which the "
                       "playbook does not allow; remove the mention — the executives are told by name");
    const auto channel = executive_channel(ctx.playbook);
    if (!channel || ctx.playbook.executives.empty())
        return invalid("the playbook names no executives or no channel for them, so nobody could answer; ask an "
                       "admin to set \"executives\" in the playbook");
    if (const Audience* executives = ctx.playbook.audience(ctx.playbook.executive_audience))
        if (const std::string problem = ctx.unpinned(*executives); !problem.empty())
            return invalid("the executives could not be asked: " + problem);

    Escalation escalation;
    escalation.id = ctx.tx.next_escalation_id();
    escalation.incident = incident.id;
    escalation.requested_by = ctx.caller;
    escalation.text = text;
    escalation.requested_at = ctx.now;
    escalation.deadline = ctx.now + answer_within;
    ctx.tx.save(escalation);

    const std::string id = to_string(escalation.id);
    const std::string deciders = executives_named(ctx.playbook);
    const std::string due = format_utc(*escalation.deadline);
    const std::string where = destination_of(incident, *channel);   // an exercise keeps it in its own channel
    ctx.effects.push_back(PostEscalation{*channel, make_escalation_card(escalation, incident, ctx.playbook)});
    for (const UserId& executive : ctx.playbook.executives) {
        if (executive == ctx.caller) continue;
        ctx.tell(executive, mention(ctx.caller) + " (Crisis Lead of " + to_string(incident.id) + " " + incident.title +
                                ") asks you to decide " + id + " by " + due + ", see " + where + ": " +
                                how_to_answer(escalation.id));
    }
    ctx.post(incident.main_channel().name, mention(ctx.caller) + " escalated " + id + " to the executives (" +
                                               deciders + "), answer due by " + due + ": " + text);
    ctx.audit("escalation.requested",
              {{"escalation", id}, {"text", text}, {"deadline", to_unix_ms(*escalation.deadline)}});
    ctx.record(EntryKind::escalation, id + " to the executives (" + deciders + ") by " + mention(ctx.caller) +
                                          ", answer due by " + due + ": " + truncate_utf8(text, 300));
    schedule(ctx, ScheduleKind::escalation_deadline, id, *escalation.deadline);

    return done(id + " is with the executives (" + deciders + ") in " + where + ", answer due by " +
                due + " (in " + format_interval(answer_within) + "); their answer will be posted in " +
                to_string(incident.main_channel().name));
}

}  // namespace

extern const CommandSpec escalate_command{
    "escalate", "escalate TEXT [--by 30m]", "ask the executives to approve extraordinary action",
    "The Crisis Lead asks; the playbook's executives allow or deny it once, on the card or with /incident allow "
    "E-N [COMMENT] / deny E-N REASON. --by sets how long they have (1m to 7d; the playbook's default otherwise); "
    "a request still undecided then is re-raised to the executives and the Crisis Lead.",
    IncidentScope::required, run};

// Fires once. A decision cancels this schedule; the state check also covers a
// decision that raced it.
void fire_escalation_deadline(Context& ctx, const Schedule& schedule) {
    const auto id = parse_escalation_id(schedule.target);
    if (!id) return;
    const auto escalation = ctx.tx.escalation(*id);
    if (!escalation || escalation->state != EscalationState::pending) return;

    const Incident& incident = ctx.the_incident();
    const std::string name = to_string(*id);
    const std::string waited = format_interval(ctx.now - escalation->requested_at);
    const std::string deciders = executives_named(ctx.playbook);
    const std::string request = truncate_utf8(escalation->text, 300);
    const auto channel = executive_channel(ctx.playbook);
    if (channel)
        ctx.post(*channel, deciders + ": " + name + " is still undecided after " + waited + ": " + request + " (" +
                               to_string(incident.id) + " " + incident.title + ", asked by " +
                               mention(escalation->requested_by) + ") — " + how_to_answer(*id));

    const std::string where = channel ? " in " + destination_of(incident, *channel) : std::string();
    const std::string note = name + " is still undecided after " + waited + "; warroom reminded the executives (" +
                             deciders + ")" + where + ". Reach them directly if it cannot wait: " + request;
    ctx.tell(incident.lead, note);
    if (escalation->requested_by != incident.lead) ctx.tell(escalation->requested_by, note);
    ctx.audit("escalation.expired", {{"escalation", name}, {"deadline", to_unix_ms(escalation->deadline.value_or(ctx.now))}});
    ctx.record(EntryKind::reminder, name + " still undecided after " + waited + ": re-raised to the executives (" +
                                        deciders + ") and " + mention(incident.lead));
}

}  // namespace warroom
