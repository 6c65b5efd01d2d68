#pragma once
// The client-server API's routing, without HTTP: one request in, one answer
// out. Finds the endpoint for the method and path, applies the fault
// switches, checks the access token and the JSON body, runs the endpoint on
// the state and records the request. Errors are {"errcode","error"}; a fault
// switch's 5xx is an HTML page, as a proxy in front of a homeserver sends.
//
// A /sync with nothing new answers `hold` instead: the caller asks again when
// the stream moves or the hold time has passed (then with `final` set).
#include <chrono>
#include <optional>
#include <string>

#include "matrix_sim/homeserver.hpp"
#include "sim_common/delivery_faults.hpp"

namespace warroom::matrix_sim {

inline constexpr std::size_t kMaxEventContentBytes = 65536;
inline constexpr std::chrono::minutes kMaxSyncTimeout{10};

struct ApiCall {
    std::string method;                // "GET", "POST", "PUT", ...
    std::string target;                // path and query as received
    std::string authorization;         // the Authorization header ("" without one)
    std::string body;
};

struct ApiAnswer {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::optional<long long> retry_after_seconds;      // a Retry-After header
    std::optional<std::chrono::milliseconds> hold;     // a sync with nothing yet: wait up to this long
    sim_common::DeliveryFault delivery;                // held or cut by the delivery switches
};

struct ApiAttempt {
    bool repeat = false;               // the same request asked again after a hold: fault switches already passed
    bool final = false;                // the hold time is over: answer whatever there is
};

ApiAnswer handle_client_api(Homeserver& server, const ApiCall& call, ApiAttempt attempt = {});

}  // namespace warroom::matrix_sim
