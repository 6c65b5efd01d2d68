#include "adapters/net/endpoint.hpp"

#include <charconv>

#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>
#include <boost/url/parse.hpp>

#include "bot/text.hpp"

namespace warroom::net {
namespace {

// The URL as far as it can be shown: a Socket Mode URL's query carries a
// single-use ticket, so nothing after '?' goes into a message or a log.
std::string without_query(std::string_view url) {
    return std::string(url.substr(0, url.find_first_of("?#")));
}

EndpointError error(std::string_view what, std::string_view problem) {
    return EndpointError{std::string(what) + ": " + std::string(problem)};
}

}  // namespace

bool is_loopback_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);   // "localhost." is the same name
    if (ascii_lower(host) == "localhost") return true;
    if (auto v4 = boost::urls::parse_ipv4_address(host)) return v4->is_loopback();
    if (auto v6 = boost::urls::parse_ipv6_address(host)) {
        if (v6->is_loopback()) return true;
        // ::ffff:127.0.0.1 is the IPv4 loopback written as IPv6.
        if (v6->is_v4_mapped()) return v6->to_bytes()[12] == 127;
    }
    return false;
}

std::variant<Endpoint, EndpointError> parse_endpoint(std::string_view url, std::string_view secure_scheme,
                                                     std::string_view what) {
    const std::string secure = ascii_lower(secure_scheme);
    const std::string plain = secure == "https" ? "http" : secure == "wss" ? "ws" : "";
    const std::string shown = without_query(url);

    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return error(what, "\"" + shown + "\" is not a valid URL (" + parsed.error().message() + "); expected " +
                               secure + "://host/path");
    }
    const boost::urls::url_view& view = *parsed;

    Endpoint endpoint;
    const std::string scheme = ascii_lower(view.scheme());
    if (scheme == secure) {
        endpoint.tls = true;
    } else if (!plain.empty() && scheme == plain) {
        endpoint.tls = false;
    } else {
        return error(what, "\"" + shown + "\" uses " + scheme + "://, which is not supported; use " + secure + "://");
    }

    if (view.has_userinfo()) {
        return error(what, "\"" + shown + "\" contains a user name or password; credentials do not belong in the URL");
    }
    endpoint.host = view.host_address();
    if (endpoint.host.empty()) return error(what, "\"" + shown + "\" names no host");
    if (view.host_type() == boost::urls::host_type::ipvfuture) {
        return error(what, "\"" + shown + "\" uses an IPvFuture address, which is not supported");
    }

    if (!endpoint.tls && !is_loopback_host(endpoint.host)) {
        return error(what, plain + ":// is only allowed for loopback hosts (localhost, 127.0.0.1, ::1), and \"" +
                               endpoint.host + "\" is not one; use " + secure + "://");
    }

    if (view.has_port()) {
        const std::string_view port = view.port();
        unsigned number = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
        if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535)
            return error(what, "\"" + shown + "\" has an invalid port \"" + std::string(port) + "\"");
        endpoint.port = std::string(port);
    } else {
        endpoint.port = endpoint.tls ? "443" : "80";
    }

    endpoint.target = std::string(view.encoded_target());
    if (endpoint.target.empty() || endpoint.target.front() != '/') endpoint.target.insert(0, "/");
    return endpoint;
}

}  // namespace warroom::net
