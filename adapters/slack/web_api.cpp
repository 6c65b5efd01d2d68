#include "adapters/slack/web_api.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <spdlog/spdlog.h>

#include "adapters/net/connection_error.hpp"
#include "adapters/net/endpoint.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/url_encoding.hpp"
#include "bot/metrics.hpp"

namespace warroom::slack {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kDefaultRetryAfter{1};
constexpr std::chrono::seconds kMaxRetryAfter{120};

// Read methods that Slack documents as taking form or query arguments; a JSON
// body to them is ignored or refused, so they get a form body.
bool takes_form_body(std::string_view method) {
    static constexpr std::string_view kFormMethods[] = {
        "conversations.history", "conversations.list", "conversations.info", "conversations.members",
        "users.info",            "users.list",         "auth.test",          "apps.connections.open",
        "chat.getPermalink",
    };
    return std::find(std::begin(kFormMethods), std::end(kFormMethods), method) != std::end(kFormMethods);
}

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// Strings as they are, booleans as true/false, anything else as its JSON;
// null arguments are left out (Slack reads an empty value as given).
std::string form_body(const json& arguments) {
    std::vector<std::pair<std::string, std::string>> fields;
    if (!arguments.is_object()) return {};
    for (const auto& [key, value] : arguments.items()) {
        if (value.is_null()) continue;
        fields.emplace_back(key, value.is_string() ? value.get_ref<const std::string&>() : dump(value));
    }
    return net::form_body(fields);
}

// Not inlined into the coroutine: GCC 12 mishandles temporaries of a ?: in coroutine bodies.
std::string json_body(const json& arguments) { return arguments.is_null() ? "{}" : dump(arguments); }

std::string channel_of(const json& body) {
    if (!body.is_object()) return {};
    auto it = body.find("channel");
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ApiResult transient(std::string error, unsigned status = 0, json body = nullptr) {
    ApiResult result;
    result.outcome = ApiResult::Outcome::transient;
    result.error = std::move(error);
    result.http_status = status;
    result.body = std::move(body);
    return result;
}

// What a Slack error code means for warroom, and what a person can do about it.
std::string_view explain(std::string_view code) {
    static constexpr std::pair<std::string_view, std::string_view> kExplanations[] = {
        {"not_in_channel", "warroom is not a member of that channel; invite it with /invite @warroom"},
        {"channel_not_found", "the channel does not exist, or it is private and warroom was not invited to it"},
        {"name_taken", "a channel with that name already exists; choose another name or archive the old channel"},
        {"invalid_auth", "the token is not valid for this workspace; check SLACK_BOT_TOKEN and SLACK_APP_TOKEN"},
        {"not_authed", "no token was sent; set SLACK_BOT_TOKEN and SLACK_APP_TOKEN"},
        {"not_allowed_token_type",
         "the wrong kind of token was used; Socket Mode needs the app-level token (xapp-) in SLACK_APP_TOKEN and "
         "Web API calls the bot token (xoxb-) in SLACK_BOT_TOKEN"},
        {"missing_scope",
         "the app lacks a permission; add the scope under OAuth & Permissions and reinstall the app"},
        {"ratelimited", "Slack is rate-limiting warroom; the call will be repeated later"},
        {"user_not_found", "no such user in this workspace (they may have left or been deactivated)"},
        {"already_in_channel", "the user is already a member of that channel"},
        {"cant_invite_self", "warroom cannot invite itself; it joins channels it creates"},
        {"msg_too_long", "the message is longer than Slack accepts; it must be split into shorter posts"},
        {"invalid_blocks", "Slack rejected the message's layout blocks; this is a bug in warroom, please report it"},
        {"no_text", "the message had no text"},
        {"account_inactive", "the bot's account or the app was deactivated; reinstall the app to the workspace"},
        {"token_revoked", "the token was revoked; reinstall the app and update the tokens"},
        {"fatal_error", "Slack failed internally; the call may work if tried again later"},
        {"internal_error", "Slack failed internally; the call may work if tried again later"},
        {"service_unavailable", "Slack is temporarily unavailable; the call may work later"},
        {"request_timeout", "Slack timed out handling the call; it may work later"},
        {"is_archived", "the channel is archived; unarchive it or use another channel"},
        {"restricted_action", "a workspace setting prevents warroom from doing this; ask a Slack admin"},
        {"invalid_name_specials",
         "channel names may only contain lowercase letters, digits, hyphens and underscores"},
        {"invalid_name_maxlength", "channel names can be at most 80 characters"},
        {"invalid_name_required", "a channel name is required"},
    };
    for (const auto& [name, explanation] : kExplanations)
        if (name == code) return explanation;
    return {};
}

}  // namespace

std::string describe_api_error(std::string_view method, const ApiResult& result) {
    const std::string name(method);
    switch (result.outcome) {
        case ApiResult::Outcome::ok:
            return name + " succeeded";
        case ApiResult::Outcome::transient: {
            std::string text = "could not complete " + name + " with Slack: " + result.error;
            if (result.http_status >= 500) text += " (Slack's side; it may work later)";
            else text += " (it may work later)";
            return text;
        }
        case ApiResult::Outcome::slack_error:
            break;
    }
    std::string text = "Slack refused " + name + ": " + (result.error.empty() ? "unknown_error" : result.error);
    std::string explanation(explain(result.error));
    if (result.error == "missing_scope" && result.body.is_object()) {
        auto needed = result.body.find("needed");
        if (needed != result.body.end() && needed->is_string()) {
            explanation = "the app lacks the scope " + needed->get<std::string>() +
                          "; add it under OAuth & Permissions and reinstall the app";
        }
    }
    if (explanation.empty() && result.http_status != 200 && result.http_status != 0)
        explanation = "HTTP status " + std::to_string(result.http_status);
    if (!explanation.empty()) text += " (" + explanation + ")";
    return text;
}

struct WebApi::State {
    asio::any_io_executor executor;
    net::HttpClient http;
    std::string base_target;           // "/api/"
    std::string bot_token;
    RateLimiter& limits;

