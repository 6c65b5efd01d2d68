#include "adapters/outside/statuspage_client.hpp"

#include <array>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

#include <boost/system/system_error.hpp>
#include <nlohmann/json.hpp>

#include "adapters/outside/http_answer.hpp"

namespace warroom::outside {
namespace {

using nlohmann::json;

// Unresolved incidents read per request, and the most pages read: a page
// with thousands of open incidents is not one warroom should search further.
constexpr int kIncidentsPerPage = 100;
constexpr int kMostListPages = 10;
// Statuspage's documentation names 420 next to 429 for a token over its rate limit.
constexpr unsigned kStatuspageRateLimited = 420;

// What one API call came back with: a JSON document, or a delivery that is not done.
struct ApiAnswer {
    unsigned status = 0;
    json document;                     // the answer's JSON when 2xx
    std::optional<Delivery> failed;    // set when the call did not succeed
};

// Ids go into the path as they are when they are ids; anything else is escaped.
std::string path_segment(std::string_view text) {
    std::string segment;
    for (const unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            segment += static_cast<char>(c);
        } else {
            char escape[4];
            std::snprintf(escape, sizeof escape, "%%%02X", c);
            segment += escape;
        }
    }
    return segment;
}

std::string incidents_path(std::string base, std::string_view page_id) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/pages/" + path_segment(page_id) + "/incidents";
}

std::string reference_of(const StatuspagePost& post, const std::string& incident_id) {
    return "statuspage:" + post.page_id + "/" + incident_id;
}

// An answer that quotes the request back must not carry the key into a chat message or a log line.
Delivery without_key(Delivery delivery, const std::string& api_key) {
    if (api_key.empty()) return delivery;
    for (std::size_t at; (at = delivery.problem.find(api_key)) != std::string::npos;)
        delivery.problem.replace(at, api_key.size(), "[API key]");
    return delivery;
}

net::HttpRequest api_request(std::string method, std::string target, const StatuspagePost& post,
                             const json& document = nullptr) {
    net::HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.authorization = "OAuth " + post.api_key;
    if (!document.is_null()) {
        request.content_type = "application/json";
        request.body = document.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return request;
}

// read_http_answer, but Statuspage's rate limit answers 420 as well as 429: a wait, not a refusal.
Delivery read_statuspage_answer(const net::HttpResponse& answer, std::string_view who) {
    if (answer.status != kStatuspageRateLimited) return read_http_answer(answer, who);
    std::optional<Duration> after;
    if (answer.retry_after) after = std::chrono::duration_cast<Duration>(*answer.retry_after);
    return Delivery::not_yet(std::string(who) + " answered HTTP 420: over Statuspage's rate limit", after);
}

// Not in a coroutine: GCC 12 mishandles temporaries of a ?: in coroutine bodies.
bool has_expected_shape(const json& document, bool want_array) {
    if (document.is_discarded()) return false;
    if (want_array) return document.is_array();
    return document.is_object() && document.contains("id") && document["id"].is_string();
}

// Sends one call; a 2xx must be JSON of the kind expected (`want_array`: a list, else an incident).
boost::asio::awaitable<ApiAnswer> call_api(net::HttpClient& http, net::HttpRequest request, const StatuspagePost& post,
                                           std::string_view who, bool want_array) {
    const std::string what = request.method + " " + request.target.substr(0, request.target.find('?'));
    const net::HttpResponse answer = co_await http.send(std::move(request));
    ApiAnswer result;
    result.status = answer.status;
    Delivery read = without_key(read_statuspage_answer(answer, who), post.api_key);
    if (!read.done) {
        result.failed = std::move(read);
        co_return result;
    }
    if (answer.too_large) {
        result.failed = Delivery::not_yet(std::string(who) + " answered " + what + " with more than warroom reads");
        co_return result;
    }
    result.document = json::parse(answer.body, nullptr, false);
    if (!has_expected_shape(result.document, want_array)) {
        std::string expected = "an incident";
        if (want_array) expected = "a list of incidents";
        result.failed = Delivery::not_yet(std::string(who) + " answered " + what + " with something that is not " +
                                          expected + " in JSON; it will be asked again");
        result.document = nullptr;
    }
    co_return result;
}

// metadata.warroom.NAME of an incident as a string, or "".
std::string warroom_marker(const json& incident, const char* name) {
    const json* metadata = incident.contains("metadata") ? &incident["metadata"] : nullptr;
    if (!metadata || !metadata->is_object() || !metadata->contains("warroom")) return {};
    const json& warroom = (*metadata)["warroom"];
    if (!warroom.is_object() || !warroom.contains(name) || !warroom[name].is_string()) return {};
    return warroom[name].get<std::string>();
}

// The incident's metadata with warroom's marker set to this job; other namespaces kept (a PATCH replaces it whole).
json marked_metadata(const json& incident, const StatuspagePost& post) {
    json metadata = json::object();
    if (incident.is_object() && incident.contains("metadata") && incident["metadata"].is_object())
        metadata = incident["metadata"];
    metadata["warroom"] = {{"incident", post.warroom_incident}, {"job", post.job_marker}};
    return metadata;
}

json incident_document(const StatuspagePost& post, const json& metadata, bool creating) {
    json incident{{"status", post.status}, {"metadata", metadata}};
    if (creating) {
        std::string name = post.name;
        if (name.empty()) name = post.warroom_incident;   // Statuspage requires a name
        incident["name"] = name;
    }
    if (!post.body.empty()) incident["body"] = post.body;
    return json{{"incident", incident}};
}

// The local refusals: what Statuspage would refuse anyway, said in words an admin can act on.
std::string post_problem(const StatuspagePost& post, std::string_view who) {
    if (post.page_id.empty()) return std::string(who) + ": no page id is configured";
    if (post.api_key.empty()) return std::string(who) + ": no API key is configured";
    if (post.warroom_incident.empty() || post.job_marker.empty())
        return std::string(who) + ": the post names no warroom incident or job, so a repeat could not find it";
    if (!is_statuspage_incident_status(post.status))
        return std::string(who) + ": status '" + post.status +
               "' is not a Statuspage incident status (investigating, identified, monitoring, resolved)";
    return {};
}

}  // namespace

