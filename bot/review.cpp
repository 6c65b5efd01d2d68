#include "bot/review.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "bot/audit.hpp"
#include "bot/safe_text.hpp"

namespace warroom {
namespace {

using Json = nlohmann::ordered_json;

// The commands that change severity and status record "severity sev2 → sev1; ..."
// and "status mitigating → mitigated"; this reads the two states back.
struct Change {
    std::string from;
    std::string to;
};

std::optional<Change> parse_change(std::string_view text, std::string_view prefix) {
    constexpr std::string_view kArrow = " → ";
    if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
    text.remove_prefix(prefix.size());
    const auto arrow = text.find(kArrow);
    if (arrow == std::string_view::npos) return std::nullopt;
    Change change{std::string(text.substr(0, arrow)), {}};
    std::string_view to = text.substr(arrow + kArrow.size());
    change.to = std::string(to.substr(0, to.find_first_of("; ")));
    return change;
}

std::optional<Status> status_reached(const TimelineEntry& entry) {
    if (entry.kind != EntryKind::status) return std::nullopt;
    auto change = parse_change(entry.text, "status ");
    return change ? parse_status(change->to) : std::nullopt;
}

// lead.cpp records an acceptance as "@carol accepted the Crisis Lead role from @alice",
// with the new lead as the entry's actor.
constexpr std::string_view kAccepted = " accepted the Crisis Lead role from ";

std::optional<UserId> handed_over_by(const TimelineEntry& entry) {
    if (entry.kind != EntryKind::lead) return std::nullopt;
    const auto at = entry.text.find(kAccepted);
    if (at == std::string::npos) return std::nullopt;
    return parse_mention(std::string_view(entry.text).substr(at + kAccepted.size()));
}

// The channel a draft went to, as the publisher recorded it ("D-1 published to #exec-briefing");
// for an exercise that is the exercise's own channel.
std::string published_channel(const IncidentRecord& record, const Draft& draft) {
    const std::string prefix = to_string(draft.id) + " published to ";
    for (const TimelineEntry& entry : record.timeline)
        if (entry.kind == EntryKind::publication && entry.text.rfind(prefix, 0) == 0)
            return entry.text.substr(prefix.size());
    return "—";
}

std::int64_t seconds(Duration d) { return std::chrono::duration_cast<std::chrono::seconds>(d).count(); }

// ---------------------------------------------------------------------------
// Markdown

// Every text a person typed, and every name, goes into the review through
// markdown_text: it reads as typed and cannot forge a heading, a link or HTML.
std::string md_name(std::string_view name) { return markdown_text(name, MarkdownPlace::within_line); }
std::string md_mention(const UserId& user) { return md_name(mention(user)); }

// A multi-line text inside a list item, after the item's own words:
// continuation lines are indented so they stay in the item.
std::string in_item(std::string_view text) {
    std::string out;
    for (char c : markdown_text(text, MarkdownPlace::within_line)) {
        out += c;
        if (c == '\n') out += "  ";
    }
    return out;
}

std::string block_quote(std::string_view text) {
    std::string out = "> ";
    for (char c : markdown_text(text)) {
        out += c;
        if (c == '\n') out += "> ";
    }
    return out;
}

std::string since_declared(const Review& review, Time at) {
    return format_duration(at - review.key_times.declared) + " after declaration";
}

std::string key_time(const Review& review, std::string_view name, const std::optional<Time>& at) {
    std::string line = "- " + std::string(name) + ": ";
    if (!at) return line + "—\n";
    return line + format_utc(*at) + " (" + since_declared(review, *at) + ")\n";
}

std::string leads_line(const Review& review) {
    std::string line;
    for (const LeadTerm& term : review.key_times.leads)
        line += (line.empty() ? "" : " → ") + md_mention(term.lead);
    return line;
}

std::string workstream_lead(const Workstream& workstream) {
    return workstream.lead ? "lead " + md_mention(*workstream.lead) : std::string("no lead");
}

void summary_section(const Review& review, std::string& md) {
    const Incident& incident = review.record.incident;
    md += "\n## Summary\n";
    md += "- Severity: " + to_string(incident.severity);
    if (review.declared_severity != incident.severity) md += " (declared " + to_string(review.declared_severity) + ")";
    md += "\n- Final status: " + to_string(incident.status) + "\n";
    md += "- Crisis Lead" + std::string(review.key_times.leads.size() > 1 ? "s: " : ": ") + leads_line(review) + "\n";
    md += "- Declared: " + format_utc(incident.declared_at) + " by " + md_mention(incident.declared_by) + "\n";
    md += "- Resolved: " +
          (incident.resolved_at ? format_utc(*incident.resolved_at) : std::string("— (still open)")) + "\n";
    md += "- Total duration: " +
          (incident.resolved_at ? format_duration(*incident.resolved_at - incident.declared_at)
                                : std::string("— (still open)")) +
          "\n";
    md += "- Workstreams: " + std::to_string(incident.workstreams.size()) + "\n";
    md += "- Communications published: " + std::to_string(review.published) + "\n";
}

void severity_section(const Review& review, std::string& md) {
    md += "\n## Severity history\n";
    md += "- " + format_utc(review.key_times.declared) + ": declared " + to_string(review.declared_severity) + "\n";
    for (const SeverityChange& change : review.severity_changes)
        md += "- " + format_utc(change.at) + " (" + since_declared(review, change.at) + "): " + to_string(change.from) +
              " → " + to_string(change.to) + " by " + md_mention(change.by) + "\n";
}

void key_times_section(const Review& review, std::string& md) {
    const KeyTimes& times = review.key_times;
    md += "\n## Key times\n";
    md += key_time(review, "Declared", times.declared);
    md += key_time(review, "Crisis Lead in place (" + md_mention(times.leads.front().lead) + ")", times.declared);
    for (std::size_t i = 1; i < times.leads.size(); ++i)
        md += key_time(review, "Crisis Lead handed over to " + md_mention(times.leads[i].lead), times.leads[i].since);
    md += key_time(review, "First approved communication", times.first_approved_communication);
    md += key_time(review, "Mitigated", times.mitigated);
    md += key_time(review, "Resolved", times.resolved);
}

void timeline_section(const Review& review, std::string& md) {
    const auto& timeline = review.record.timeline;
    md += "\n## Timeline\n";
    md += std::to_string(timeline.size()) + (timeline.size() == 1 ? " entry" : " entries") +
          ", tagged by response phase (detect, respond, recover).\n";
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        const TimelineEntry& entry = timeline[i];
        md += "- " + format_utc(entry.at) + " · " + to_string(review.phases[i]) + " · " + md_mention(entry.actor) +
              " · " + to_string(entry.kind) + ": " + in_item(entry.text) + "\n";
    }
}

void workstreams_section(const Review& review, std::string& md) {
    const Incident& incident = review.record.incident;
    md += "\n## Workstreams\n";
    if (incident.workstreams.empty()) md += "None were opened.\n";
    for (const Workstream& workstream : incident.workstreams)
        md += "- " + md_name(workstream.name) + " (" + md_name(to_string(workstream.channel)) + "): " + workstream_lead(workstream) +
              ", opened " + format_utc(workstream.opened_at) + "\n";
}

void decisions_section(const Review& review, std::string& md) {
    md += "\n## Decisions\n";
    bool any = false;
    for (const TimelineEntry& entry : review.record.timeline) {
        if (entry.kind != EntryKind::decision) continue;
        md += "- " + format_utc(entry.at) + " " + md_mention(entry.actor) + ": " + in_item(entry.text) + "\n";
        any = true;
    }
    if (!any) md += "None recorded.\n";
}

void communications_section(const Review& review, std::string& md) {
    const IncidentRecord& record = review.record;
    md += "\n## Communications\n";
    md += std::to_string(review.published) + " published.\n";
    for (const Draft& draft : record.drafts) {
        if (draft.state != DraftState::published) continue;
        const std::string approver = draft.decided_by ? md_mention(*draft.decided_by) : std::string("—");
        md += "\n### " + to_string(draft.id) + " to " + md_name(draft.audience) +
              (draft.is_summary ? " (executive summary)" : "") + "\n";
        md += "- Channel: " + md_name(published_channel(record, draft)) + "\n";
        md += "- Author: " + md_mention(draft.author) + "; approved by " + approver + "\n";
        md += "- Created " + format_utc(draft.created_at);
        if (draft.decided_at) md += "; approved " + format_utc(*draft.decided_at);
        if (draft.published_at) md += "; published " + format_utc(*draft.published_at);
        md += "\n";
        if (draft.decided_at)
            md += "- Approval latency: " + format_duration(*draft.decided_at - draft.created_at) + "\n";
        md += "\n" + block_quote(draft.text) + "\n";
    }
    std::string others;
    for (const Draft& draft : record.drafts) {
        if (draft.state == DraftState::published) continue;
        others += "- " + to_string(draft.id) + " (" + md_name(draft.audience) + ") by " + md_mention(draft.author) + ": " +
                  describe_state(draft);
        if (draft.decided_by && draft.decided_at &&
            (draft.state == DraftState::rejected || draft.state == DraftState::changes_requested))
            others += " by " + md_mention(*draft.decided_by) + " at " + format_utc(*draft.decided_at);
        if (!draft.reason.empty()) others += ": " + in_item(draft.reason);
        others += "\n";
    }
    if (!others.empty()) md += "\nNot published:\n" + others;
}

void escalations_section(const Review& review, std::string& md) {
    md += "\n## Escalations\n";
    if (review.record.escalations.empty()) md += "None.\n";
    for (const Escalation& escalation : review.record.escalations) {
        md += "- " + to_string(escalation.id) + ": " + in_item(escalation.text) + "\n";
        md += "  asked by " + md_mention(escalation.requested_by) + " at " + format_utc(escalation.requested_at) + "; ";
        if (escalation.state == EscalationState::pending || !escalation.decided_at) {
            md += "never answered";
            if (escalation.deadline) md += " (due by " + format_utc(*escalation.deadline) + ")";
        } else {
            md += to_string(escalation.state) + " by " +
                  (escalation.decided_by ? md_mention(*escalation.decided_by) : std::string("—")) + " at " +
                  format_utc(*escalation.decided_at) + " (latency " +
                  format_duration(*escalation.decided_at - escalation.requested_at) + ")";
            if (!escalation.comment.empty()) md += ": " + in_item(escalation.comment);
        }
        md += "\n";
    }
}

void syncs_section(const Review& review, std::string& md) {
    std::size_t syncs = 0, missed = 0;
    std::string lines;
    for (const TimelineEntry& entry : review.record.timeline) {
        if (entry.kind != EntryKind::sync && entry.kind != EntryKind::missed_sync) continue;
        (entry.kind == EntryKind::sync ? syncs : missed) += 1;
        lines += "- " + format_utc(entry.at) + (entry.kind == EntryKind::missed_sync ? " missed: " : " ") +
                 in_item(entry.text) + "\n";
    }
    md += "\n## Sync reports\n";
    md += std::to_string(syncs) + " sync(s), " + std::to_string(missed) + " missed update(s).\n" + lines;
}

void text_section(std::string_view title, const std::string& text, std::string_view how_to_add, std::string& md) {
    md += "\n## " + std::string(title) + "\n";
    md += text.empty() ? "Not recorded — add it with " + std::string(how_to_add) + "\n" : markdown_text(text) + "\n";
}

void actions_section(const Review& review, std::string& md) {
    md += "\n## Action items\n";
    if (review.record.action_items.empty()) md += "None recorded — add them with /incident action TEXT @owner\n";
    for (const ActionItem& item : review.record.action_items)
        md += "- A-" + std::to_string(item.number) + ": " + in_item(item.text) + " — " +
              (item.owner ? "owner " + md_mention(*item.owner) : std::string("unassigned")) + " (added by " +
              md_mention(item.added_by) + ", " + format_utc(item.added_at) + ")\n";
}

void audit_section(const Review& review, std::string& md) {
    const std::string id = to_string(review.record.incident.id);
    md += "\n## Audit record\n";
    md += describe_head(review.record.incident.id, review.audit_head) + ". Check it with `warroom export " + id +
          " --verify`.\n";
    if (review.anchors.empty()) md += "No head posted yet; one is posted when the incident is resolved.\n";
    for (const PostedAnchor& anchor : review.anchors)
        md += "- Head posted " + format_utc(anchor.at) + ": " + describe_head(review.record.incident.id, anchor.head) +
              "\n";
}

// ---------------------------------------------------------------------------
// JSON

Json time_json(Time t) { return Json{{"unix_ms", to_unix_ms(t)}, {"utc", format_iso8601(t)}}; }
Json time_json(const std::optional<Time>& t) { return t ? time_json(*t) : Json(nullptr); }
Json user_json(const std::optional<UserId>& user) { return user ? Json(user->value()) : Json(nullptr); }
Json text_json(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json milestone_json(const Review& review, const std::optional<Time>& at) {
    if (!at) return nullptr;
    Json out = time_json(*at);
    out["seconds_from_declaration"] = seconds(*at - review.key_times.declared);
    return out;
}

Json draft_json(const IncidentRecord& record, const Draft& draft) {
    Json out{{"id", to_string(draft.id)},
             {"audience", draft.audience},
             {"executive_summary", draft.is_summary},
             {"state", to_string(draft.state)},
             {"delivery_problem", draft.delivery_problem.empty() ? Json(nullptr) : Json(draft.delivery_problem)},
             {"revision", draft.revision},
             {"author", draft.author.value()},
             {"decided_by", user_json(draft.decided_by)},
             {"created_at", time_json(draft.created_at)},
             {"decided_at", time_json(draft.decided_at)},
             {"published_at", time_json(draft.published_at)},
             {"channel", nullptr},
             {"approval_latency_seconds", nullptr},
             {"reason", text_json(draft.reason)},
             {"text", draft.text}};
    if (draft.state == DraftState::published) out["channel"] = published_channel(record, draft);
    if (draft.decided_at && (draft.state == DraftState::approved || draft.state == DraftState::published))
        out["approval_latency_seconds"] = seconds(*draft.decided_at - draft.created_at);
    return out;
}

Json escalation_json(const Escalation& escalation) {
    Json out{{"id", to_string(escalation.id)},
             {"text", escalation.text},
             {"requested_by", escalation.requested_by.value()},
             {"requested_at", time_json(escalation.requested_at)},
             {"deadline", time_json(escalation.deadline)},
             {"state", to_string(escalation.state)},
             {"decided_by", user_json(escalation.decided_by)},
             {"decided_at", time_json(escalation.decided_at)},
             {"comment", text_json(escalation.comment)},
             {"latency_seconds", nullptr}};
    if (escalation.decided_at) out["latency_seconds"] = seconds(*escalation.decided_at - escalation.requested_at);
    return out;
}

Json entry_json(const TimelineEntry& entry) {
    return Json{{"seq", entry.seq},
                {"at", time_json(entry.at)},
                {"actor", entry.actor.value()},
                {"kind", to_string(entry.kind)},
                {"text", entry.text}};
}

}  // namespace

std::string to_string(Phase phase) {
    switch (phase) {
        case Phase::detect: return "detect";
        case Phase::respond: return "respond";
        case Phase::recover: return "recover";
    }
    return "respond";
}

std::string format_iso8601(Time t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day date{day};
    const hh_mm_ss<milliseconds> clock{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), clock.hours().count(),
                       clock.minutes().count(), clock.seconds().count(), clock.subseconds().count());
}

