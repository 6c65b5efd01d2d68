#pragma once
// How an outside destination's HTTP answer reads as a delivery, the same for
// the webhook, the status page and the pager: 2xx is done; 429, 408 and 5xx
// are "not yet" (the destination is busy or down, a repeat may succeed, and
// its Retry-After is kept); any other status is a refusal a repeat would
// meet again (a wrong key, a malformed document), told to the Crisis Lead.
#include <string_view>

#include "adapters/net/http_client.hpp"
#include "bot/outbox.hpp"

namespace warroom::outside {

// `who` names the destination in the problem ("webhook 'ticketing'"). The
// answer's body is quoted only in part and only as printable text: a
// destination's error page must not fill a chat message or a log line.
Delivery read_http_answer(const net::HttpResponse& answer, std::string_view who, std::string reference = {});

// A network failure (refused, reset, timed out, TLS): not yet, named without paths or secrets.
Delivery network_failure(std::string_view who, const std::exception& error);

}  // namespace warroom::outside