bool is_statuspage_incident_status(std::string_view status) {
    static constexpr std::array<std::string_view, 4> kStatuses{"investigating", "identified", "monitoring", "resolved"};
    return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

boost::asio::awaitable<StatuspageResult> post_to_statuspage(net::HttpClient& http, std::string base,
                                                            const StatuspagePost& post, std::string_view who) {
    if (std::string problem = post_problem(post, who); !problem.empty())
        co_return StatuspageResult{Delivery::refused_for_good(std::move(problem)), post.known_incident.value_or("")};
    const std::string incidents = incidents_path(std::move(base), post.page_id);
    const auto one_incident = [&incidents](const std::string& id) { return incidents + "/" + path_segment(id); };
    try {
        // The status page incident this warroom incident posts to, once found.
        json incident = nullptr;
        if (post.known_incident) {
            net::HttpRequest get = api_request("GET", one_incident(*post.known_incident), post);
            ApiAnswer known = co_await call_api(http, std::move(get), post, who, false);
            if (known.failed && known.status != 404)
                co_return StatuspageResult{std::move(*known.failed), *post.known_incident};
            if (!known.failed) incident = std::move(known.document);
        }
        for (int page = 1; incident.is_null() && page <= kMostListPages; ++page) {
            const std::string target = incidents + "/unresolved?per_page=" + std::to_string(kIncidentsPerPage) +
                                       "&page=" + std::to_string(page);
            ApiAnswer listing = co_await call_api(http, api_request("GET", target, post), post, who, true);
            if (listing.failed) co_return StatuspageResult{std::move(*listing.failed), {}};
            for (const json& listed : listing.document) {
                if (listed.is_object() && listed.contains("id") && listed["id"].is_string() &&
                    warroom_marker(listed, "incident") == post.warroom_incident) {
                    incident = listed;
                    break;
                }
            }
            if (listing.document.size() < static_cast<std::size_t>(kIncidentsPerPage)) break;
        }

        if (incident.is_null()) {
            // Resolving what was never posted (or was resolved and so left the unresolved list): nothing to do.
            if (post.status == "resolved") co_return StatuspageResult{Delivery::delivered(), {}};
            const json document = incident_document(post, marked_metadata(nullptr, post), true);
            net::HttpRequest create = api_request("POST", incidents, post, document);
            ApiAnswer created = co_await call_api(http, std::move(create), post, who, false);
            if (created.failed) co_return StatuspageResult{std::move(*created.failed), {}};
            const std::string id = created.document["id"].get<std::string>();
            co_return StatuspageResult{Delivery::delivered(reference_of(post, id)), id};
        }

        const std::string id = incident["id"].get<std::string>();
        // Written before a crash took the news of it: done already.
        if (warroom_marker(incident, "job") == post.job_marker)
            co_return StatuspageResult{Delivery::delivered(reference_of(post, id)), id};
        const json document = incident_document(post, marked_metadata(incident, post), false);
        net::HttpRequest patch = api_request("PATCH", one_incident(id), post, document);
        ApiAnswer updated = co_await call_api(http, std::move(patch), post, who, false);
        if (updated.failed) co_return StatuspageResult{std::move(*updated.failed), id};
        co_return StatuspageResult{Delivery::delivered(reference_of(post, id)), id};
    } catch (const boost::system::system_error& error) {
        co_return StatuspageResult{network_failure(who, error), post.known_incident.value_or("")};
    }
}

}  // namespace warroom::outside
