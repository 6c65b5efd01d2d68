#include "adapters/outside/http_answer.hpp"

#include <string>

#include "adapters/net/connection_error.hpp"
#include "bot/text.hpp"

namespace warroom::outside {
namespace {

constexpr std::size_t kQuotedBody = 200;

// The start of the body as one printable line.
std::string quoted(std::string_view body) {
    std::string line;
    for (const char c : body.substr(0, kQuotedBody)) line += (c >= 0x20 && c < 0x7f) ? c : ' ';
    if (body.size() > kQuotedBody) line += "...";
    return line;
}

}  // namespace

Delivery read_http_answer(const net::HttpResponse& answer, std::string_view who, std::string reference) {
    const unsigned status = answer.status;
    if (status >= 200 && status < 300) return Delivery::delivered(std::move(reference));
    std::string problem = std::string(who) + " answered HTTP " + std::to_string(status);
    if (!answer.body.empty()) problem += ": " + quoted(answer.body);
    if (status == 429 || status == 408 || status >= 500) {
        std::optional<Duration> after;
        if (answer.retry_after) after = std::chrono::duration_cast<Duration>(*answer.retry_after);
        return Delivery::not_yet(std::move(problem), after);
    }
    return Delivery::refused_for_good(std::move(problem));
}

Delivery network_failure(std::string_view who, const std::exception& error) {
    return Delivery::not_yet(std::string(who) + " could not be reached: " + net::error_text(error));
}

}  // namespace warroom::outside
