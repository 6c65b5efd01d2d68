#pragma once
// Where a connection goes: parsed from a URL such as SLACK_API_URL or the
// wss:// URL Slack hands out. Plain http:// and ws:// are accepted only for
// loopback hosts, so a token never crosses a network unencrypted.
#include <string>
#include <string_view>
#include <variant>

namespace warroom::net {

struct Endpoint {
    bool tls = true;
    std::string host;                  // as written, for SNI and certificate checks ("localhost", "slack.com")
    std::string port;                  // "443" when the URL names none
    std::string target;                // path and query, "/" at least, e.g. "/api/" or "/link/?ticket=..."
};

// A message that names the URL's problem, e.g. "SLACK_API_URL: http:// is only
// allowed for loopback hosts; use https://". `what` names the setting.
struct EndpointError {
    std::string message;
};

// secure_scheme is "https" or "wss"; its plain sibling ("http"/"ws") is allowed for loopback only.
std::variant<Endpoint, EndpointError> parse_endpoint(std::string_view url, std::string_view secure_scheme,
                                                     std::string_view what);

bool is_loopback_host(std::string_view host);

}  // namespace warroom::net
