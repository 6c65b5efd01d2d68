#pragma once
// A webhook receiver on loopback for tests and the crash harness: HTTPS with
// the run's test CA, one path, POSTs of JSON signed as warroom signs them
// (X-Warroom-Signature: "t=TIMESTAMP,v1=HEX", HMAC-SHA256 over
// "TIMESTAMP." + body). A missing or wrong signature, or a timestamp outside
// the tolerance around the receiver's clock (a replayed old request), is
// answered 401; a signed document is answered 200 and kept. Requests are
// counted by Idempotency-Key, as a receiver that drops repeats would see
// them. Fault switches answer with a status, 429 with Retry-After, slowly,
// cut short, or fail the TLS handshake.
//
// It runs on its own I/O thread; every public member is thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "outside_sim/http_fault_control.hpp"

namespace warroom::outside_sim {

// A request as it arrived, whatever became of it.
struct WebhookRequest {
    std::string method;
    std::string target;
    std::string content_type;
    std::string signature;             // X-Warroom-Signature, "" when absent
    std::string idempotency_key;       // Idempotency-Key, "" when absent
    std::string body;
    unsigned answered = 0;             // the status it was answered with
};

// A document the receiver accepted (a verified request answered 2xx; a cut-short answer still counts:
// the receiver took it, the sender could not tell).
struct WebhookDelivery {
    std::string idempotency_key;
    nlohmann::json document;
    std::int64_t timestamp = 0;        // the signature's t=
};

class WebhookReceiver : public HttpSimulatorFront {
public:
    static constexpr std::chrono::seconds kDefaultTolerance{300};

    // Verifies with `secret`; serves POSTs to `path` (anything else is 404 or 405).
    explicit WebhookReceiver(std::string secret, std::string path = "/hooks/warroom");
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    const std::string& path() const;
    std::string url() const;           // "https://localhost:PORT/hooks/warroom"

    // The receiver's clock, in unix seconds, against which a signature's timestamp is checked; the system
    // clock until set. A timestamp more than `tolerance` away from it is refused.
    void set_clock(std::int64_t unix_seconds);
    void set_tolerance(std::chrono::seconds tolerance);

    // What arrived.
    std::vector<WebhookRequest> requests() const;
    std::size_t deliveries_with_key(const std::string& idempotency_key) const;   // requests with it, any outcome
    std::vector<WebhookDelivery> accepted() const;                               // in order, repeats included
    std::vector<std::string> duplicates() const;      // keys accepted more than once
    std::size_t signatures_refused() const;           // answered 401

private:
    struct Impl;
    explicit WebhookReceiver(std::unique_ptr<Impl> impl);   // the front reaches into *impl
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::outside_sim
