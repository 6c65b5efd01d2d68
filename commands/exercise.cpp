// /incident exercise SCENARIO [--lead @user] · /incident exercise end
// A tabletop exercise: an incident marked exercise,
// in ex-N-... channels, whose scenario's injects are posted on schedule and
// whose effects never leave those channels (exercise_guard.cpp). Ending it
// scores what the team did against the record.
#include <nlohmann/json.hpp>
#include <algorithm>
#include <charconv>

#include "bot/interval.hpp"
#include "bot/scenario.hpp"
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/cadence.hpp"
#include "commands/channels.hpp"
#include "commands/command.hpp"
#include "commands/opening.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace {

// Starts the timeline entry that holds the scorecard: an exercise with one
// has been ended and scored.
constexpr std::string_view kScorecardTitle = "SCORECARD";
// Ends the timeline entry of an inject that could not be posted.
constexpr std::string_view kNotPosted = " not posted: ";
// How many of a broken scenario's problems a reply lists; check-playbook lists all.
constexpr std::size_t kProblemsShown = 5;

std::string scenario_names(const Playbook& playbook) {
    std::vector<std::string> names;
    for (const auto& [name, file] : playbook.scenarios) names.push_back(name);
    return join(names);
}

std::string how_to_start(const Playbook& playbook) {
    if (playbook.scenarios.empty())
        return "the playbook names no scenarios; an admin adds \"scenarios\": {\"NAME\": \"scenarios/FILE.json\"} "
               "to it";
    return "start one with /incident exercise " + playbook.scenarios.begin()->first +
           " (scenarios: " + scenario_names(playbook) + ")";
}

std::optional<Incident> running_exercise(Context& ctx) {
    for (Incident& incident : ctx.tx.incidents(true))
        if (incident.exercise) return std::move(incident);
    return std::nullopt;
}

std::string offset(Duration since_start) { return "T+" + format_interval(since_start); }

bool scored(Context& ctx, const Incident& incident) {
    for (const TimelineEntry& entry : ctx.tx.timeline(incident.id))
        if (entry.kind == EntryKind::exercise && entry.text.starts_with(kScorecardTitle)) return true;
    return false;
}

// lead.cpp records both the offer and the acceptance as EntryKind::lead; only
// an acceptance gives the incident a new Crisis Lead.
bool is_accepted_handover(const TimelineEntry& entry) {
    return entry.kind == EntryKind::lead && entry.text.find(" accepted the Crisis Lead role") != std::string::npos;
}

// --- start -------------------------------------------------------------------

std::string problems_text(const std::vector<ScenarioProblem>& problems, const ScenarioFile& file) {
    std::string text;
    for (std::size_t i = 0; i < problems.size() && i < kProblemsShown; ++i)
        text += "\n- " + describe(problems[i], file);
    if (problems.size() > kProblemsShown)
        text += "\n- and " + std::to_string(problems.size() - kProblemsShown) +
                " more: warroom check-playbook PLAYBOOK lists them all";
    return text;
}

Outcome start(Context& ctx) {
    const auto lead_option = take_lead_option(ctx);
    if (ctx.args.size() != 1)
        return invalid("name one scenario: /incident exercise NAME [--lead @user]; " + how_to_start(ctx.playbook) +
                       ", or end the running exercise with /incident exercise end");
    if (auto running = running_exercise(ctx)) {
        const std::string id = to_string(running->id);
        ctx.incident = std::move(running);   // the attempt is recorded on the exercise that blocks it
        return refused("exercise " + id + " (" + ctx.incident->scenario + ") is still running in " +
                       to_string(ctx.incident->main_channel().name) +
                       "; only one exercise runs at a time. Its Crisis Lead (" + mention(ctx.incident->lead) +
                       ") ends it with /incident " + id + " exercise end");
    }
    const std::string name = ctx.args[0].text;
    const auto found = ctx.playbook.scenarios.find(name);
    if (found == ctx.playbook.scenarios.end())
        return invalid("\"" + name + "\" is not a scenario of the playbook; " + how_to_start(ctx.playbook));
    if (const auto* error = std::get_if<Outcome>(&lead_option)) return *error;
    const UserId lead = std::get<UserId>(lead_option);
    // Read afresh, so a scenario an admin just fixed is used without a restart.
    const ScenarioFile& file = found->second;
    const ScenarioLoad load = read_scenario(ctx.playbook, file);
    if (!load.scenario)
        return invalid("scenario \"" + name + "\" has " + std::to_string(load.problems.size()) +
                       " problem(s), so the exercise did not start; an admin fixes " + file.file +
                       " and you run /incident exercise " + name + " again:" + problems_text(load.problems, file));
    const Scenario& scenario = *load.scenario;

    const std::string span = scenario.length() > Duration::zero() ? " over " + format_interval(scenario.length())
                                                                   : std::string();
    const std::string injects = std::to_string(scenario.injects.size()) + " inject(s)" + span;
    // Channels and people as a real incident of this severity would have them.
    const Incident& incident = open_incident(
        ctx, Opening{scenario.title, scenario.severity, lead, true, name, EntryKind::exercise,
                     "started exercise \"" + name + "\" (\"" + scenario.title + "\", " + to_string(scenario.severity) +
                         ") with " + injects + "; Crisis Lead " + mention(lead)});
    const std::string id = to_string(incident.id);
    const Channel& main = incident.main_channel();
    for (std::size_t i = 0; i < scenario.injects.size(); ++i)
        schedule(ctx, ScheduleKind::exercise_inject, std::to_string(i), ctx.now + scenario.injects[i].at);

    ctx.post_pinned(main.name, incident_header(ctx.the_incident()) + "\nEXERCISE \"" + name + "\": " + scenario.description +
                            "\n" + injects + " will be posted here. Respond as you would for real: drafts, "
                            "approvals, escalations and summaries stay in this exercise's channels. The Crisis Lead "
                            "ends it with /incident exercise end for the scorecard.");
    if (lead != ctx.caller)
        ctx.tell(lead, mention(ctx.caller) + " started the exercise " + id + " (\"" + scenario.title +
                           "\") and named you its Crisis Lead; it runs in " + to_string(main.name));
    return done("Started exercise " + id + " (" + name + ", " + to_string(scenario.severity) + ") in " +
                to_string(main.name) +
                (lead == ctx.caller ? "; you are the Crisis Lead" : "; Crisis Lead: " + mention(lead)) + ". " +
                injects + " to come; end it with /incident exercise end");
}

