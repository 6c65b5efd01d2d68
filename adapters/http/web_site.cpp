#include "adapters/http/web_site.hpp"

#include <spdlog/spdlog.h>

#include <cctype>

#include "adapters/http/board_pages.hpp"
#include "bot/board.hpp"
#include "bot/metrics.hpp"

namespace warroom::http {
namespace {

WebResponse page(int status, std::string_view title, std::string_view text) {
    return WebResponse{status, "text/html; charset=utf-8", render_message_page(title, text), {}};
}

WebResponse plain(int status, std::string text) {
    return WebResponse{status, "text/plain; charset=utf-8", std::move(text) + "\n", {}};
}

// The presented bearer token, if the header carries one ("Bearer TOKEN", the scheme in any case).
std::string_view bearer_token(std::string_view authorization) {
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size()) return {};
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return {};
    authorization.remove_prefix(scheme.size());
    while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
    return authorization;
}

bool has_query_flag(std::string_view query, std::string_view flag) {
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        if (query.substr(0, amp) == flag) return true;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return false;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& common_headers() {
    static const std::vector<std::pair<std::string, std::string>> headers = {
        {"Cache-Control", "no-store"},
        {"Content-Security-Policy",
         "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
    };
    return headers;
}

WebSite::WebSite(Store& store, const Clock& clock, const HttpSettings& settings, PlatformProblem platform_problem,
                 std::chrono::seconds outbox_stuck_after)
    : store_(store), clock_(clock), token_(settings.token), refresh_(settings.refresh),
      platform_problem_(std::move(platform_problem)), outbox_stuck_after_(outbox_stuck_after) {}

WebResponse WebSite::answer(const WebRequest& request) {
    if (request.method != "GET" && request.method != "HEAD") {
        WebResponse refused = plain(405, "only GET and HEAD are served here");
        refused.headers.emplace_back("Allow", "GET, HEAD");
        return refused;
    }
    std::string_view target = request.target;
    std::string_view query;
    if (const std::size_t mark = target.find('?'); mark != std::string_view::npos) {
        query = target.substr(mark + 1);
        target = target.substr(0, mark);
    }
    // Health tells nothing confidential: an orchestrator may ask without the token.
    if (target == "/healthz") return plain(200, "ok");
    if (target == "/readyz") return ready();
    if (!token_.empty() && !token_matches(bearer_token(request.authorization), token_)) {
        WebResponse refused = page(401, "Sign-in needed",
                                   "This board shows confidential incident details: send the token configured in "
                                   "WARROOM_HTTP_TOKEN as 'Authorization: Bearer TOKEN'.");
        refused.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"warroom\"");
        return refused;
    }
    if (target == "/metrics") return metrics();
    if (target == "/board.css") return WebResponse{200, "text/css; charset=utf-8", std::string(board_stylesheet()), {}};
    if (target == "/" || target == "/incidents" || target == "/incidents/")
        return board(has_query_flag(query, "exercises=show"));
    constexpr std::string_view prefix = "/incidents/";
    if (target.starts_with(prefix)) {
        std::string_view rest = target.substr(prefix.size());
        constexpr std::string_view review_suffix = "/review";
        const bool review = rest.ends_with(review_suffix);
        if (review) rest.remove_suffix(review_suffix.size());
        return incident(rest, review);
    }
    return page(404, "No such page", "Try the list of open incidents.");
}

WebResponse WebSite::ready() {
    if (const std::string problem = platform_problem_ ? platform_problem_() : std::string(); !problem.empty())
        return plain(503, "not ready: " + problem);
    try {
        auto tx = store_.begin(TransactionKind::read);
        const OutboxBacklog backlog = tx->outbox_backlog();
        const Time now = clock_.now();
        if (backlog.oldest && now - *backlog.oldest > outbox_stuck_after_)
            return plain(503, "not ready: the outbox is stuck: " + std::to_string(backlog.jobs) +
                                  " job(s) waiting, the oldest for " + format_duration(now - *backlog.oldest));
    } catch (const StorageError& error) {
        return plain(503, std::string("not ready: the database does not answer: ") + error.what());
    }
    return plain(200, "ready");
}

WebResponse WebSite::metrics() {
    try {
        auto tx = store_.begin(TransactionKind::read);
        return WebResponse{200, "text/plain; version=0.0.4; charset=utf-8", metrics::scrape(*tx, clock_.now()), {}};
    } catch (const StorageError& error) {
        spdlog::warn("/metrics: the database does not answer: {}", error.what());
        return plain(503, std::string("the database does not answer: ") + error.what());
    }
}

WebResponse WebSite::read_page(const std::function<WebResponse(Transaction&, Time)>& render) {
    try {
        auto tx = store_.begin(TransactionKind::read);
        return render(*tx, clock_.now());
    } catch (const StorageError& error) {
        spdlog::warn("the board: the database does not answer: {}", error.what());
        return page(503, "The database does not answer", "warroom cannot read its database just now; try again shortly.");
    }
}

WebResponse WebSite::board(bool with_exercises) {
    return read_page([&](Transaction& tx, Time now) {
        return WebResponse{200, "text/html; charset=utf-8",
                           render_board(read_board(tx, now, with_exercises), with_exercises, refresh_), {}};
    });
}

WebResponse WebSite::incident(std::string_view id, bool review) {
    const std::optional<IncidentId> incident_id = parse_incident_id(id);
    if (!incident_id) return page(404, "No such page", "Incidents are named like INC-7.");
    return read_page([&](Transaction& tx, Time now) {
        std::optional<IncidentPage> found = read_incident_page(tx, *incident_id, now);
        if (!found) return page(404, "No such incident", to_string(*incident_id) + " does not exist.");
        if (!review) return WebResponse{200, "text/html; charset=utf-8", render_incident_page(*found, now), {}};
        if (!found->review)
            return page(404, "No review yet",
                        to_string(*incident_id) + " is still open: its review is written once it is resolved.");
        return WebResponse{200, "text/html; charset=utf-8", render_review_page(*found), {}};
    });
}

}  // namespace warroom::http
