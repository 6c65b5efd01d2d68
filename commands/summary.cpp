// /incident summary [NEXT STEPS]
#include <map>

#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/command.hpp"
#include "commands/drafting.hpp"
#include "commands/mass_mention.hpp"
#include "commands/summary_text.hpp"

namespace warroom {
namespace {

constexpr std::size_t kMaxQuotedBytes = 400;   // keeps a summary well inside the draft limit

std::string age(Time then, Time now) { return format_duration(now - then) + " ago"; }

// A teammate's update or decision quoted in the summary. If it mentions a whole
// channel (@here, @channel, ...) and the playbook does not allow that, a
// zero-width space after each '@' and '<' keeps it readable but inert, so one
// "@here" in an update cannot block every later summary.
std::string quote(const Context& ctx, std::string_view text) {
    std::string quoted = truncate_utf8(text, kMaxQuotedBytes);
    if (ctx.playbook.allow_mass_mentions || !has_mass_mention(quoted)) return quoted;
    std::string inert;
    for (char c : quoted) {
        inert += c;
        if (c == '@' || c == '<') inert += "\u200b";
    }
    return inert;
}

}  // namespace

std::string build_summary(const Context& ctx, const std::string& next_steps) {
    const Incident& incident = *ctx.incident;
    std::map<std::string, const StatusUpdate*> latest;   // by workstream; "" = main channel
    const std::vector<StatusUpdate> updates = ctx.tx.updates(incident.id);
    for (const StatusUpdate& update : updates) latest[update.workstream] = &update;

    std::string text = "Executive summary: " + to_string(incident.id) + " · " + incident.title + "\n";
    text += "Severity " + to_string(incident.severity) + " · status " + to_string(incident.status) +
            " · Crisis Lead " + mention(incident.lead) + " · open for " +
            format_duration((incident.resolved_at ? *incident.resolved_at : ctx.now) - incident.declared_at) +
            " (declared " + format_utc(incident.declared_at) + ")\n";
    if (auto it = latest.find(""); it != latest.end())
        text += "Latest: " + quote(ctx, it->second->text) + " (" + age(it->second->at, ctx.now) +
                ")\n";
    text += "Workstreams:";
    if (incident.workstreams.empty()) text += " none";
    text += "\n";
    std::vector<std::string> silent;
    for (const Workstream& workstream : incident.workstreams) {
        text += "- " + workstream.name + " (" + (workstream.lead ? "lead " + mention(*workstream.lead) : "no lead") +
                "): ";
        if (auto it = latest.find(workstream.name); it != latest.end()) {
            text += quote(ctx, it->second->text) + " (" + age(it->second->at, ctx.now) + ")\n";
        } else {
            text += "no update yet\n";
            silent.push_back(workstream.name);
        }
    }
    std::vector<std::string> decisions;
    for (const TimelineEntry& entry : ctx.tx.timeline(incident.id))
        if (entry.kind == EntryKind::decision)
            decisions.push_back("- " + quote(ctx, entry.text) + " (" + mention(entry.actor) + ", " +
                                format_utc(entry.at) + ")");
    text += "Decisions:";
    if (decisions.empty()) text += " none recorded";
    // The most recent few; the full list is on the timeline.
    const std::size_t first = decisions.size() > 5 ? decisions.size() - 5 : 0;
    for (std::size_t i = first; i < decisions.size(); ++i) text += "\n" + decisions[i];
    text += "\nNext steps: ";
    if (!next_steps.empty()) {
        text += next_steps;
    } else {
        std::string derived;
        for (const std::string& name : silent) derived += (derived.empty() ? "" : "; ") + name + " to report";
        int pending = 0;
        for (const Draft& draft : ctx.tx.drafts(incident.id)) pending += draft.state == DraftState::pending;
        if (pending > 0)
            derived += (derived.empty() ? "" : "; ") + std::to_string(pending) + " communication(s) awaiting approval";
        text += derived.empty() ? "continue per workstream plans" : derived;
    }
    return text;
}

std::string check_summary_text(const Context& ctx, const std::string& text) {
    if (text.size() > kMaxTextBytes)
        return too_long_message("the executive summary built from the incident's state", text.size(), kMaxTextBytes,
                                "bytes",
                                "Write a shorter one yourself: /incident draft " + ctx.playbook.executive_audience +
                                    " TEXT");
    if (auto problem = check_draft_text(ctx, text); !problem.empty()) return "the summary cannot be drafted: " + problem;
    return {};
}

namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_lead(ctx, "prepare the executive summary")) return *refusal;
    const std::string next_steps = ctx.args.rest(0);
    if (!next_steps.empty()) {
        if (auto problem = check_user_text(next_steps, "the next-steps text", kMaxSummaryNextStepsBytes,
                                           "Keep the summary's next steps short and put details in /incident note");
            !problem.empty())
            return invalid(problem);
    }
    if (auto full = check_pending_room(ctx); !full.empty()) return invalid(full);
    const std::string text = build_summary(ctx, next_steps);
    if (auto problem = check_summary_text(ctx, text); !problem.empty()) return invalid(problem);
    const Draft draft = submit_draft(ctx, ctx.playbook.executive_audience, text, true);
    return done("Executive summary " + to_string(draft.id) + " drafted for " + ctx.playbook.executive_audience +
                "; approve it with /incident approve " + to_string(draft.id));
}

}  // namespace

extern const CommandSpec summary_command{
    "summary", "summary [NEXT STEPS]", "draft an executive summary from the incident's state",
    "Builds title, severity, status, lead, duration, each workstream's latest update, decisions and next steps; "
    "it is approved like any draft and published to the executives' audience.",
    IncidentScope::required, run};

}  // namespace warroom
