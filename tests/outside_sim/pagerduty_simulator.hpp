#pragma once
// PagerDuty's Events API v2 on loopback for tests and the crash harness:
// POST /v2/enqueue over HTTPS with the run's test CA, answered 202 with
// {"status":"success","message":"Event processed","dedup_key":...}, or 400
// {"status":"invalid event","message":"Event object is invalid","errors":[...]}
// for an event PagerDuty would refuse (an unknown routing key among them).
// Alerts are kept by routing key and dedup key, as PagerDuty deduplicates:
// a trigger on an open alert adds to it, a resolve closes it, and a resolve
// of a key never triggered is accepted and does nothing. Fault switches
// answer with a status, 429 with Retry-After, slowly, cut short, or fail
// the TLS handshake.
//
// It runs on its own I/O thread; every public member is thread-safe.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "outside_sim/http_fault_control.hpp"

namespace warroom::outside_sim {

// One alert: every event with its routing key and dedup key.
struct PagerDutyAlert {
    std::string routing_key;
    std::string dedup_key;
    int triggers = 0;                  // trigger events received
    int resolves = 0;                  // resolve events received
    int opened = 0;                    // times a trigger opened it (a trigger on an open alert does not)
    bool triggered = false;            // open now
    std::string summary;               // the latest trigger's
    std::string source;
    std::string severity;
};

// An event as it arrived, whatever became of it.
struct PagerDutyEvent {
    std::string target;
    nlohmann::json body;               // null when not JSON
    unsigned answered = 0;
};

class PagerDutySimulator : public HttpSimulatorFront {
public:
    // Knows `routing_keys` (an integration key each); an event with any other is refused with 400.
    explicit PagerDutySimulator(std::vector<std::string> routing_keys = {});
    ~PagerDutySimulator();
    PagerDutySimulator(const PagerDutySimulator&) = delete;
    PagerDutySimulator& operator=(const PagerDutySimulator&) = delete;

    std::string url() const;           // "https://localhost:PORT" (events go to /v2/enqueue)

    void add_routing_key(const std::string& routing_key);

    // What arrived.
    std::optional<PagerDutyAlert> alert(const std::string& routing_key, const std::string& dedup_key) const;
    std::vector<PagerDutyAlert> alerts() const;                  // by routing key, then dedup key
    std::vector<PagerDutyEvent> events() const;                  // in order, refused ones too

private:
    struct Impl;
    explicit PagerDutySimulator(std::unique_ptr<Impl> impl);   // the front reaches into *impl
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::outside_sim
