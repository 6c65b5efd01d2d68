#include "adapters/http/http_settings.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <charconv>
#include <fstream>

#include "adapters/net/endpoint.hpp"
#include "bot/secrets.hpp"

namespace warroom::http {
namespace {

std::optional<HttpSettingsError> unreadable(const std::string& variable, const std::string& file) {
    std::ifstream in(file);
    if (in) return std::nullopt;
    return HttpSettingsError{variable + "=" + file + ": the file cannot be read by warroom"};
}

}  // namespace

bool HttpSettings::loopback() const { return net::is_loopback_host(address); }

std::string HttpSettings::url(unsigned short bound_port) const {
    const bool v6 = address.find(':') != std::string::npos;
    return std::string(tls() ? "https" : "http") + "://" + (v6 ? "[" + address + "]" : address) + ":" +
           std::to_string(bound_port) + "/";
}

std::variant<std::monostate, HttpSettings, HttpSettingsError> http_settings_from(const EnvironmentLookup& env) {
    const std::optional<std::string> listen = env("WARROOM_HTTP");
    if (!listen || listen->empty()) return std::monostate{};
    const std::string example = "write it as ADDRESS:PORT, e.g. WARROOM_HTTP=127.0.0.1:8080 (or [::1]:8080)";
    HttpSettings settings;
    // ADDRESS:PORT, the address in brackets when it is IPv6.
    std::string_view text = *listen;
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return HttpSettingsError{"WARROOM_HTTP=" + *listen + " names no port; " + example};
    std::string_view host = text.substr(0, colon);
    const std::string_view port = text.substr(colon + 1);
    if (host.front() == '[') {
        if (host.back() != ']') return HttpSettingsError{"WARROOM_HTTP=" + *listen + ": unclosed '['; " + example};
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return HttpSettingsError{"WARROOM_HTTP=" + *listen + ": put an IPv6 address in brackets; " + example};
    }
    unsigned int number = 0;
    const auto [end, problem] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (problem != std::errc() || end != port.data() + port.size() || number > 65535 || port.empty())
        return HttpSettingsError{"WARROOM_HTTP=" + *listen + ": the port is not a number from 0 to 65535; " + example};
    settings.address = host == "localhost" ? "127.0.0.1" : std::string(host);
    settings.port = static_cast<unsigned short>(number);
    // A secret like the chat tokens: the variable, WARROOM_HTTP_TOKEN_FILE, or the systemd credential.
    const Secret token = read_secret("WARROOM_HTTP_TOKEN", env);
    if (!token.found() && !token.absent) return HttpSettingsError{token.problem};
    settings.token = token.value;
    if (!settings.loopback() && settings.token.empty())
        return HttpSettingsError{"WARROOM_HTTP=" + *listen +
                                 " is not a loopback address, and the board shows confidential incident details: set "
                                 "WARROOM_HTTP_TOKEN to a long random secret (readers send it as 'Authorization: "
                                 "Bearer TOKEN'), or listen on 127.0.0.1"};
    if (!settings.token.empty() && settings.token.size() < 16)
        return HttpSettingsError{"WARROOM_HTTP_TOKEN is too short to keep anyone out: use at least 16 characters, "
                                 "e.g. the output of 'openssl rand -hex 32'"};
    settings.cert_file = env("WARROOM_HTTP_CERT");
    settings.key_file = env("WARROOM_HTTP_KEY");
    if (settings.cert_file && settings.cert_file->empty()) settings.cert_file.reset();
    if (settings.key_file && settings.key_file->empty()) settings.key_file.reset();
    if (settings.cert_file.has_value() != settings.key_file.has_value())
        return HttpSettingsError{"set both WARROOM_HTTP_CERT (the PEM certificate chain) and WARROOM_HTTP_KEY (its "
                                 "private key) for TLS, or neither"};
    if (settings.cert_file) {
        if (auto error = unreadable("WARROOM_HTTP_CERT", *settings.cert_file)) return *error;
        if (auto error = unreadable("WARROOM_HTTP_KEY", *settings.key_file)) return *error;
    }
    return settings;
}

bool token_matches(std::string_view presented, std::string_view expected) {
    // Digests of both have one length, so CRYPTO_memcmp's constant time covers any input.
    unsigned char a[SHA256_DIGEST_LENGTH];
    unsigned char b[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), a);
    SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
    return CRYPTO_memcmp(a, b, sizeof a) == 0 && !expected.empty();
}

}  // namespace warroom::http
