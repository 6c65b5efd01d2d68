// /incident declare SEV TITLE [--lead @user]
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/channels.hpp"
#include "commands/command.hpp"
#include "commands/mass_mention.hpp"
#include "commands/opening.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    // Whoever declares sets the incident going and names its lead: not a guest.
    if (auto refusal = require_insider(ctx, "declare an incident")) return *refusal;
    const auto lead_option = take_lead_option(ctx);
    if (ctx.args.size() < 2)
        return invalid("say the severity and a title: /incident declare sev1 Payroll phishing campaign");
    auto severity = parse_severity(ctx.args[0].text);
    if (!severity)
        return invalid("\"" + ctx.args[0].text +
                       "\" is not a severity; use sev1 (most severe) to sev4: /incident declare sev2 " +
                       ctx.args.rest(1));
    const std::string title = ctx.args.rest(1);
    // A headline, repeated on every card and header: short, one line, and no
    // way to ping a whole channel through it.
    if (auto problem = check_title(title); !problem.empty()) return invalid(problem);
    if (!ctx.playbook.allow_mass_mentions && has_mass_mention(title))
        return invalid("the title mentions a whole channel (@channel, @here, @everyone or @room), which the playbook "
                       "does not allow; remove the mention");
    if (const auto* error = std::get_if<Outcome>(&lead_option)) return *error;
    const UserId lead = std::get<UserId>(lead_option);

    const Incident& incident =
        open_incident(ctx, Opening{title, *severity, lead, false, "", EntryKind::declared,
                                   "declared " + to_string(*severity) + " \"" + title + "\"; Crisis Lead " +
                                       mention(lead)});
    const Channel& main = incident.main_channel();
    ctx.post_pinned(main.name, incident_header(ctx.the_incident()));
    if (lead != ctx.caller)
        ctx.tell(lead, mention(ctx.caller) + " declared " + to_string(incident.id) + " (" + to_string(*severity) +
                           ", \"" + title + "\") and named you its Crisis Lead; the incident runs in " +
                           to_string(main.name));

    return done("Declared " + to_string(incident.id) + " (" + to_string(*severity) + ") in " + to_string(main.name) +
                (lead == ctx.caller ? "; you are the Crisis Lead" : "; Crisis Lead: " + mention(lead)));
}

}  // namespace

extern const CommandSpec declare_command{
    "declare", "declare SEV TITLE [--lead @user]", "declare an incident and open its channels",
    "SEV is sev1 (most severe) to sev4. Creates INC-N with a private channel, makes you (or --lead) the "
    "Crisis Lead, invites the playbook's stakeholders and opens its default workstreams.",
    IncidentScope::none, run};

}  // namespace warroom
