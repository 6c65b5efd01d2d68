#pragma once
// Where the bot's own HTTP listener (the board, /metrics, /healthz, /readyz)
// listens and who may read it, from WARROOM_HTTP, WARROOM_HTTP_TOKEN,
// WARROOM_HTTP_CERT and WARROOM_HTTP_KEY. Off unless WARROOM_HTTP is set.
// Incident details are confidential: bound to anything but loopback, the
// listener refuses to start without a token.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <variant>

#include "bot/config.hpp"

namespace warroom::http {

struct HttpSettings {
    std::string address = "127.0.0.1";     // an IPv4 or IPv6 address
    unsigned short port = 8080;             // 0: any free port (tests)
    std::string token;                      // required off loopback; "" on loopback: no credentials asked
    std::optional<std::string> cert_file;   // PEM chain; with key_file, the listener speaks TLS
    std::optional<std::string> key_file;
    // Limits, so that a flood or a slow client costs the bot nothing it needs.
    std::size_t max_connections = 256;      // beyond it, new connections are closed at once
    std::size_t max_header_bytes = 16 * 1024;   // the request line and headers; more is answered 431
    std::chrono::milliseconds request_timeout{10000};   // to read one request, whole; then the connection closes
    std::chrono::seconds refresh{15};       // how often the board's list reloads itself

    bool loopback() const;
    bool tls() const { return cert_file.has_value(); }
    // "http://127.0.0.1:8080/"
    std::string url(unsigned short bound_port) const;
};

struct HttpSettingsError {
    std::string message;               // names the variable and what to write instead
};

// The listener's settings, nothing when WARROOM_HTTP is unset, or what is wrong with them.
std::variant<std::monostate, HttpSettings, HttpSettingsError> http_settings_from(const EnvironmentLookup& env);

// Compares a presented bearer token with the expected one in time that does
// not depend on where they differ (nor on the expected token's length).
bool token_matches(std::string_view presented, std::string_view expected);

}  // namespace warroom::http
