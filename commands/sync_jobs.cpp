// What happens when a sync comes due: the reminder before it, and the sync
// itself (a report of each workstream's latest update, stale ones flagged).
#include <map>

#include "bot/interval.hpp"
#include "bot/text.hpp"
#include "commands/cadence.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace {

constexpr std::size_t kQuotedBytes = 300;   // an update in a report; the full text is on the timeline

struct Latest {
    std::map<std::string, StatusUpdate> by_workstream;   // "" = the main channel
};

Latest latest_updates(Context& ctx) {
    Latest latest;
    for (StatusUpdate& update : ctx.tx.updates(ctx.the_incident().id))
        latest.by_workstream[update.workstream] = std::move(update);
    return latest;
}

std::string age(Time then, Time now) { return format_duration(now - then) + " ago"; }

// A workstream is stale at a sync if nothing was reported since the previous
// one. `previous` is when the previous sync of this cadence was (or the
// cadence started); a workstream opened after it has had no sync to miss yet.
bool is_stale(const Workstream& workstream, const Latest& latest, Time previous) {
    auto it = latest.by_workstream.find(workstream.name);
    return missed_sync(workstream, it == latest.by_workstream.end() ? std::nullopt : std::optional<Time>(it->second.at),
                       previous);
}

std::string workstream_line(const Context& ctx, const Workstream& workstream, const Latest& latest, Time previous) {
    std::string line = workstream.name + " (" + (workstream.lead ? "lead " + mention(*workstream.lead) : "no lead") +
                       "): ";
    auto it = latest.by_workstream.find(workstream.name);
    if (it == latest.by_workstream.end()) line += "no update yet";
    else line += "\"" + truncate_utf8(it->second.text, kQuotedBytes) + "\" (" + age(it->second.at, ctx.now) + ")";
    if (is_stale(workstream, latest, previous))
        line += " — STALE: no update since " + format_utc(previous);
    return line;
}

// When this occurrence's sync takes place: the pending sync of the same
// cadence that the reminder precedes.
std::optional<Time> upcoming_sync(Context& ctx, const std::string& target) {
    for (const Schedule& row : ctx.tx.pending_schedules(ctx.the_incident().id))
        if (row.kind == ScheduleKind::sync && row.target == target) return row.due_at;
    return std::nullopt;
}

void record_missed(Context& ctx, const Workstream& workstream, std::string_view at_sync, Time previous) {
    ctx.record(EntryKind::missed_sync, workstream.name + " had no update for " + std::string(at_sync) +
                                           " (none since " + format_utc(previous) + ")");
}

void all_hands_report(Context& ctx, const Schedule& schedule) {
    const Incident& incident = ctx.the_incident();
    const Latest latest = latest_updates(ctx);
    const Time previous = schedule.due_at - schedule.every;
    std::string text = "All-hands sync report · " + to_string(incident.id) + " · " + format_utc(ctx.now) + "\n";
    text += "Severity " + to_string(incident.severity) + " · status " + to_string(incident.status) +
            " · Crisis Lead " + mention(incident.lead);
    if (auto it = latest.by_workstream.find(""); it != latest.by_workstream.end())
        text += "\nIncident-wide: \"" + truncate_utf8(it->second.text, kQuotedBytes) + "\" (" +
                age(it->second.at, ctx.now) + ")";
    std::vector<const Workstream*> stale;
    for (const Workstream& workstream : incident.workstreams) {
        text += "\n- " + workstream_line(ctx, workstream, latest, previous);
        if (is_stale(workstream, latest, previous)) stale.push_back(&workstream);
    }
    if (incident.workstreams.empty()) text += "\nNo workstreams are open.";
    std::string stale_names;
    for (const Workstream* workstream : stale) stale_names += (stale_names.empty() ? "" : ", ") + workstream->name;
    if (!stale.empty()) text += "\nStale: " + stale_names + " — leads, post an update with /incident update TEXT";
    ctx.post(incident.main_channel().name, text);
    ctx.record(EntryKind::sync, "all-hands sync: " + std::to_string(incident.workstreams.size()) +
                                    " workstream(s), " + std::to_string(stale.size()) + " stale" +
                                    (stale.empty() ? std::string() : " (" + stale_names + ")"));
    for (const Workstream* workstream : stale) record_missed(ctx, *workstream, "the all-hands sync", previous);
}

void workstream_sync(Context& ctx, const Schedule& schedule, const Workstream& workstream) {
    const Latest latest = latest_updates(ctx);
    const Time previous = schedule.due_at - schedule.every;
    const bool stale = is_stale(workstream, latest, previous);
    std::string text = "Sync · workstream " + workstream.name + " · " + format_utc(ctx.now) + "\n" +
                       workstream_line(ctx, workstream, latest, previous);
    if (stale) text += "\nPost where things stand now: /incident update TEXT";
    ctx.post(workstream.channel, text);
    ctx.record(EntryKind::sync, workstream.name + " sync: " + (stale ? "stale, no update" : "updated"));
    if (stale) record_missed(ctx, workstream, "its sync", previous);
}

}  // namespace

void fire_sync_reminder(Context& ctx, const Schedule& schedule) {
    const Incident& incident = ctx.the_incident();
    const std::optional<Time> sync_at = upcoming_sync(ctx, schedule.target);
    // No sync ahead (it was stopped), or it is already due (the bot was down
    // through the reminder): the sync itself says what matters.
    if (!sync_at || *sync_at <= ctx.now) return;
    const std::string when = format_utc(*sync_at) + " (in " + format_interval(*sync_at - ctx.now) + ")";
    const Latest latest = latest_updates(ctx);
    const Time previous = *sync_at - schedule.every;

    if (schedule.target == kAllHands) {
        std::string quiet;
        for (const Workstream& workstream : incident.workstreams) {
            if (!is_stale(workstream, latest, previous)) continue;
            quiet += (quiet.empty() ? "" : ", ") + workstream.name;
            ctx.post(workstream.channel, "All-hands sync at " + when + ": " + workstream.name +
                                             " has no update since the previous sync; post one with "
                                             "/incident update TEXT");
        }
        ctx.post(incident.main_channel().name,
                 "All-hands sync at " + when + ". Workstream leads: post your latest with /incident update TEXT" +
                     (!quiet.empty()                    ? " (waiting for: " + quiet + ")"
                      : incident.workstreams.empty() ? std::string()
                                                     : std::string(" (every workstream is up to date)")));
        ctx.record(EntryKind::reminder, "reminded the all-hands sync at " + format_utc(*sync_at));
        return;
    }
    const Workstream* workstream = incident.find_workstream(schedule.target);
    if (!workstream) return;
    auto it = latest.by_workstream.find(workstream->name);
    const std::string last = it == latest.by_workstream.end() ? "none yet" : age(it->second.at, ctx.now);
    ctx.post(workstream->channel, "Sync for " + workstream->name + " at " + when +
                                      ": post your update with /incident update TEXT (latest: " + last + ")" +
                                      (workstream->lead ? " " + mention(*workstream->lead) : std::string()));
    ctx.record(EntryKind::reminder, "reminded the " + workstream->name + " sync at " + format_utc(*sync_at));
}

void fire_sync(Context& ctx, const Schedule& schedule) {
    if (schedule.target == kAllHands) return all_hands_report(ctx, schedule);
    if (const Workstream* workstream = ctx.the_incident().find_workstream(schedule.target))
        workstream_sync(ctx, schedule, *workstream);
}

}  // namespace warroom