IncidentRecord read_record(Transaction& tx, const Incident& incident, Time as_of) {
    return IncidentRecord{incident,
                          tx.timeline(incident.id),
                          tx.updates(incident.id),
                          tx.drafts(incident.id),
                          tx.escalations(incident.id),
                          tx.action_items(incident.id),
                          as_of,
                          tx.audit_entries(incident.id)};
}

Review analyse(IncidentRecord record) {
    Review review;
    review.record = std::move(record);
    const IncidentRecord& r = review.record;
    const Incident& incident = r.incident;
    KeyTimes& times = review.key_times;
    times.declared = incident.declared_at;
    times.resolved = incident.resolved_at;

    // Who led when: the lead at declaration is the one the first handover came from.
    std::optional<UserId> first_lead;
    std::vector<LeadTerm> handovers;
    for (const TimelineEntry& entry : r.timeline) {
        if (auto previous = handed_over_by(entry)) {
            if (!first_lead) first_lead = *previous;
            handovers.push_back({entry.actor, entry.at});
        }
    }
    times.leads.push_back({first_lead.value_or(incident.lead), incident.declared_at});
    times.leads.insert(times.leads.end(), handovers.begin(), handovers.end());

    // The first change's "from" is what was declared; without changes the severity never moved.
    review.declared_severity = incident.severity;
    for (const TimelineEntry& entry : r.timeline) {
        if (entry.kind != EntryKind::severity) continue;
        auto change = parse_change(entry.text, "severity ");
        if (!change) continue;
        auto from = parse_severity(change->from);
        auto to = parse_severity(change->to);
        if (!from || !to) continue;
        if (review.severity_changes.empty()) review.declared_severity = *from;
        review.severity_changes.push_back({entry.at, entry.actor, *from, *to});
    }

    for (const Draft& draft : r.drafts) {
        if (draft.state == DraftState::published) ++review.published;
        if ((draft.state == DraftState::approved || draft.state == DraftState::published) && draft.decided_at &&
            (!times.first_approved_communication || *draft.decided_at < *times.first_approved_communication))
            times.first_approved_communication = draft.decided_at;
    }

    // Recovery begins when the incident is mitigated; one resolved without
    // ever being called mitigated recovers from its resolution.
    std::optional<std::size_t> recovery_starts;
    for (std::size_t i = 0; i < r.timeline.size(); ++i) {
        const auto reached = status_reached(r.timeline[i]);
        if (reached == Status::mitigated) {
            times.mitigated = r.timeline[i].at;
            recovery_starts = i;
            break;
        }
        if (reached == Status::resolved && !recovery_starts) recovery_starts = i;
    }
    review.audit_head.entries = static_cast<std::int64_t>(r.audit.size());
    if (!r.audit.empty()) review.audit_head.hash = r.audit.back().hash;
    for (const TimelineEntry& entry : r.timeline)
        if (auto anchor = parse_anchor_entry(entry)) review.anchors.push_back(*anchor);
    bool declared_seen = false;
    for (std::size_t i = 0; i < r.timeline.size(); ++i) {
        if (r.timeline[i].kind == EntryKind::declared && !declared_seen) {
            declared_seen = true;
            review.phases.push_back(Phase::detect);
        } else {
            review.phases.push_back(recovery_starts && i >= *recovery_starts ? Phase::recover : Phase::respond);
        }
    }
    return review;
}

