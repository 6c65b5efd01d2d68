#include "adapters/net/proxy_settings.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include "bot/text.hpp"

namespace warroom::net {
namespace {

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decoded(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) return std::nullopt;
        const int high = hex_value(text[i + 1]);
        const int low = hex_value(text[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::string base64(std::string_view data) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                           (static_cast<unsigned char>(data[i + 1]) << 8) | static_cast<unsigned char>(data[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (i + 1 == data.size()) {
        const unsigned n = static_cast<unsigned char>(data[i]) << 16;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == data.size()) {
        const unsigned n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

// An IPv6 address in one spelling ("0:0::1" and "::1" alike); anything else as it is.
std::string canonical_address(const std::string& host) {
    in6_addr address{};
    if (host.find(':') == std::string::npos || inet_pton(AF_INET6, host.c_str(), &address) != 1) return host;
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET6, &address, text, sizeof text)) return host;
    return text;
}

bool is_ip_address(const std::string& host) {
    in6_addr v6{};
    in_addr v4{};
    return inet_pton(AF_INET6, host.c_str(), &v6) == 1 || inet_pton(AF_INET, host.c_str(), &v4) == 1;
}

// A host as written in a URL or an Endpoint, for comparing: lower case, no brackets, no trailing dot.
std::string comparable_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    return canonical_address(ascii_lower(host));
}

bool valid_host_name(std::string_view host) {
    return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
}

ProxySettingsError error(std::string_view variable, const std::string& problem) {
    return ProxySettingsError{std::string(variable) + ": " + problem};
}

// The variable that is set (and not empty), lower case first as curl reads them.
std::optional<std::pair<std::string, std::string>> first_set(const EnvironmentLookup& env, const char* lower_name,
                                                             const char* upper_name) {
    for (const char* name : {lower_name, upper_name}) {
        std::optional<std::string> value = env(name);
        if (value && !trimmed(*value).empty()) return std::pair{std::string(name), std::move(*value)};
    }
    return std::nullopt;
}

// The process-wide settings; a function's static, so that it exists before any caller's first use.
struct Installed {
    std::mutex mutex;
    std::shared_ptr<const ProxySettings> settings = std::make_shared<const ProxySettings>();
};

Installed& installed() {
    static Installed instance;
    return instance;
}

}  // namespace

std::string ProxyServer::where() const {
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return shown + ":" + port;
}

std::string ProxyServer::authorization() const {
    if (!user) return {};
    return "Basic " + base64(*user + ":" + password);
}

std::variant<ProxyServer, ProxySettingsError> parse_proxy_url(std::string_view url, std::string_view variable) {
    constexpr const char* kForm = "write http://[user:password@]host[:port]";
    url = trimmed(url);
    if (url.empty()) return error(variable, "the proxy URL is empty; " + std::string(kForm));
    if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); }))
        return error(variable, "the proxy URL contains spaces or control characters; " + std::string(kForm));

    std::string_view rest = url;
    if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
        const std::string scheme = ascii_lower(rest.substr(0, scheme_end));
        if (scheme == "https")
            return error(variable, "only http:// proxies are supported (warroom does not speak TLS to the proxy "
                                   "itself; the tunnel through it is TLS end to end); " + std::string(kForm));
        if (scheme != "http")
            return error(variable, "proxies of the scheme " + scheme + ":// are not supported; only http:// proxies "
                                   "are; " + std::string(kForm));
        rest.remove_prefix(scheme_end + 3);
    }

    // The authority ends at the first '/', '?' or '#' after the user info (a password may hold a '/').
    const std::size_t at = rest.rfind('@');
    const std::size_t search_from = at == std::string_view::npos ? 0 : at + 1;
    const std::size_t authority_end = rest.find_first_of("/?#", search_from);
    std::string_view authority = rest.substr(0, authority_end);
    if (authority_end != std::string_view::npos && rest.substr(authority_end) != "/")
        return error(variable, "a proxy URL has no path, query or fragment; " + std::string(kForm));

    ProxyServer server;
    if (at != std::string_view::npos && at < authority.size()) {
        const std::string_view user_info = authority.substr(0, at);
        authority.remove_prefix(at + 1);
        const std::size_t colon = user_info.find(':');
        const std::string_view user = user_info.substr(0, colon);
        const std::string_view password =
            colon == std::string_view::npos ? std::string_view() : user_info.substr(colon + 1);
        std::optional<std::string> decoded_user = percent_decoded(user);
        std::optional<std::string> decoded_password = percent_decoded(password);
        // Neither is shown: a malformed escape may sit next to the password.
        if (!decoded_user || !decoded_password)
            return error(variable, "the proxy's user name or password has a malformed %-escape (write %XX with two "
                                   "hex digits, e.g. %40 for @)");
        if (decoded_user->empty()) return error(variable, "the proxy URL has a password but no user name");
        server.user = std::move(*decoded_user);
        server.password = std::move(*decoded_password);
        server.user_as_written = std::string(user);
    }

    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos)
            return error(variable, "the proxy's IPv6 address lacks its closing ']'; " + std::string(kForm));
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return error(variable, "the proxy URL is malformed; " + std::string(kForm));
            port = after.substr(1);
            if (port.empty()) return error(variable, "the proxy URL has a ':' but no port; " + std::string(kForm));
        }
        in6_addr address{};
        if (inet_pton(AF_INET6, std::string(host).c_str(), &address) != 1)
            return error(variable, "the proxy's address in [ ] is not an IPv6 address");
    } else {
        const std::size_t colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
            if (port.empty()) return error(variable, "the proxy URL has a ':' but no port; " + std::string(kForm));
        }
        // The host is not shown either: a URL missing its '@' would show the user name here.
        if (!valid_host_name(host))
            return error(variable, "the proxy URL names no valid host (an IPv6 address goes in [ ]); " +
                                       std::string(kForm));
    }
    if (!port.empty()) {
        // Not shown: in "http://user:password" (no '@') the "port" is the password.
        if (!all_digits(port) || port.size() > 5 || std::stoul(std::string(port)) == 0 ||
            std::stoul(std::string(port)) > 65535)
            return error(variable, "the proxy's port must be a number from 1 to 65535; " + std::string(kForm));
        server.port = std::to_string(std::stoul(std::string(port)));
    }
    server.host = std::string(host);
    return server;
}

