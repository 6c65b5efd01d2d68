#include "adapters/http/board_pages.hpp"

#include <cmark.h>

#include <cstdlib>
#include <memory>

#include "bot/html_escape.hpp"

namespace warroom::http {
namespace {

// Escaped user text.
std::string e(std::string_view text) { return escape_html(text); }

std::string ago(Time then, Time now) { return format_duration(now > then ? now - then : Duration::zero()) + " ago"; }

std::string person(const UserId& user) { return "<span class=\"person\">" + e(mention(user)) + "</span>"; }

std::string head(std::string_view title, std::optional<std::chrono::seconds> refresh) {
    std::string html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"referrer\" content=\"no-referrer\">";
    if (refresh) html += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(refresh->count()) + "\">";
    html += "<title>" + e(title) + "</title><link rel=\"stylesheet\" href=\"/board.css\"></head>\n<body>\n";
    return html;
}

constexpr std::string_view kFoot = "</body></html>\n";

std::string incident_link(IncidentId id) {
    return "<a href=\"/incidents/" + to_string(id) + "\">" + to_string(id) + "</a>";
}

std::string badges(const Incident& incident) {
    const std::string severity = to_string(incident.severity);
    std::string html = "<span class=\"badge " + severity + "\" data-field=\"severity\">" + severity + "</span>" +
                       "<span class=\"badge status\" data-field=\"status\">" + e(to_string(incident.status)) +
                       "</span>";
    if (incident.exercise) html += "<span class=\"badge exercise\">EXERCISE</span>";
    return html;
}

std::string workstream_item(const BoardWorkstream& workstream, Time now) {
    std::string html = "<li class=\"workstream" + std::string(workstream.stale ? " stale" : "") +
                       "\" data-workstream=\"" + e(workstream.name) + "\"><strong>" + e(workstream.name) + "</strong> ";
    html += workstream.lead ? "lead " + person(*workstream.lead) : std::string("<em>no lead</em>");
    html += " · " + (workstream.last_update ? "last update " + ago(*workstream.last_update, now)
                                            : std::string("no update yet"));
    if (workstream.stale) html += " <span class=\"flag\">STALE</span>";
    return html + "</li>\n";
}

std::string draft_waiting_item(const Draft& draft, Time now) {
    return "<li class=\"draft\" data-draft=\"" + to_string(draft.id) + "\">" + to_string(draft.id) + " to <strong>" +
           e(draft.audience) + "</strong> by " + person(draft.author) + ", waiting " +
           format_duration(now > draft.created_at ? now - draft.created_at : Duration::zero()) + " for " +
           person(draft.routed_to) + "</li>\n";
}

std::string escalation_waiting_item(const Escalation& escalation, Time now) {
    std::string html = "<li class=\"escalation\" data-escalation=\"" + to_string(escalation.id) + "\">" +
                       to_string(escalation.id) + " by " + person(escalation.requested_by) + ": " +
                       e(escalation.text);
    if (escalation.deadline) {
        const bool passed = *escalation.deadline <= now;
        html += " · <span class=\"" + std::string(passed ? "flag" : "deadline") + "\">decision " +
                (passed ? "overdue since " : "due by ") + format_utc(*escalation.deadline) + "</span>";
    }
    return html + "</li>\n";
}

// The parts the list and the incident page share: workstreams, drafts waiting, escalations waiting.
std::string waiting_sections(const BoardIncident& incident, Time now, const char* heading) {
    std::string html;
    html += std::string("<") + heading + ">Workstreams</" + heading + ">";
    if (incident.workstreams.empty()) {
        html += "<p class=\"none\">none open</p>\n";
    } else {
        html += "<ul class=\"workstreams\">\n";
        for (const BoardWorkstream& workstream : incident.workstreams) html += workstream_item(workstream, now);
        html += "</ul>\n";
    }
    if (!incident.drafts_waiting.empty()) {
        html += std::string("<") + heading + ">Waiting for approval</" + heading + "><ul class=\"drafts\">\n";
        for (const Draft& draft : incident.drafts_waiting) html += draft_waiting_item(draft, now);
        html += "</ul>\n";
    }
    if (!incident.escalations_waiting.empty()) {
        html += std::string("<") + heading + ">Escalations waiting for a decision</" + heading +
                "><ul class=\"escalations\">\n";
        for (const Escalation& escalation : incident.escalations_waiting)
            html += escalation_waiting_item(escalation, now);
        html += "</ul>\n";
    }
    return html;
}

std::string incident_card(const BoardIncident& board_incident, Time now) {
    const Incident& incident = board_incident.incident;
    std::string html = "<section class=\"incident " + to_string(incident.severity) + "\" data-incident=\"" +
                       to_string(incident.id) + "\">\n<h2>" + incident_link(incident.id) + " " + e(incident.title) +
                       "</h2>\n<p class=\"meta\">" + badges(incident) + " Crisis Lead " + person(incident.lead) +
                       " · declared " + ago(incident.declared_at, now) + "</p>\n";
    html += waiting_sections(board_incident, now, "h3");
    return html + "</section>\n";
}

std::string cell(std::string_view html) { return "<td>" + std::string(html) + "</td>"; }

std::string drafts_table(const std::vector<Draft>& drafts) {
    if (drafts.empty()) return "<p class=\"none\">none</p>\n";
    std::string html = "<div class=\"wide\"><table class=\"drafts\"><thead><tr><th>Draft</th><th>To</th><th>By</th>"
                       "<th>State</th><th>Text</th><th>Decided</th><th>Published</th></tr></thead><tbody>\n";
    for (const Draft& draft : drafts) {
        std::string decided = draft.decided_by ? person(*draft.decided_by) : std::string();
        if (draft.decided_at) decided += " " + format_utc(*draft.decided_at);
        if (!draft.reason.empty()) decided += ": " + e(draft.reason);
        html += "<tr data-draft=\"" + to_string(draft.id) + "\">" +
                cell(to_string(draft.id) + " rev " + std::to_string(draft.revision)) + cell(e(draft.audience)) +
                cell(person(draft.author)) + cell("<span class=\"state " + to_string(draft.state) + "\">" +
                                                  e(describe_state(draft)) + "</span>") +
                cell("<div class=\"text\">" + e(draft.text) + "</div>") + cell(decided) +
                cell(draft.published_at ? format_utc(*draft.published_at) : std::string()) + "</tr>\n";
    }
    return html + "</tbody></table></div>\n";
}

std::string escalations_list(const std::vector<Escalation>& escalations) {
    if (escalations.empty()) return "<p class=\"none\">none</p>\n";
    std::string html = "<ul class=\"escalations\">\n";
    for (const Escalation& escalation : escalations) {
        html += "<li data-escalation=\"" + to_string(escalation.id) + "\">" + to_string(escalation.id) + " (" +
                e(to_string(escalation.state)) + ") by " + person(escalation.requested_by) + " at " +
                format_utc(escalation.requested_at) + ": " + e(escalation.text);
        if (escalation.deadline) html += " · deadline " + format_utc(*escalation.deadline);
        if (escalation.decided_by)
            html += " · decided by " + person(*escalation.decided_by) +
                    (escalation.comment.empty() ? std::string() : ": " + e(escalation.comment));
        html += "</li>\n";
    }
    return html + "</ul>\n";
}

std::string timeline_list(const std::vector<TimelineEntry>& timeline) {
    std::string html;
    const std::size_t skipped = timeline.size() > kTimelineShown ? timeline.size() - kTimelineShown : 0;
    if (skipped > 0)
        html += "<p class=\"none\">" + std::to_string(skipped) +
                " earlier entries are not shown; <code>warroom export</code> prints them all</p>\n";
    html += "<ol class=\"timeline\">\n";
    for (std::size_t i = skipped; i < timeline.size(); ++i) {
        const TimelineEntry& entry = timeline[i];
        html += "<li class=\"entry " + to_string(entry.kind) + "\"><time>" + format_utc(entry.at) +
                "</time> <span class=\"kind\">" + e(to_string(entry.kind)) + "</span> " + person(entry.actor) +
                " <span class=\"text\">" + e(entry.text) + "</span></li>\n";
    }
    return html + "</ol>\n";
}

}  // namespace

std::string render_board(const Board& board, bool with_exercises, std::chrono::seconds refresh) {
    const std::size_t open = board.incidents.size();
    std::string html = head("warroom · " + std::to_string(open) + (open == 1 ? " open incident" : " open incidents"),
                            refresh);
    html += "<header><h1>warroom</h1><p class=\"meta\">" + std::to_string(open) +
            (open == 1 ? " open incident" : " open incidents") + " · as of " + format_utc(board.now) +
            " · reloads every " + std::to_string(refresh.count()) + " s</p>";
    if (with_exercises) html += "<p class=\"meta\"><a href=\"/\">hide exercises</a></p>";
    else if (board.exercises_hidden > 0)
        html += "<p class=\"meta\"><a href=\"/?exercises=show\">show " + std::to_string(board.exercises_hidden) +
                (board.exercises_hidden == 1 ? " exercise" : " exercises") + "</a></p>";
    html += "</header>\n<main>\n";
    if (board.incidents.empty()) html += "<p class=\"quiet\">No open incidents.</p>\n";
    for (const BoardIncident& incident : board.incidents) html += incident_card(incident, board.now);
    return html + "</main>\n" + std::string(kFoot);
}

std::string render_incident_page(const IncidentPage& page, Time now) {
    const Incident& incident = page.summary.incident;
    std::string html = head(to_string(incident.id) + " · " + incident.title, std::nullopt);
    html += "<header><p class=\"meta\"><a href=\"/\">← all open incidents</a></p><h1>" + to_string(incident.id) +
            " " + e(incident.title) + "</h1>\n<p class=\"meta\">" + badges(incident) + " Crisis Lead " +
            person(incident.lead) + " · declared " + format_utc(incident.declared_at) + " by " +
            person(incident.declared_by);
    if (incident.resolved_at) html += " · resolved " + format_utc(*incident.resolved_at);
    html += "</p>\n";
    if (page.review)
        html += "<p class=\"meta\"><a href=\"/incidents/" + to_string(incident.id) + "/review\">the review</a></p>\n";
    html += "</header>\n<main data-incident=\"" + to_string(incident.id) + "\">\n";
    html += waiting_sections(page.summary, now, "h2");
    html += "<h2>Drafts</h2>\n" + drafts_table(page.record.drafts);
    html += "<h2>Escalations</h2>\n" + escalations_list(page.record.escalations);
    html += "<h2>Timeline</h2>\n" + timeline_list(page.record.timeline);
    return html + "</main>\n" + std::string(kFoot);
}

std::string render_review_page(const IncidentPage& page) {
    const Incident& incident = page.summary.incident;
    std::string html = head(to_string(incident.id) + " · review", std::nullopt);
    html += "<header><p class=\"meta\"><a href=\"/incidents/" + to_string(incident.id) + "\">← " +
            to_string(incident.id) + "</a></p></header>\n<main class=\"review\">\n";
    const std::string& markdown = page.review.value_or("");
    // cmark's default is its safe mode: raw HTML and javascript: links in the text are dropped.
    std::unique_ptr<char, decltype(&std::free)> rendered(
        cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT), &std::free);
    if (rendered) html += rendered.get();
    return html + "</main>\n" + std::string(kFoot);
}