std::string render_markdown(const Review& review) {
    const Incident& incident = review.record.incident;
    std::string md = "# " + std::string(incident.exercise ? "EXERCISE — " : "") + "Post-incident review: " +
                     to_string(incident.id) + " · " + md_name(incident.title) + "\n";
    if (incident.exercise)
        md += "\nThis was a tabletop exercise" +
              (incident.scenario.empty() ? std::string() : " (scenario \"" + md_name(incident.scenario) + "\")") +
              ", not a real incident.\n";
    md += "\nWritten " + format_utc(review.record.as_of) + " from the record of " + to_string(incident.id) + ".\n";
    summary_section(review, md);
    text_section("Impact", incident.impact, "/incident impact TEXT", md);
    severity_section(review, md);
    key_times_section(review, md);
    timeline_section(review, md);
    workstreams_section(review, md);
    decisions_section(review, md);
    communications_section(review, md);
    escalations_section(review, md);
    syncs_section(review, md);
    text_section("Root cause", incident.root_cause, "/incident rootcause TEXT", md);
    actions_section(review, md);
    audit_section(review, md);
    return md;
}

Json render_json(const Review& review) {
    const IncidentRecord& r = review.record;
    const Incident& incident = r.incident;
    const KeyTimes& times = review.key_times;

    Json leads = Json::array();
    for (const LeadTerm& term : times.leads)
        leads.push_back({{"lead", term.lead.value()}, {"since", time_json(term.since)}});
    Json incident_json{{"id", to_string(incident.id)},
                       {"number", incident.id.value()},
                       {"title", incident.title},
                       {"exercise", incident.exercise},
                       {"scenario", text_json(incident.scenario)},
                       {"severity", to_string(incident.severity)},
                       {"declared_severity", to_string(review.declared_severity)},
                       {"status", to_string(incident.status)},
                       {"crisis_lead", incident.lead.value()},
                       {"crisis_leads", leads},
                       {"declared_by", incident.declared_by.value()},
                       {"declared_at", time_json(incident.declared_at)},
                       {"resolved_at", time_json(incident.resolved_at)},
                       {"duration_seconds", nullptr},
                       {"main_channel", incident.main_channel().name.value()},
                       {"impact", text_json(incident.impact)},
                       {"root_cause", text_json(incident.root_cause)}};
    if (incident.resolved_at) incident_json["duration_seconds"] = seconds(*incident.resolved_at - incident.declared_at);

    Json severity_history = Json::array();
    for (const SeverityChange& change : review.severity_changes)
        severity_history.push_back({{"at", time_json(change.at)},
                                    {"by", change.by.value()},
                                    {"from", to_string(change.from)},
                                    {"to", to_string(change.to)}});

    Json handovers = Json::array();
    for (std::size_t i = 1; i < times.leads.size(); ++i)
        handovers.push_back(
            {{"lead", times.leads[i].lead.value()}, {"at", milestone_json(review, times.leads[i].since)}});
    Json key_times{{"declared", milestone_json(review, times.declared)},
                   {"lead_in_place", milestone_json(review, times.declared)},
                   {"lead_handovers", handovers},
                   {"first_approved_communication", milestone_json(review, times.first_approved_communication)},
                   {"mitigated", milestone_json(review, times.mitigated)},
                   {"resolved", milestone_json(review, times.resolved)}};

    Json timeline = Json::array();
    Json decisions = Json::array();
    Json syncs = Json::array();
    std::size_t sync_count = 0, missed_count = 0;
    for (std::size_t i = 0; i < r.timeline.size(); ++i) {
        const TimelineEntry& entry = r.timeline[i];
        Json item = entry_json(entry);
        item["phase"] = to_string(review.phases[i]);
        timeline.push_back(item);
        if (entry.kind == EntryKind::decision)
            decisions.push_back({{"at", time_json(entry.at)}, {"by", entry.actor.value()}, {"text", entry.text}});
        if (entry.kind == EntryKind::sync || entry.kind == EntryKind::missed_sync) {
            (entry.kind == EntryKind::sync ? sync_count : missed_count) += 1;
            syncs.push_back(entry_json(entry));
        }
    }

    Json workstreams = Json::array();
    for (const Workstream& workstream : incident.workstreams)
        workstreams.push_back({{"name", workstream.name},
                               {"channel", workstream.channel.value()},
                               {"lead", user_json(workstream.lead)},
                               {"opened_at", time_json(workstream.opened_at)}});

    Json communications = Json::array();
    for (const Draft& draft : r.drafts) communications.push_back(draft_json(r, draft));
    Json escalations = Json::array();
    for (const Escalation& escalation : r.escalations) escalations.push_back(escalation_json(escalation));
    Json updates = Json::array();
    for (const StatusUpdate& update : r.updates)
        updates.push_back({{"at", time_json(update.at)},
                           {"workstream", text_json(update.workstream)},
                           {"author", update.author.value()},
                           {"text", update.text}});
    Json actions = Json::array();
    for (const ActionItem& item : r.action_items)
        actions.push_back({{"id", "A-" + std::to_string(item.number)},
                           {"number", item.number},
                           {"text", item.text},
                           {"owner", user_json(item.owner)},
                           {"added_by", item.added_by.value()},
                           {"added_at", time_json(item.added_at)}});

    Json audit = Json::array();
    for (const AuditEntry& entry : r.audit) audit.push_back(Json::parse(canonical_json(audit_entry_json(entry))));
    Json anchors = Json::array();
    for (const PostedAnchor& anchor : review.anchors)
        anchors.push_back({{"at", time_json(anchor.at)}, {"entries", anchor.head.entries}, {"hash", anchor.head.hash}});

    return Json{{"format", "warroom-review/1"},
                {"generated_at", time_json(r.as_of)},
                {"incident", incident_json},
                {"summary",
                 {{"workstreams", incident.workstreams.size()},
                  {"communications_published", review.published},
                  {"decisions", decisions.size()},
                  {"escalations", r.escalations.size()},
                  {"action_items", r.action_items.size()}}},
                {"severity_history", severity_history},
                {"key_times", key_times},
                {"timeline", timeline},
                {"workstreams", workstreams},
                {"decisions", decisions},
                {"communications", communications},
                {"escalations", escalations},
                {"sync_reports", {{"syncs", sync_count}, {"missed_updates", missed_count}, {"entries", syncs}}},
                {"updates", updates},
                {"action_items", actions},
                {"audit_head", {{"entries", review.audit_head.entries}, {"hash", review.audit_head.hash}}},
                {"audit_anchors", anchors},
                {"audit", audit}};
}

}  // namespace warroom
