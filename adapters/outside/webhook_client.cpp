#include "adapters/outside/webhook_client.hpp"

#include <array>
#include <stdexcept>

#include <boost/system/system_error.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "adapters/outside/http_answer.hpp"

namespace warroom::outside {
namespace {

std::string lower_hex(const unsigned char* bytes, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        hex += kDigits[bytes[i] >> 4];
        hex += kDigits[bytes[i] & 0x0f];
    }
    return hex;
}

}  // namespace

std::string webhook_signature(std::string_view secret, std::int64_t timestamp, std::string_view body) {
    const std::string stamp = std::to_string(timestamp);
    const std::string signed_text = stamp + "." + std::string(body);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_size = 0;
    // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
    static const unsigned char kNoKey = 0;
    const void* key = secret.empty() ? static_cast<const void*>(&kNoKey) : static_cast<const void*>(secret.data());
    if (!HMAC(EVP_sha256(), key, static_cast<int>(secret.size()),
              reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac.data(), &mac_size))
        throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");   // names no key: nothing secret in here
    return "t=" + stamp + ",v1=" + lower_hex(mac.data(), mac_size);
}

boost::asio::awaitable<Delivery> send_webhook(net::HttpClient& http, std::string target, const WebhookPost& post,
                                              std::string_view who) {
    net::HttpRequest request;
    request.method = "POST";
    request.target = std::move(target);
    request.content_type = "application/json";
    request.body = post.body;
    request.headers.emplace_back("X-Warroom-Signature", webhook_signature(post.secret, post.timestamp, post.body));
    if (!post.idempotency_key.empty()) request.headers.emplace_back("Idempotency-Key", post.idempotency_key);
    try {
        const net::HttpResponse answer = co_await http.send(std::move(request));
        co_return read_http_answer(answer, who, post.idempotency_key);
    } catch (const boost::system::system_error& error) {
        co_return network_failure(who, error);
    }
}

}  // namespace warroom::outside
