#pragma once
// Slack's Web API over the simulated workspace: POST /api/METHOD with a
// bearer token, JSON or form-encoded arguments, HTTP 200 and ok:false for
// Slack's errors, 429 or another status when a fault switch says so.
#include <optional>
#include <string>

#include "slack_sim/sim_state.hpp"

namespace warroom::slack_sim {

struct ApiHttpRequest {
    std::string method;                // "chat.postMessage"
    std::optional<std::string> authorization;   // the Authorization header, when sent
    std::string content_type;
    std::string body;
    std::string query;                 // after '?', "" when none
};

struct ApiHttpResponse {
    unsigned status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::string body;
    std::optional<int> retry_after_seconds;
};

// Runs one call against `state` (the caller holds the simulator's mutex) and records it in state.api_calls.
ApiHttpResponse handle_api_request(SimState& state, const ApiHttpRequest& request);

// A POST to a response_url (/response/ID), recorded as a call of method "response_url".
ApiHttpResponse handle_response_url(SimState& state, const std::string& id, const std::string& body);

}  // namespace warroom::slack_sim
