#pragma once
// Delivering a document to a webhook: one signed POST. The receiver checks
// the signature (X-Warroom-Signature, Stripe's scheme: HMAC-SHA256 over the
// timestamp and the body) and drops repeats by the Idempotency-Key, so a
// delivery repeated after a crash or a cut-short answer is harmless.
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "adapters/net/http_client.hpp"
#include "bot/outbox.hpp"

namespace warroom::outside {

struct WebhookPost {
    std::string body;                  // the JSON document, built by the caller
    std::string idempotency_key;       // sent as Idempotency-Key: the same for every attempt at one delivery
    std::string secret;                // the HMAC-SHA256 key; never logged, never in a problem
    std::int64_t timestamp = 0;        // unix seconds, from the bot's clock
};

// "t=TIMESTAMP,v1=HEX": HMAC-SHA256(secret, "TIMESTAMP." + body) in lower-case
// hex (the Stripe convention), so a receiver can refuse an old request replayed.
std::string webhook_signature(std::string_view secret, std::int64_t timestamp, std::string_view body);

// POSTs the body to `target` (the URL's path and query) with Content-Type
// application/json, X-Warroom-Signature and Idempotency-Key. `who` names the
// destination in problems ("webhook 'ticketing'"). Done on any 2xx, with the
// Idempotency-Key as the reference (what the receiver's own records show);
// the answer is read by read_http_answer, a network failure is not yet.
// `post` and `who` must outlive the call.
boost::asio::awaitable<Delivery> send_webhook(net::HttpClient& http, std::string target, const WebhookPost& post,
                                              std::string_view who);

}  // namespace warroom::outside
