#pragma once
// The HTTPS proxy every outbound TLS connection goes through (Slack's Web API
// and Socket Mode, the Matrix homeserver, webhooks, Statuspage, PagerDuty),
// from HTTPS_PROXY / https_proxy and NO_PROXY / no_proxy as curl reads them:
// the lower-case variable wins when both are set.
//
// - HTTPS_PROXY is http://[user:password@]host[:port] (port 80 when none is
//   written; curl's default would be 1080, but an http:// URL says 80), or a
//   bare host[:port] as curl accepts. The user and password are
//   percent-decoded and sent as Proxy-Authorization: Basic; the password is
//   never shown (describe() masks it). Only http:// proxies are supported:
//   TLS to the proxy itself (an https:// proxy URL) is refused at start.
// - NO_PROXY is a comma-separated list: `*` (no proxy for anything), host
//   names (`example.com` and `.example.com` both match example.com and any
//   subdomain of it), IP addresses (IPv6 with or without brackets; no CIDR
//   ranges), each with an optional :port. Case-insensitive.
// - Loopback hosts are NOT bypassed implicitly (as curl): only what NO_PROXY
//   names goes direct. Plain http:// and ws:// endpoints (loopback only in
//   warroom) never use the proxy, and neither does SMTP e-mail (SMTP is not
//   HTTPS, and proxies mostly allow CONNECT to port 443 only): it connects
//   directly.
//
// The settings are read once at start (proxy_settings_from) and installed
// process-wide (use_proxy); net::connect_tls reads them for each connection.
// No Asio here, so bot/main.cpp can include it.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bot/config.hpp"

namespace warroom::net {

struct ProxyServer {
    std::string host;                  // without brackets for IPv6 ("::1")
    std::string port = "80";
    std::optional<std::string> user;   // percent-decoded; set when the URL has user info
    std::string password;              // percent-decoded; never logged
    std::string user_as_written;       // still percent-encoded, for describe()

    // "host:port", with brackets for an IPv6 address: how messages name the proxy.
    std::string where() const;
    // The Proxy-Authorization header's value, "Basic base64(user:password)"; "" without a user.
    std::string authorization() const;
};

struct NoProxyEntry {
    std::string host;                  // lower case, without a leading '.' or brackets; "*" for everything
    std::string port;                  // "" for any port
};

struct ProxySettings {
    std::optional<ProxyServer> server;     // none: every connection is direct
    std::string variable;                  // the variable it came from: "https_proxy" or "HTTPS_PROXY"
    std::vector<NoProxyEntry> no_proxy;

    // Whether a TLS connection to host:port goes through the proxy.
    bool applies_to(std::string_view host, std::string_view port) const;
    // For a log line, without the password: "http://user:***@proxy.corp:3128", or "none".
    std::string describe() const;
    // NO_PROXY's entries for a log line, "localhost, .corp.example:443"; "" when there are none.
    std::string describe_exceptions() const;
};

struct ProxySettingsError {
    std::string message;               // names the variable and what is wrong, never the password
};

// Reads https_proxy / HTTPS_PROXY and no_proxy / NO_PROXY; unset or empty: no proxy.
std::variant<ProxySettings, ProxySettingsError> proxy_settings_from(const EnvironmentLookup& env);

// One proxy URL as HTTPS_PROXY holds it; `variable` names it in the error.
std::variant<ProxyServer, ProxySettingsError> parse_proxy_url(std::string_view url, std::string_view variable);
// A NO_PROXY value; entries that are empty are skipped.
std::vector<NoProxyEntry> parse_no_proxy(std::string_view value);

// The process-wide proxy, installed once at start (by main) and read by
// every connect_tls; safe to read from any thread while another installs.
void use_proxy(ProxySettings settings);
std::shared_ptr<const ProxySettings> current_proxy();

// For tests: installs `settings` for the scope, then puts back what was there.
class ScopedProxy {
public:
    explicit ScopedProxy(ProxySettings settings);
    ~ScopedProxy();
    ScopedProxy(const ScopedProxy&) = delete;
    ScopedProxy& operator=(const ScopedProxy&) = delete;

private:
    std::shared_ptr<const ProxySettings> previous_;
};

}  // namespace warroom::net
