#include "adapters/matrix/client_api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/net/connection_error.hpp"
#include "adapters/net/http_client.hpp"
#include "bot/json_fields.hpp"
#include "bot/metrics.hpp"
#include "bot/text.hpp"

namespace warroom::matrix {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using std::chrono::milliseconds;

// Without retry_after_ms or Retry-After, a 429 waits this long; any wait is
// kept within these bounds, so a server answering 0 cannot make a hot loop.
constexpr milliseconds kDefaultRetryAfter{2000};
constexpr milliseconds kMinRetryAfter{50};
constexpr milliseconds kMaxRetryAfter{std::chrono::minutes(5)};
// A sync is held by the server for its timeout; the connection allows this much more.
constexpr milliseconds kSyncGrace{std::chrono::seconds(30)};
constexpr std::string_view kDeviceId = "WARROOM";

MatrixResult transient(std::string what, unsigned status = 0) {
    MatrixResult result;
    result.outcome = MatrixResult::Outcome::transient;
    result.error = std::move(what);
    result.http_status = status;
    return result;
}

MatrixResult interpret(const net::HttpResponse& response, std::size_t max_body, bool list_answer) {
    if (response.too_large) {
        MatrixResult result;
        result.outcome = MatrixResult::Outcome::too_large;
        result.http_status = response.status;
        result.error = "the homeserver's answer (HTTP " + std::to_string(response.status) + ") is longer than the " +
                       std::to_string(max_body) + " bytes warroom reads";
        return result;
    }
    json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    // Answers are objects, but for the few that are a list when they succeed (GET /rooms/{room}/state).
    const bool success = response.status >= 200 && response.status < 300;
    const bool readable = !body.is_discarded() && (body.is_object() || (list_answer && success && body.is_array()));
    if (response.status >= 500 || (!readable && response.status != 401)) {
        // Proxies answer 502/504 with HTML: say what came, not the page.
        std::string what = "the homeserver answered HTTP " + std::to_string(response.status);
        if (const auto said = readable ? string_field(body, "error") : std::nullopt) what += ": " + truncate_utf8(*said, 200);
        return transient(std::move(what), response.status);
    }
    MatrixResult result;
    result.http_status = response.status;
    if (readable) {
        result.errcode = string_field(body, "errcode").value_or("");
        result.error = string_field(body, "error").value_or("");
    }
    if (response.status >= 200 && response.status < 300) {
        result.outcome = MatrixResult::Outcome::ok;
    } else if (response.status == 401 || result.errcode == "M_UNKNOWN_TOKEN" || result.errcode == "M_MISSING_TOKEN") {
        result.outcome = MatrixResult::Outcome::token_refused;
        if (result.errcode.empty()) result.errcode = "M_UNKNOWN_TOKEN";
    } else {
        result.outcome = MatrixResult::Outcome::refused;
        if (result.errcode.empty()) result.errcode = "HTTP_" + std::to_string(response.status);
    }
    if (readable) result.body = std::move(body);
    return result;
}

net::HttpRequest http_request(const MatrixRequest& request, const std::string& token) {
    net::HttpRequest http;
    http.method = request.method;
    http.target = request.path;
    if (!request.body.is_null()) {
        http.content_type = "application/json";
        http.body = request.body.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    if (!token.empty()) http.authorization = "Bearer " + token;
    return http;
}

// The path without its query: queries carry sync tokens, which are not secrets but are noise.
std::string_view shown_path(const MatrixRequest& request) {
    std::string_view path = request.path;
    return path.substr(0, path.find('?'));
}

}  // namespace

milliseconds rate_limit_wait(std::string_view body, std::optional<std::chrono::seconds> retry_after_header) {
    milliseconds wait = kDefaultRetryAfter;
    const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    const auto given = parsed.is_object() ? parsed.find("retry_after_ms") : parsed.end();
    if (given != parsed.end() && given->is_number()) {
        // Clamped while still a double (a JSON integer beyond 64 bits is read as one): converting
        // 2^63 ms, or 2^64 read as a signed count, to a duration would overflow or turn negative.
        const double asked = std::clamp(given->get<double>(), static_cast<double>(kMinRetryAfter.count()),
                                        static_cast<double>(kMaxRetryAfter.count()));
        wait = milliseconds(static_cast<milliseconds::rep>(asked));
    } else if (retry_after_header) {
        // Seconds to milliseconds multiplies by 1000: clamped before, in seconds.
        wait = std::min(*retry_after_header, std::chrono::duration_cast<std::chrono::seconds>(kMaxRetryAfter));
    }
    return std::clamp(wait, kMinRetryAfter, kMaxRetryAfter);
}

std::string describe_matrix_error(const MatrixRequest& request, const MatrixResult& result) {
    std::string text = request.method + " " + std::string(shown_path(request));
    if (result.outcome == MatrixResult::Outcome::transient || result.outcome == MatrixResult::Outcome::too_large)
        return text + " failed: " + result.error;
    text = "the homeserver refused " + text + ": " + result.errcode;
    if (!result.error.empty()) text += " (" + truncate_utf8(result.error, 200) + ")";
    return text;
}

struct MatrixApi::State {
    asio::any_io_executor executor;
    net::HttpClient http;
    net::HttpClient sync_http;
    std::string token;
    std::size_t max_body;

