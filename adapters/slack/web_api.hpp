#pragma once
// Slack's Web API over HTTPS: bearer auth, JSON bodies for write methods and
// form bodies for the read methods that take no JSON, Slack's rate limits
// honoured (the RateLimiter before sending; a 429 pauses every call for its
// Retry-After and the call is sent again, since Slack did not act on it).
//
// A 5xx, a timeout or a broken connection is reported as `transient`, not
// retried here: Slack may or may not have acted (a message may be posted), so
// only the caller knows whether repeating is safe (the outbox repeats its job;
// a publish checks the channel's history first).
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <nlohmann/json.hpp>

#include "adapters/slack/rate_limiter.hpp"
#include "adapters/slack/slack_requests.hpp"

namespace warroom::slack {

struct ApiResult {
    enum class Outcome {
        ok,            // HTTP 200 and "ok": true
        slack_error,   // HTTP 200 and "ok": false: Slack refused; repeating the same call will not help
        transient,     // 5xx, timeout, network failure, unreadable answer: may help later
    };
    Outcome outcome = Outcome::transient;
    nlohmann::json body;               // Slack's answer when one was readable, else null
    std::string error;                 // Slack's error code ("name_taken") or what went wrong on the way
    unsigned http_status = 0;          // 0 when no response came

    bool ok() const { return outcome == Outcome::ok; }
};

// A sentence a person can act on, for logs and replies, e.g. for
// ("chat.postMessage", "not_in_channel"): "Slack refused chat.postMessage:
// not_in_channel (warroom is not a member of that channel; invite it)".
std::string describe_api_error(std::string_view method, const ApiResult& result);

class WebApi {
public:
    // base_url like "https://slack.com/api/" (SLACK_API_URL); throws
    // std::invalid_argument with a readable message when it is not usable.
    // `tls` and `limits` must outlive the WebApi.
    WebApi(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, std::string_view base_url,
           std::string bot_token, RateLimiter& limits);
    ~WebApi();

    // Calls request.method with the bot token.
    boost::asio::awaitable<ApiResult> call(const ApiRequest& request);
    // Calls with another token: the app-level token (xapp-) for apps.connections.open.
    boost::asio::awaitable<ApiResult> call_with_token(const ApiRequest& request, std::string_view token);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace warroom::slack
