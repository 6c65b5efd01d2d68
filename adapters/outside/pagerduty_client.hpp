#pragma once
// Paging through PagerDuty's Events API v2: one event per call, POSTed to
// /v2/enqueue and answered 202 Accepted. Events with the same dedup_key are
// one alert on PagerDuty's side, so a trigger or resolve repeated after a
// crash changes nothing.
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "adapters/net/http_client.hpp"
#include "bot/effect.hpp"
#include "bot/outbox.hpp"

namespace warroom::outside {

// The effect's own (bot/effect.hpp), so a Page effect's action is passed as it is.
using warroom::PageAction;

struct PageEvent {
    std::string routing_key;           // the integration key; never logged, never in a problem
    PageAction action = PageAction::trigger;
    std::string dedup_key;             // derived from the incident by the caller: repeats are harmless
    std::string summary;               // trigger only; cut to PagerDuty's 1024 characters
    std::string source = "warroom";    // trigger only
    std::string severity = "critical"; // trigger only: critical, error, warning or info
};

// PagerDuty's limits on an event's fields.
inline constexpr std::size_t kPagerDutySummaryLimit = 1024;
inline constexpr std::size_t kPagerDutyDedupKeyLimit = 255;

// The Events API v2 document for `event` (payload only for a trigger). Throws nothing.
std::string page_event_document(const PageEvent& event);

// POSTs the event to `target` ("/v2/enqueue"). Done on 202 with the dedup_key
// as the reference; otherwise read_http_answer's reading (400 for an invalid
// event or an unknown routing key is refused, 429 and 5xx are not yet). A
// missing routing key or dedup_key, a trigger without a summary, or an
// unknown severity is refused before anything is sent. No problem ever quotes
// the routing key. `event` and `who` must outlive the call.
boost::asio::awaitable<Delivery> send_page_event(net::HttpClient& http, std::string target, const PageEvent& event,
                                                 std::string_view who);

}  // namespace warroom::outside
