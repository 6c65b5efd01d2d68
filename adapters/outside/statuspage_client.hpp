#pragma once
// Posting to an Atlassian Statuspage page through its REST API v1
// (Authorization: OAuth KEY). A warroom incident has one status page
// incident: the first approved text creates it, later ones update it, a
// resolution resolves it. Each write leaves a marker in the incident's
// metadata ({"warroom": {"incident": "INC-3", "job": "D-7@2"}}), as Slack
// message metadata does, so a post repeated after a crash finds the incident
// it created and sees that its job was done.
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "adapters/net/http_client.hpp"
#include "bot/outbox.hpp"

namespace warroom::outside {

struct StatuspagePost {
    std::string page_id;
    std::string api_key;                         // never logged, never in a problem
    std::string warroom_incident;                // "INC-3": written to metadata.warroom.incident
    std::string job_marker;                      // unique per delivery ("D-7@2"): written to metadata.warroom.job
    std::string name;                            // the status page incident's name, when it is created
    std::string body;                            // the approved text; may be empty (a resolution)
    std::string status;                          // "investigating" | "identified" | "monitoring" | "resolved"
    std::optional<std::string> known_incident;   // the status page incident id warroom stored earlier, if any
};

struct StatuspageResult {
    Delivery delivery;                           // reference when done: "statuspage:PAGE/INCIDENT_ID"
    std::string incident_id;                     // the status page incident it went to (to store), when known
};

// The statuses a Statuspage incident (not a scheduled maintenance) takes.
bool is_statuspage_incident_status(std::string_view status);

// Posts `post` to its page. `base` is the API URL's path, without the
// "/pages/..." that follows: "/v1" for https://api.statuspage.io/v1, "" for an
// API at the origin's root; a trailing '/' is ignored. `who` names the
// destination in problems ("status page 'public'").
//
// Without a known incident, the page's unresolved incidents are searched for
// this warroom incident's marker. On the incident found (or known): when its
// marker already names this job, the post was made before a crash and nothing
// is sent; otherwise it is updated (PATCH: status, body, marker). With none:
// it is created (POST), except for a resolution, which has nothing to resolve
// and is done as is. A known incident deleted from the page (404) counts as
// none. Answers are read by read_http_answer, except that 420 (Statuspage's
// rate limit, like 429) is not yet; a 2xx that is not the JSON expected is
// not yet, since the repeat finds the incident by its marker. The API key
// appears in no problem. `post` and `who` must outlive the call.
boost::asio::awaitable<StatuspageResult> post_to_statuspage(net::HttpClient& http, std::string base,
                                                            const StatuspagePost& post, std::string_view who);

}  // namespace warroom::outside