std::vector<NoProxyEntry> parse_no_proxy(std::string_view value) {
    std::vector<NoProxyEntry> entries;
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        std::string_view item = trimmed(value.substr(0, comma));
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        if (item.empty()) continue;
        NoProxyEntry entry;
        std::string_view host = item;
        if (item.front() == '[') {
            const std::size_t close = item.find(']');
            host = item.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
            if (close != std::string_view::npos && close + 1 < item.size() && item[close + 1] == ':')
                entry.port = std::string(item.substr(close + 2));
        } else if (std::count(item.begin(), item.end(), ':') == 1) {
            const std::size_t colon = item.find(':');
            if (all_digits(item.substr(colon + 1))) {
                host = item.substr(0, colon);
                entry.port = std::string(item.substr(colon + 1));
            }
        }
        if (!entry.port.empty() && all_digits(entry.port) && entry.port.size() <= 5)
            entry.port = std::to_string(std::stoul(entry.port));   // "0443" is 443
        if (host.starts_with("*.")) host.remove_prefix(2);
        while (!host.empty() && host.front() == '.') host.remove_prefix(1);
        entry.host = host == "*" ? "*" : comparable_host(host);
        if (entry.host.empty()) continue;
        entries.push_back(std::move(entry));
    }
    return entries;
}

bool ProxySettings::applies_to(std::string_view host, std::string_view port) const {
    if (!server) return false;
    const std::string name = comparable_host(host);
    const bool address = is_ip_address(name);
    for (const NoProxyEntry& entry : no_proxy) {
        if (entry.host == "*") return false;
        if (!entry.port.empty() && entry.port != port) continue;
        if (name == entry.host) return false;
        // A subdomain: "api.example.com" under "example.com"; never for an address ("10.0.0.1" under "0.0.1").
        if (!address && name.size() > entry.host.size() && name.ends_with(entry.host) &&
            name[name.size() - entry.host.size() - 1] == '.')
            return false;
    }
    return true;
}

std::string ProxySettings::describe() const {
    if (!server) return "none";
    std::string text = "http://";
    if (server->user) {
        text += server->user_as_written;
        if (!server->password.empty()) text += ":***";
        text += "@";
    }
    return text + server->where();
}

std::string ProxySettings::describe_exceptions() const {
    std::string text;
    for (const NoProxyEntry& entry : no_proxy) {
        if (!text.empty()) text += ", ";
        text += entry.host.find(':') != std::string::npos ? "[" + entry.host + "]" : entry.host;
        if (!entry.port.empty()) text += ":" + entry.port;
    }
    return text;
}

std::variant<ProxySettings, ProxySettingsError> proxy_settings_from(const EnvironmentLookup& env) {
    ProxySettings settings;
    if (auto proxy = first_set(env, "https_proxy", "HTTPS_PROXY")) {
        auto parsed = parse_proxy_url(proxy->second, proxy->first);
        if (auto* problem = std::get_if<ProxySettingsError>(&parsed)) return std::move(*problem);
        settings.server = std::get<ProxyServer>(std::move(parsed));
        settings.variable = proxy->first;
    }
    if (auto exceptions = first_set(env, "no_proxy", "NO_PROXY"))
        settings.no_proxy = parse_no_proxy(exceptions->second);
    return settings;
}

void use_proxy(ProxySettings settings) {
    auto replacement = std::make_shared<const ProxySettings>(std::move(settings));
    std::lock_guard lock(installed().mutex);
    installed().settings = std::move(replacement);
}

std::shared_ptr<const ProxySettings> current_proxy() {
    std::lock_guard lock(installed().mutex);
    return installed().settings;
}

ScopedProxy::ScopedProxy(ProxySettings settings) : previous_(current_proxy()) { use_proxy(std::move(settings)); }

ScopedProxy::~ScopedProxy() {
    std::lock_guard lock(installed().mutex);
    installed().settings = std::move(previous_);
}

}  // namespace warroom::net