// --- the scorecard -----------------------------------------------------------

struct Record {
    const Incident& incident;
    std::vector<TimelineEntry> timeline;
    std::vector<Draft> drafts;
    std::vector<Escalation> escalations;
};

bool approved(const Draft& draft) {
    return (draft.state == DraftState::approved || draft.state == DraftState::published) && draft.decided_at;
}

void earliest(std::optional<Time>& best, Time candidate) {
    if (!best || candidate < *best) best = candidate;
}

// When the record first shows the action, if it does.
std::optional<Time> first_done(const Record& record, const ExpectedAction& action) {
    const Time start = record.incident.declared_at;
    const auto matches = [&](std::string_view name) { return action.match.empty() || action.match == name; };
    std::optional<Time> first;
    switch (action.kind) {
        case ExpectedKind::workstream:
            // Without a name, only a workstream the team opened counts, not the playbook's defaults.
            for (const Workstream& workstream : record.incident.workstreams)
                if (action.match.empty() ? workstream.opened_at > start : workstream.name == action.match)
                    earliest(first, workstream.opened_at);
            break;
        case ExpectedKind::draft:
            for (const Draft& draft : record.drafts)
                if (draft.author != bot_user() && matches(draft.audience)) earliest(first, draft.created_at);
            break;
        case ExpectedKind::approval:
            for (const Draft& draft : record.drafts)
                if (approved(draft) && matches(draft.audience)) earliest(first, *draft.decided_at);
            break;
        case ExpectedKind::publication:
            for (const Draft& draft : record.drafts)
                if (draft.state == DraftState::published && draft.published_at && matches(draft.audience))
                    earliest(first, *draft.published_at);
            break;
        case ExpectedKind::escalation:
            for (const Escalation& escalation : record.escalations) earliest(first, escalation.requested_at);
            break;
        case ExpectedKind::decision:
        case ExpectedKind::update:
        case ExpectedKind::status:
        case ExpectedKind::lead: {
            const EntryKind kind = action.kind == ExpectedKind::decision ? EntryKind::decision
                                   : action.kind == ExpectedKind::update ? EntryKind::update
                                   : action.kind == ExpectedKind::status ? EntryKind::status
                                                                         : EntryKind::lead;
            for (const TimelineEntry& entry : record.timeline) {
                if (entry.kind != kind) continue;
                if (kind == EntryKind::lead && !is_accepted_handover(entry)) continue;
                // status.cpp records "status OLD → NEW".
                if (kind == EntryKind::status && !action.match.empty() && !entry.text.ends_with("→ " + action.match))
                    continue;
                earliest(first, entry.at);
            }
            break;
        }
    }
    return first;
}

