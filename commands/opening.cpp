#include <nlohmann/json.hpp>

#include "commands/opening.hpp"

#include "commands/paging.hpp"

#include "commands/authorize.hpp"

#include "bot/text.hpp"
#include "commands/cadence.hpp"
#include "commands/channels.hpp"

namespace warroom {

Incident& open_incident(Context& ctx, const Opening& opening) {
    Incident incident;
    incident.id = ctx.tx.next_incident_id();
    incident.title = opening.title;
    incident.severity = opening.severity;
    incident.status = Status::investigating;
    incident.lead = opening.lead;
    incident.declared_by = ctx.caller;
    incident.declared_at = ctx.now;
    incident.lead_since = ctx.now;
    incident.exercise = opening.exercise;
    incident.scenario = opening.scenario;

    const SeverityPolicy& policy = ctx.playbook.policy(opening.severity);
    Channel main{main_channel_name(incident.id, opening.title, opening.exercise), ChannelKind::main, {},
                 {ctx.caller, opening.lead}};
    for (const std::string& group : policy.stakeholder_groups) {
        incident.invited_groups.insert(group);
        if (const auto* members = ctx.playbook.group(group)) main.members.insert(members->begin(), members->end());
    }
    incident.channels.push_back(main);
    ctx.incident = incident;
    ctx.tx.save(incident);   // before its timeline entries, which refer to it

    ctx.effects.push_back(CreateChannel{main.name, incident.id, true, channel_topic(incident)});
    ctx.effects.push_back(InviteUsers{main.name, {main.members.begin(), main.members.end()}});
    ctx.record(opening.entry, opening.entry_text);
    nlohmann::json facts = {{"title", incident.title},
                            {"severity", to_string(incident.severity)},
                            {"lead", incident.lead.value()},
                            {"channel", main.name.value()}};
    if (opening.exercise) facts["scenario"] = opening.scenario;
    ctx.audit(opening.exercise ? "exercise.started" : "incident.declared", facts);
    if (!policy.stakeholder_groups.empty()) {
        ctx.record(EntryKind::invite, "stakeholders invited for " + to_string(opening.severity) + ": " +
                                          join(policy.stakeholder_groups));
    }
    for (const std::string& name : policy.workstreams) open_workstream(ctx, name, std::nullopt);
    ctx.tx.save(ctx.the_incident());
    start_default_cadences(ctx);
    page_for_severity(ctx, opening.severity);
    return ctx.the_incident();
}

std::variant<UserId, Outcome> take_lead_option(Context& ctx) {
    const auto word = ctx.args.take_option("--lead");
    if (!word) {
        if (auto refusal = require_insider(ctx, "lead an incident")) return *refusal;
        return ctx.caller;
    }
    if (auto named = parse_mention(*word)) {
        if (auto refusal = require_insider_for(ctx, *named, "the Crisis Lead")) return *refusal;
        return *named;
    }
    return invalid("--lead needs a person, like --lead @carol; \"" + *word + "\" is not one");
}

}  // namespace warroom