std::string render_message_page(std::string_view title, std::string_view text) {
    return head(title, std::nullopt) + "<header><p class=\"meta\"><a href=\"/\">← all open incidents</a></p><h1>" +
           e(title) + "</h1></header>\n<main><p>" + e(text) + "</p></main>\n" + std::string(kFoot);
}

std::string_view board_stylesheet() {
    return R"css(:root { color-scheme: light dark; --line: #8884; --muted: #777; --alert: #c62828; }
body { font: 16px/1.45 system-ui, sans-serif; margin: 0 auto; padding: 0.5rem 1rem 2rem; max-width: 72rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; } h2 { font-size: 1.2rem; } h3 { font-size: 1rem; margin: 0.75rem 0 0.25rem; }
a { color: inherit; }
.meta, .none, .quiet { color: var(--muted); margin: 0.25rem 0; }
.incident { border: 1px solid var(--line); border-left: 0.4rem solid var(--muted); border-radius: 0.4rem;
  padding: 0.25rem 1rem 0.75rem; margin: 1rem 0; }
.incident.sev1 { border-left-color: var(--alert); } .incident.sev2 { border-left-color: #ef6c00; }
.incident.sev3 { border-left-color: #f9a825; }
.incident h2 { margin: 0.5rem 0 0.25rem; overflow-wrap: anywhere; }
.badge { display: inline-block; border: 1px solid var(--line); border-radius: 0.3rem; padding: 0 0.35rem;
  margin-right: 0.3rem; font-size: 0.8rem; text-transform: uppercase; }
.badge.sev1 { background: var(--alert); color: #fff; } .badge.exercise { background: #1565c0; color: #fff; }
ul, ol { padding-left: 1.2rem; margin: 0.25rem 0; } li { margin: 0.15rem 0; overflow-wrap: anywhere; }
.flag { color: #fff; background: var(--alert); border-radius: 0.3rem; padding: 0 0.35rem; font-weight: bold; }
.wide { overflow-x: auto; } table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 0.3rem; text-align: left; vertical-align: top; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 12rem; }
.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; }
.timeline .kind { font-size: 0.8rem; text-transform: uppercase; color: var(--muted); }
.timeline .text { white-space: pre-wrap; }
@media (max-width: 40rem) { body { padding: 0.25rem 0.5rem 1rem; } .incident { padding: 0.25rem 0.5rem 0.5rem; } }
)css";
}

}  // namespace warroom::http
