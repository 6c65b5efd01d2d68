#include "outside_sim/webhook_receiver.hpp"

#include <charconv>
#include <ctime>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/beast/http/verb.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "outside_sim/http_fault_switches.hpp"
#include "sim_common/request_target.hpp"

namespace warroom::outside_sim {

namespace http = boost::beast::http;

namespace {

constexpr const char* kCall = "webhook";   // the one kind of call, for the fault switches

// Written apart from the client's webhook_signature (OpenSSL's EVP_Q_mac, not HMAC()), so that a
// mistake in one is not hidden by the same mistake in the other.
std::string expected_hex(const std::string& secret, std::string_view timestamp, const std::string& body) {
    const std::string text = std::string(timestamp) + "." + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t size = 0;
    static const unsigned char kNoKey = 0;
    const void* key = secret.empty() ? static_cast<const void*>(&kNoKey) : static_cast<const void*>(secret.data());
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key, secret.size(),
                   reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, sizeof mac, &size))
        return {};
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    for (std::size_t i = 0; i < size; ++i) {
        hex += kDigits[mac[i] >> 4];
        hex += kDigits[mac[i] & 0x0f];
    }
    return hex;
}

struct ParsedSignature {
    std::optional<std::int64_t> timestamp;
    std::string timestamp_text;
    std::vector<std::string> v1;       // Stripe's scheme allows several (a secret being rolled)
};

ParsedSignature parse_signature(std::string_view header) {
    ParsedSignature parsed;
    while (!header.empty()) {
        const std::size_t comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        if (item.starts_with("t=")) {
            parsed.timestamp_text = std::string(item.substr(2));
            std::int64_t value = 0;
            auto [end, error] = std::from_chars(item.data() + 2, item.data() + item.size(), value);
            if (error == std::errc{} && end == item.data() + item.size()) parsed.timestamp = value;
        } else if (item.starts_with("v1=")) {
            parsed.v1.emplace_back(item.substr(3));
        }
    }
    return parsed;
}

struct ReceiverState {
    std::string secret;
    std::string path;
    std::optional<std::int64_t> clock;         // unix seconds; the system clock when unset
    std::chrono::seconds tolerance = WebhookReceiver::kDefaultTolerance;
    std::vector<WebhookRequest> requests;
    std::vector<WebhookDelivery> accepted;
    std::size_t signatures_refused = 0;
    HttpFaultSwitches faults;

    std::int64_t now() const { return clock ? *clock : static_cast<std::int64_t>(std::time(nullptr)); }

    // Why the signature does not hold, or "" when it does.
    std::string signature_problem(const std::string& header, const std::string& body) const {
        if (header.empty()) return "missing X-Warroom-Signature";
        const ParsedSignature parsed = parse_signature(header);
        if (!parsed.timestamp || parsed.v1.empty()) return "malformed X-Warroom-Signature";
        const std::int64_t age = now() - *parsed.timestamp;
        if (age > tolerance.count() || -age > tolerance.count()) return "timestamp outside the tolerance";
        const std::string expected = expected_hex(secret, parsed.timestamp_text, body);
        for (const std::string& given : parsed.v1)
            if (given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0)
                return {};
        return "signature does not match";
    }

    // The answer, and the request kept with how it was answered.
    HttpResponse answer(const HttpRequest& request) {
        WebhookRequest seen{std::string(request.method_string()),
                            std::string(request.target()),
                            header_value(request, "Content-Type"),
                            header_value(request, "X-Warroom-Signature"),
                            header_value(request, "Idempotency-Key"),
                            request.body(),
                            0};
        HttpResponse response = respond(request, seen);
        seen.answered = response.result_int();
        requests.push_back(std::move(seen));
        return response;
    }

    HttpResponse respond(const HttpRequest& request, const WebhookRequest& seen) {
        if (sim_common::split_target(request.target()).path != path)
            return json_answer(request, 404, {{"error", "no webhook here"}});
        if (request.method() != http::verb::post) return json_answer(request, 405, {{"error", "use POST"}});
        if (auto forced = faults.take_forced(kCall)) return forced_answer(request, *forced);
        if (std::string problem = signature_problem(seen.signature, request.body()); !problem.empty()) {
            ++signatures_refused;
            return json_answer(request, 401, {{"error", problem}});
        }
        if (!seen.content_type.starts_with("application/json"))
            return json_answer(request, 415, {{"error", "Content-Type must be application/json"}});
        if (seen.idempotency_key.empty()) return json_answer(request, 400, {{"error", "missing Idempotency-Key"}});
        nlohmann::json document = nlohmann::json::parse(request.body(), nullptr, false);
        if (document.is_discarded()) return json_answer(request, 400, {{"error", "the body is not JSON"}});
        accepted.push_back({seen.idempotency_key, std::move(document), *parse_signature(seen.signature).timestamp});
        return json_answer(request, 200, {{"ok", true}});
    }
};

}  // namespace

struct WebhookReceiver::Impl : HttpSimulatorCore<ReceiverState> {
    const std::string path;            // also in the state; this copy is read without the mutex

    Impl(std::string secret, std::string served_path)
        : HttpSimulatorCore("webhook receiver", "webhook-sim",
                            [](const HttpRequest&) { return std::string(kCall); }),
          path(std::move(served_path)) {
        state.update([&](ReceiverState& s) {
            s.secret = std::move(secret);
            s.path = path;
        });
        start();
    }
};

WebhookReceiver::WebhookReceiver(std::string secret, std::string path)
    : WebhookReceiver(std::make_unique<Impl>(std::move(secret), std::move(path))) {}

WebhookReceiver::WebhookReceiver(std::unique_ptr<Impl> impl)
    : HttpSimulatorFront(impl->state, impl->server, kCall), impl_(std::move(impl)) {}

WebhookReceiver::~WebhookReceiver() = default;

const std::string& WebhookReceiver::path() const { return impl_->path; }

std::string WebhookReceiver::url() const { return "https://localhost:" + std::to_string(port()) + path(); }

void WebhookReceiver::set_clock(std::int64_t unix_seconds) {
    impl_->state.update([&](ReceiverState& s) { s.clock = unix_seconds; });
}

void WebhookReceiver::set_tolerance(std::chrono::seconds tolerance) {
    impl_->state.update([&](ReceiverState& s) { s.tolerance = tolerance; });
}

std::vector<WebhookRequest> WebhookReceiver::requests() const {
    return impl_->state.read([](const ReceiverState& s) { return s.requests; });
}

std::size_t WebhookReceiver::deliveries_with_key(const std::string& idempotency_key) const {
    return impl_->state.read([&](const ReceiverState& s) {
        std::size_t count = 0;
        for (const auto& request : s.requests) count += request.idempotency_key == idempotency_key;
        return count;
    });
}

std::vector<WebhookDelivery> WebhookReceiver::accepted() const {
    return impl_->state.read([](const ReceiverState& s) { return s.accepted; });
}

std::vector<std::string> WebhookReceiver::duplicates() const {
    return impl_->state.read([](const ReceiverState& s) {
        std::map<std::string, int> times;
        std::vector<std::string> repeated;
        for (const auto& delivery : s.accepted)
            if (++times[delivery.idempotency_key] == 2) repeated.push_back(delivery.idempotency_key);
        return repeated;
    });
}

std::size_t WebhookReceiver::signatures_refused() const {
    return impl_->state.read([](const ReceiverState& s) { return s.signatures_refused; });
}

}  // namespace warroom::outside_sim
