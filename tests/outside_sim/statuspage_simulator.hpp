#pragma once
// Atlassian Statuspage's REST API v1 on loopback for tests and the crash
// harness, the four incident calls warroom makes, over HTTPS with the run's
// test CA, under the base path "/v1":
//   GET   /v1/pages/{page_id}/incidents/unresolved   ("list"; page and per_page in the query)
//   GET   /v1/pages/{page_id}/incidents/{id}         ("get")
//   POST  /v1/pages/{page_id}/incidents              ("create", answered 201)
//   PATCH /v1/pages/{page_id}/incidents/{id}         ("update"; PUT too)
// Every call needs `Authorization: OAuth KEY` with the page's key (401
// otherwise); an unknown page or incident is 404, an invalid document 422.
// Incidents keep their metadata (namespaces of objects) and their updates.
// Fault switches, by call kind ("list", "get", "create", "update", or "*"),
// answer with a status, 429 with Retry-After, slowly, cut short, or fail the
// TLS handshake.
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

struct StatuspageUpdate {
    std::string status;
    std::string body;                  // "" when the write had none
};

struct StatuspageIncident {
    std::string id;
    std::string page_id;
    std::string name;
    std::string status;                // investigating, identified, monitoring, resolved
    nlohmann::json metadata;           // an object of namespaces
    std::vector<StatuspageUpdate> updates;   // oldest first; the creation is the first
};

// A call as it arrived, whatever became of it.
struct StatuspageCall {
    std::string kind;                  // "list", "get", "create", "update", or "" for no such call
    std::string method;
    std::string target;
    nlohmann::json body;               // null when none or not JSON
    unsigned answered = 0;
};

class StatuspageSimulator : public HttpSimulatorFront {
public:
    static constexpr const char* kBase = "/v1";

    StatuspageSimulator();
    ~StatuspageSimulator();
    StatuspageSimulator(const StatuspageSimulator&) = delete;
    StatuspageSimulator& operator=(const StatuspageSimulator&) = delete;

    std::string url() const;           // "https://localhost:PORT/v1", the API URL as a user configures it
    std::string base() const { return kBase; }

    // A page, reached with `api_key`.
    void add_page(const std::string& page_id, const std::string& api_key);

    // The page's incidents, oldest first; someone on the page deleting one.
    std::vector<StatuspageIncident> incidents(const std::string& page_id) const;
    std::optional<StatuspageIncident> incident(const std::string& page_id, const std::string& id) const;
    void delete_incident(const std::string& page_id, const std::string& id);

    // What arrived.
    std::vector<StatuspageCall> calls() const;
    std::size_t calls_of(const std::string& kind) const;
    std::size_t creations() const;                                   // incidents created, on every page
    // Writes (creations and updates) whose metadata.warroom.job was `job_marker`.
    std::size_t updates_with_job(const std::string& job_marker) const;

    // Fault switches: faults() (HttpSimulatorFront); a switch's `call` is a call kind, or "*" (any) when not named.

private:
    struct Impl;
    explicit StatuspageSimulator(std::unique_ptr<Impl> impl);   // the front reaches into *impl
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::outside_sim