    State(asio::any_io_executor executor, asio::ssl::context& tls, net::Endpoint origin, std::string bot_token,
          RateLimiter& limits)
        : executor(executor), http(executor, tls, origin), base_target(origin.target), bot_token(std::move(bot_token)),
          limits(limits) {
        if (base_target.empty() || base_target.back() != '/') base_target += '/';
    }
};

namespace {

net::Endpoint api_origin(std::string_view base_url) {
    auto parsed = net::parse_endpoint(base_url, "https", "SLACK_API_URL");
    if (auto* error = std::get_if<net::EndpointError>(&parsed)) throw std::invalid_argument(error->message);
    return std::get<net::Endpoint>(std::move(parsed));
}

// Reads Slack's answer; `ok` decides between success and refusal.
ApiResult interpret(std::string_view method, const net::HttpResponse& response) {
    json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    const bool readable = !body.is_discarded() && body.is_object();
    if (response.status >= 500) {
        return transient("Slack answered HTTP " + std::to_string(response.status), response.status,
                         readable ? body : json(nullptr));
    }
    if (!readable) {
        return transient("Slack's answer to " + std::string(method) + " (HTTP " + std::to_string(response.status) +
                             ") is not a JSON object",
                         response.status);
    }
    ApiResult result;
    result.http_status = response.status;
    auto ok = body.find("ok");
    if (response.status == 200 && ok != body.end() && ok->is_boolean() && ok->get<bool>()) {
        result.outcome = ApiResult::Outcome::ok;
    } else {
        // ok:false, or a 4xx: Slack looked at the call and will not do it.
        result.outcome = ApiResult::Outcome::slack_error;
        auto error = body.find("error");
        result.error = error != body.end() && error->is_string() ? error->get<std::string>()
                       : response.status != 200 ? "http_" + std::to_string(response.status)
                                                : "unknown_error";
    }
    result.body = std::move(body);
    return result;
}

// Waits until `when`; false when the wait was cancelled (the executor is stopping).
asio::awaitable<bool> wait_until(asio::any_io_executor executor, Clock::time_point when) {
    if (when <= Clock::now()) co_return true;
    asio::steady_timer timer(executor, when);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
}

}  // namespace

WebApi::WebApi(asio::any_io_executor executor, asio::ssl::context& tls, std::string_view base_url,
               std::string bot_token, RateLimiter& limits)
    : state_(std::make_unique<State>(std::move(executor), tls, api_origin(base_url), std::move(bot_token), limits)) {}

WebApi::~WebApi() = default;

asio::awaitable<ApiResult> WebApi::call(const ApiRequest& request) {
    co_return co_await call_with_token(request, state_->bot_token);
}

asio::awaitable<ApiResult> WebApi::call_with_token(const ApiRequest& request, std::string_view token) {
    State& state = *state_;
    net::HttpRequest http_request;
    http_request.target = state.base_target + request.method;
    if (takes_form_body(request.method)) {
        http_request.content_type = "application/x-www-form-urlencoded";
        http_request.body = form_body(request.body);
    } else {
        http_request.content_type = "application/json; charset=utf-8";
        http_request.body = json_body(request.body);
    }
    http_request.authorization = "Bearer " + std::string(token);
    const std::string channel = channel_of(request.body);

    for (;;) {
        // The slot, then any pause a 429 started after the slot was given.
        const Clock::time_point slot = state.limits.reserve(request.method, channel, Clock::now());
        if (!co_await wait_until(state.executor, slot)) co_return transient("cancelled while waiting for a rate limit");
        while (state.limits.paused_until() > Clock::now()) {
            if (!co_await wait_until(state.executor, state.limits.paused_until()))
                co_return transient("cancelled while waiting for a rate limit");
        }

        net::HttpResponse response;
        try {
            response = co_await state.http.post(http_request);
        } catch (const boost::system::system_error& error) {
            co_return transient(net::error_text(error));   // one line: the step, the host, the reason
        } catch (const std::exception& error) {
            co_return transient(net::error_text(error));
        }

        if (response.status == 429) {
            // Slack did not act on the call: pause everything, then send it again.
            // At least a second, so that a server answering "Retry-After: 0" cannot make this a hot loop.
            const auto wait = std::clamp(response.retry_after.value_or(kDefaultRetryAfter),
                                         std::chrono::seconds(1), kMaxRetryAfter);
            state.limits.pause_until(Clock::now() + wait);
            metrics::rate_limit_paused(metrics::PauseCause::server);
            spdlog::warn("Slack rate-limited {} (HTTP 429); pausing all Web API calls for {} s, then sending again",
                         request.method, wait.count());
            continue;
        }
        co_return interpret(request.method, response);
    }
}

}  // namespace warroom::slack