    State(asio::any_io_executor executor, asio::ssl::context& tls, const net::Endpoint& homeserver, std::string token,
          milliseconds timeout, std::size_t max_body)
        : executor(executor),
          http(executor, tls, homeserver, timeout, max_body),
          sync_http(executor, tls, homeserver, timeout + kSyncGrace, max_body),
          token(std::move(token)),
          max_body(max_body) {}

    asio::awaitable<MatrixResult> send(const MatrixRequest& request, net::HttpClient& client) {
        const net::HttpRequest message = http_request(request, token);
        for (;;) {
            net::HttpResponse response;
            try {
                response = co_await client.send(message);
            } catch (const std::exception& error) {
                co_return transient(net::error_text(error));
            }
            if (response.status != 429 || response.too_large) co_return interpret(response, max_body, request.list_answer);
            // The server did not act on it: wait as asked, then send it again.
            const milliseconds wait = rate_limit_wait(response.body, response.retry_after);
            metrics::rate_limit_paused(metrics::PauseCause::server);
            spdlog::warn("the homeserver rate-limited {} {} (M_LIMIT_EXCEEDED); sending again in {} ms", request.method,
                         shown_path(request), wait.count());
            asio::steady_timer timer(executor, wait);
            boost::system::error_code cancelled;
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
            if (cancelled) co_return transient("cancelled while waiting for a rate limit");
        }
    }
};

MatrixApi::MatrixApi(asio::any_io_executor executor, asio::ssl::context& tls, net::Endpoint homeserver,
                     std::string access_token, milliseconds timeout, std::size_t max_body)
    : state_(std::make_unique<State>(std::move(executor), tls, homeserver, std::move(access_token), timeout,
                                     max_body)) {}

MatrixApi::~MatrixApi() = default;

void MatrixApi::set_access_token(std::string token) { state_->token = std::move(token); }

asio::awaitable<MatrixResult> MatrixApi::call(const MatrixRequest& request) {
    co_return co_await state_->send(request, state_->http);
}

asio::awaitable<MatrixResult> MatrixApi::sync(const MatrixRequest& request) {
    co_return co_await state_->send(request, state_->sync_http);
}

MatrixRequest password_login_request(std::string_view user_id, std::string_view password) {
    json body{{"type", "m.login.password"},
              {"identifier", {{"type", "m.id.user"}, {"user", std::string(user_id)}}},
              {"password", std::string(password)},
              {"device_id", std::string(kDeviceId)},
              {"initial_device_display_name", "warroom"}};
    return {"POST", std::string(kClientApi) + "/login", std::move(body)};
}

MatrixRequest whoami_request() { return {"GET", std::string(kClientApi) + "/account/whoami", nullptr}; }

}  // namespace warroom::matrix
