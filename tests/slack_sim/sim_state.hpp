#pragma once
// Everything the simulator knows, guarded as one by its mutex: the
// workspace, the tokens and tickets, the fault switches, what the bot called
// and Socket Mode's envelopes.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "sim_common/delivery_faults.hpp"
#include "slack_sim/slack_simulator.hpp"
#include "slack_sim/socket_mode_state.hpp"
#include "slack_sim/workspace.hpp"

namespace warroom::slack_sim {

struct FaultSwitch {
    int calls_left = 0;
    unsigned status = 0;
    int retry_after_seconds = 0;
};

struct ResponseUrl {
    int uses = 0;                      // Slack allows 5 POSTs to one response_url
};

struct SimState {
    SimState();

    // Random hex for tokens, tickets and ids; unique within the run.
    std::string unique_hex(std::size_t digits);
    // "8-4-4-4-12" hex, as Slack's envelope ids look.
    std::string uuid_like();

    std::string authority;             // "localhost:PORT", set once the simulator listens
    Workspace workspace;
    std::string app_token;
    std::string bot_token;
    std::map<std::string, bool> tickets;            // Socket Mode ticket -> used
    std::map<std::string, ResponseUrl> response_urls;  // id in /response/ID
    std::map<std::string, FaultSwitch> rate_limits;    // by method
    std::map<std::string, FaultSwitch> failures;       // by method
    sim_common::DeliveryFaultSwitches delivery_faults; // by method ("response_url" for those)
    std::vector<SimApiCall> api_calls;
    SocketModeState socket_mode;
    std::map<std::string, nlohmann::json> event_envelopes;   // events_api envelopes sent, by envelope id (redeliver_event)

private:
    std::mt19937_64 random_;
    std::uint64_t unique_counter_ = 0;
};

}  // namespace warroom::slack_sim
