#pragma once
// What the bot's HTTP listener serves, as plain requests and responses (no
// Beast type here: http_listener.cpp speaks the protocol):
//   /healthz   the process answers
//   /readyz    the database answers, the platform connection is up, the outbox drains (503 and the reason otherwise)
//   /metrics   Prometheus text format
//   /          the board: open incidents, newest first (?exercises=show adds exercises)
//   /incidents/INC-N, /incidents/INC-N/review, /board.css
// It reads storage in read transactions on the caller's thread, which must
// be the thread that owns the store (the adapter's).
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/http/http_settings.hpp"
#include "bot/clock.hpp"
#include "bot/store.hpp"

namespace warroom::http {

struct WebRequest {
    std::string method;                // "GET"
    std::string target;                // "/incidents/INC-3?x=y"
    std::string authorization;         // the Authorization header, "" if none
};

struct WebResponse {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;   // besides the ones every response gets
};

// Why the platform connection is not usable just now, "" when it is (Slack:
// Socket Mode is connected; Matrix: the last /sync answered). The console has
// no connection and always answers "".
using PlatformProblem = std::function<std::string()>;

class WebSite {
public:
    // `outbox_stuck_after`: /readyz fails once the oldest job waiting to be
    // performed is older than this.
    WebSite(Store& store, const Clock& clock, const HttpSettings& settings, PlatformProblem platform_problem,
            std::chrono::seconds outbox_stuck_after = std::chrono::minutes(5));

    WebResponse answer(const WebRequest& request);

private:
    WebResponse ready();
    WebResponse metrics();
    WebResponse board(bool with_exercises);
    WebResponse incident(std::string_view id, bool review);
    // `render` in a read transaction; a database that does not answer gets a 503 page.
    WebResponse read_page(const std::function<WebResponse(Transaction&, Time)>& render);

    Store& store_;
    const Clock& clock_;
    std::string token_;
    std::chrono::seconds refresh_;
    PlatformProblem platform_problem_;
    std::chrono::seconds outbox_stuck_after_;
};

// Headers every response carries: nothing cached, nothing framed or sniffed,
// and a Content-Security-Policy that allows the stylesheet and nothing else.
const std::vector<std::pair<std::string, std::string>>& common_headers();

}  // namespace warroom::http