std::string expected_lines(const Record& record, const Scenario& scenario) {
    const Time start = record.incident.declared_at;
    std::string lines;
    int done_count = 0, in_time = 0;
    for (const ExpectedAction& action : scenario.expected) {
        const auto at = first_done(record, action);
        std::string line = "\n- ";
        if (!at) {
            line += "not done";
        } else {
            ++done_count;
            const Duration took = *at - start;
            line += "done at " + offset(took);
            if (action.within) {
                const bool on_time = took <= *action.within;
                in_time += on_time;
                line += on_time ? ", within " + format_interval(*action.within)
                                : ", late: expected within " + format_interval(*action.within);
            } else {
                ++in_time;
            }
        }
        if (!at && action.within) line += " (expected within " + format_interval(*action.within) + ")";
        lines += line + ": " + action.description;
    }
    return "\nExpected actions: " + std::to_string(done_count) + " of " + std::to_string(scenario.expected.size()) +
           " done, " + std::to_string(in_time) + " in time" + lines;
}

std::string build_scorecard(Context& ctx, const Incident& incident, Time ended_at, std::size_t injects_pending) {
    const Record record{incident, ctx.tx.timeline(incident.id), ctx.tx.drafts(incident.id),
                        ctx.tx.escalations(incident.id)};
    const Time start = incident.declared_at;
    std::string text = std::string(kScorecardTitle) + " · " + to_string(incident.id) + " · " + incident.scenario +
                       ": " + incident.title;
    text += "\nRan " + format_interval(ended_at - start) + " from " + format_utc(start) + "; ended by " +
            mention(ctx.caller);

    text += "\nTime to a Crisis Lead: ";
    const auto handover = std::find_if(record.timeline.begin(), record.timeline.end(), is_accepted_handover);
    if (handover != record.timeline.end())
        text += format_interval(handover->at - start) + " (" + handover->text + ")";
    else
        text += "0s (" + mention(incident.lead) + " held the role from the start)";

    std::optional<Time> first_approval;
    const Draft* first_approved = nullptr;
    for (const Draft& draft : record.drafts)
        if (approved(draft) && (!first_approval || *draft.decided_at < *first_approval)) {
            first_approval = draft.decided_at;
            first_approved = &draft;
        }
    text += "\nTime to the first approved communication: ";
    text += first_approved ? format_interval(*first_approval - start) + " (" + to_string(first_approved->id) + ", " +
                                 first_approved->audience + ")"
                           : std::string("none was approved");

    text += "\nApproval latency:";
    if (record.drafts.empty()) text += " no drafts";
    for (const Draft& draft : record.drafts) {
        text += "\n- " + to_string(draft.id) + " (" + draft.audience + "): ";
        if (approved(draft))
            text += "approved in " + format_interval(*draft.decided_at - draft.created_at);
        else if (draft.state == DraftState::pending)
            text += "still undecided after " + format_interval(ended_at - draft.created_at);
        else if (draft.decided_at)
            text += to_string(draft.state) + " after " + format_interval(*draft.decided_at - draft.created_at);
        else
            text += to_string(draft.state);
    }

    const auto missed = std::count_if(record.timeline.begin(), record.timeline.end(),
                                      [](const TimelineEntry& e) { return e.kind == EntryKind::missed_sync; });
    text += "\nMissed syncs: " + std::to_string(missed);

    // Counted from the record, not the scenario file, which may have changed since the start.
    std::size_t posted = 0, not_posted = 0;
    for (const TimelineEntry& entry : record.timeline) {
        posted += entry.kind == EntryKind::inject;
        not_posted += entry.kind == EntryKind::exercise && entry.text.starts_with("inject ") &&
                      entry.text.find(kNotPosted) != std::string::npos;
    }
    text += "\nInjects posted: " + std::to_string(posted) + " of " +
            std::to_string(posted + not_posted + injects_pending);
    if (not_posted > 0) text += " (" + std::to_string(not_posted) + " could not be posted)";

    // The expected actions come from the scenario as it is now; a file broken
    // since the start costs that section, not the scorecard.
    std::optional<Scenario> scenario;
    std::string unreadable;
    if (const auto file = ctx.playbook.scenarios.find(incident.scenario); file == ctx.playbook.scenarios.end()) {
        unreadable = "the playbook no longer names scenario \"" + incident.scenario + "\"";
    } else if (ScenarioLoad load = read_scenario(ctx.playbook, file->second); load.scenario) {
        scenario = std::move(load.scenario);
    } else {
        unreadable = "its scenario file has problems now: " + describe(load.problems.front(), file->second);
    }
    if (scenario)
        text += scenario->expected.empty() ? "\nExpected actions: the scenario lists none"
                                           : expected_lines(record, *scenario);
    else
        text += "\nExpected actions: not scored, " + unreadable;
    return text;
}

// --- end ---------------------------------------------------------------------

