#pragma once
// The incident board as HTML: server-rendered pages with one stylesheet, no
// script (a Content-Security-Policy of default-src 'none' blocks nothing
// they need), every piece of user text escaped, readable on a phone. The
// list reloads itself by a meta refresh so a wall screen stays current.
#include <chrono>
#include <string>
#include <string_view>

#include "bot/board.hpp"

namespace warroom::http {

// The list of open incidents. `refresh`: how often it reloads itself.
std::string render_board(const Board& board, bool with_exercises, std::chrono::seconds refresh);

// One incident: header, workstreams, drafts, escalations, the timeline, and
// once resolved a link to its review.
std::string render_incident_page(const IncidentPage& page, Time now);

// The review (its Markdown rendered as HTML, raw HTML in it escaped).
std::string render_review_page(const IncidentPage& page);

// A short page for an error or a refusal: "404 · No such page".
std::string render_message_page(std::string_view title, std::string_view text);

// The one stylesheet every page links, served at /board.css.
std::string_view board_stylesheet();

// The most timeline entries an incident's page lists (the latest ones).
inline constexpr std::size_t kTimelineShown = 1000;

}  // namespace warroom::http
