// /incident declare SEV TITLE [--lead @user]
#include <algorithm>
#include <set>

#include "bot/text.hpp"
#include "commands/cadence.hpp"
#include "commands/channels.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

constexpr std::size_t kMaxTitleBytes = 200;

Outcome run(Context& ctx) {
    auto lead_word = ctx.args.take_option("--lead");
    if (ctx.args.size() < 2)
        return invalid("say the severity and a title: /incident declare sev1 Payroll phishing campaign");
    auto severity = parse_severity(ctx.args[0].text);
    if (!severity)
        return invalid("\"" + ctx.args[0].text +
                       "\" is not a severity; use sev1 (most severe) to sev4: /incident declare sev2 " +
                       ctx.args.rest(1));
    const std::string title = ctx.args.rest(1);
    if (auto problem = check_user_text(title, "the title"); !problem.empty()) return invalid(problem);
    if (title.size() > kMaxTitleBytes)
        return invalid("the title is " + std::to_string(title.size()) + " bytes; keep it under " +
                       std::to_string(kMaxTitleBytes) + " and put details in /incident note");

    UserId lead = ctx.caller;
    if (lead_word) {
        auto named = parse_mention(*lead_word);
        if (!named)
            return invalid("--lead needs a person, like --lead @carol; \"" + *lead_word + "\" is not one");
        lead = *named;
    }

    Incident incident;
    incident.id = ctx.tx.next_incident_id();
    incident.title = title;
    incident.severity = *severity;
    incident.status = Status::investigating;
    incident.lead = lead;
    incident.declared_by = ctx.caller;
    incident.declared_at = ctx.now;
    incident.lead_since = ctx.now;

    const SeverityPolicy& policy = ctx.playbook.policy(*severity);
    Channel main{main_channel_name(incident.id, title), ChannelKind::main, {}, {ctx.caller, lead}};
    for (const std::string& group : policy.stakeholder_groups) {
        incident.invited_groups.insert(group);
        if (const auto* members = ctx.playbook.group(group)) main.members.insert(members->begin(), members->end());
    }
    incident.channels.push_back(main);
    ctx.incident = incident;
    ctx.tx.save(incident);   // before its timeline entries, which refer to it

    ctx.effects.push_back(CreateChannel{main.name, incident.id, true, channel_topic(incident)});
    ctx.effects.push_back(InviteUsers{main.name, {main.members.begin(), main.members.end()}});
    ctx.record(EntryKind::declared, "declared " + to_string(*severity) + " \"" + title + "\"; Crisis Lead " +
                                        mention(lead));
    if (!policy.stakeholder_groups.empty()) {
        std::string groups;
        for (const std::string& group : policy.stakeholder_groups) groups += (groups.empty() ? "" : ", ") + group;
        ctx.record(EntryKind::invite, "stakeholders invited for " + to_string(*severity) + ": " + groups);
    }
    for (const std::string& name : policy.workstreams) open_workstream(ctx, name, std::nullopt);

    ctx.tx.save(ctx.the_incident());
    start_default_cadences(ctx);
    ctx.post(main.name, incident_header(ctx.the_incident()));
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
