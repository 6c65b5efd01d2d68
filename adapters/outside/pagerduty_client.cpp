#include "adapters/outside/pagerduty_client.hpp"

#include <array>
#include <algorithm>

#include <boost/system/system_error.hpp>
#include <nlohmann/json.hpp>

#include "adapters/outside/http_answer.hpp"
#include "bot/text.hpp"

namespace warroom::outside {
namespace {

constexpr std::array<std::string_view, 4> kSeverities{"critical", "error", "warning", "info"};

bool known_severity(std::string_view severity) {
    return std::find(kSeverities.begin(), kSeverities.end(), severity) != kSeverities.end();
}

// Why the event cannot be sent as it is, or "" when it can; PagerDuty would refuse it with a 400.
std::string event_problem(const PageEvent& event, std::string_view who) {
    if (event.routing_key.empty()) return std::string(who) + ": no routing key is configured";
    if (event.dedup_key.empty())
        return std::string(who) + ": the event has no dedup key, so it could not be resolved later";
    if (event.dedup_key.size() > kPagerDutyDedupKeyLimit)
        return std::string(who) + ": the dedup key is longer than PagerDuty's " +
               std::to_string(kPagerDutyDedupKeyLimit) + " characters";
    if (event.action == PageAction::trigger && event.summary.empty())
        return std::string(who) + ": a trigger needs a summary, and this one has none";
    if (event.action == PageAction::trigger && !known_severity(event.severity))
        return std::string(who) + ": severity '" + event.severity +
               "' is not one PagerDuty knows (critical, error, warning, info)";
    return {};
}

// An answer that quotes the event back must not carry the routing key into a chat message or a log line.
Delivery without_routing_key(Delivery delivery, const std::string& routing_key) {
    if (routing_key.empty()) return delivery;
    for (std::size_t at; (at = delivery.problem.find(routing_key)) != std::string::npos;)
        delivery.problem.replace(at, routing_key.size(), "[routing key]");
    return delivery;
}

}  // namespace

std::string page_event_document(const PageEvent& event) {
    nlohmann::json document{{"routing_key", event.routing_key}, {"dedup_key", event.dedup_key}};
    if (event.action == PageAction::resolve) {
        document["event_action"] = "resolve";
    } else {
        document["event_action"] = "trigger";
        document["payload"] = {{"summary", truncate_utf8(event.summary, kPagerDutySummaryLimit)},
                               {"source", event.source},
                               {"severity", event.severity}};
    }
    // Replaced, not refused: a summary cut from the approved text must still reach the pager.
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

boost::asio::awaitable<Delivery> send_page_event(net::HttpClient& http, std::string target, const PageEvent& event,
                                                 std::string_view who) {
    if (std::string problem = event_problem(event, who); !problem.empty())
        co_return Delivery::refused_for_good(std::move(problem));
    net::HttpRequest request;
    request.method = "POST";
    request.target = std::move(target);
    request.content_type = "application/json";
    request.body = page_event_document(event);
    try {
        const net::HttpResponse answer = co_await http.send(std::move(request));
        co_return without_routing_key(read_http_answer(answer, who, event.dedup_key), event.routing_key);
    } catch (const boost::system::system_error& error) {
        co_return network_failure(who, error);
    }
}

}  // namespace warroom::outside