Outcome end(Context& ctx) {
    if (ctx.args.size() != 1) return invalid("/incident exercise end takes nothing more: type just that");
    if (!ctx.incident) {
        auto running = running_exercise(ctx);
        if (!running) return invalid("no exercise is running; " + how_to_start(ctx.playbook));
        return invalid("type it in the exercise's channels (" + to_string(running->main_channel().name) +
                       ") or name it: /incident " + to_string(running->id) + " exercise end");
    }
    Incident& incident = ctx.the_incident();
    const std::string id = to_string(incident.id);
    if (!incident.exercise) {
        auto running = running_exercise(ctx);
        return invalid(id + " is a real incident, not an exercise: close it with /incident " + id +
                       " status resolved" +
                       (running ? "; to end the exercise, /incident " + to_string(running->id) + " exercise end"
                                : "; no exercise is running"));
    }
    if (scored(ctx, incident))
        return invalid("the exercise " + id + " has already ended; its scorecard is on its timeline: /incident " + id +
                       " timeline");
    if (incident.lead != ctx.caller && !ctx.playbook.is_admin(ctx.caller)) {
        Outcome refusal = *require_lead(ctx, "end the exercise");
        refusal.message += " (or a playbook admin)";
        return refusal;
    }

    std::size_t injects_pending = 0;
    for (const Schedule& row : ctx.tx.pending_schedules(incident.id))
        injects_pending += row.kind == ScheduleKind::exercise_inject;
    // Resolved with `status` first, it keeps the time it was resolved.
    const Time ended_at = incident.resolved_at.value_or(ctx.now);
    const std::string scorecard = build_scorecard(ctx, incident, ended_at, injects_pending);

    stop_all_schedules(ctx);
    ctx.audit("exercise.ended", {{"from", to_string(incident.status)}, {"to", to_string(Status::resolved)},
                                 {"scorecard", scorecard}});
    incident.status = Status::resolved;
    incident.resolved_at = ended_at;
    ctx.tx.save(incident);
    ctx.record(EntryKind::exercise, scorecard);
    ctx.post(incident.main_channel().name, scorecard);
    anchor_audit_record(ctx);
    return done("Ended exercise " + id + " after " + format_interval(ended_at - incident.declared_at) +
                "; the scorecard is in " + to_string(incident.main_channel().name));
}

Outcome run(Context& ctx) {
    if (!ctx.args.empty() && ascii_lower(ctx.args[0].text) == "end") return end(ctx);
    return start(ctx);
}

}  // namespace

extern const CommandSpec exercise_command{
    "exercise", "exercise SCENARIO [--lead @user] | exercise end", "start or end a tabletop exercise",
    "Starts the playbook's scenario as an exercise incident in ex-N-... channels: you (or --lead) are its Crisis "
    "Lead, its injects are posted on schedule, everything is marked EXERCISE and nothing leaves its channels. "
    "One exercise runs at a time. Its Crisis Lead (or an admin) ends it with /incident exercise end, which posts "
    "a scorecard.",
    IncidentScope::optional, run};

// The inject's text is read from the scenario when it comes due, so a typo an
// admin fixes mid-exercise is fixed for the injects still to come.
void fire_exercise_inject(Context& ctx, const Schedule& schedule) {
    const Incident& incident = ctx.the_incident();
    const ChannelName main = incident.main_channel().name;
    std::size_t index = 0;
    const char* const target_end = schedule.target.data() + schedule.target.size();
    const auto parsed = std::from_chars(schedule.target.data(), target_end, index);
    const bool valid_target = parsed.ec == std::errc{} && parsed.ptr == target_end;

    std::string problem;
    std::optional<Scenario> scenario;
    const auto file = ctx.playbook.scenarios.find(incident.scenario);
    if (!valid_target) {
        problem = "its schedule names no inject (\"" + schedule.target + "\")";
    } else if (file == ctx.playbook.scenarios.end()) {
        problem = "the playbook no longer names scenario \"" + incident.scenario + "\"";
    } else if (ScenarioLoad load = read_scenario(ctx.playbook, file->second); !load.scenario) {
        problem = "the scenario file has problems now: " + describe(load.problems.front(), file->second) +
                  "; warroom check-playbook lists them";
    } else if (index >= load.scenario->injects.size()) {
        problem = "the scenario now has only " + std::to_string(load.scenario->injects.size()) + " inject(s)";
    } else {
        scenario = std::move(load.scenario);
    }
    const std::string number = "inject " + std::to_string(index + 1);
    if (!scenario) {
        ctx.post(main, "Could not post " + number + ": " + problem + ". Carry on; an admin can fix the scenario for "
                       "the injects still to come.");
        ctx.record(EntryKind::exercise, number + std::string(kNotPosted) + problem);
        return;
    }
    const Inject& inject = scenario->injects[index];
    const std::string text = "INJECT " + std::to_string(index + 1) + "/" + std::to_string(scenario->injects.size()) +
                             " (" + offset(inject.at) + ")" + (inject.from.empty() ? "" : " from " + inject.from) +
                             ": " + inject.text;
    ctx.post(main, text);
    ctx.record(EntryKind::inject, text);
}

}  // namespace warroom
