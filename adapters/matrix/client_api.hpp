#pragma once
// The Matrix client-server API over HTTPS: bearer auth, JSON bodies, the
// standard error shape ({"errcode": "M_...", "error": "..."}), and
// M_LIMIT_EXCEEDED honoured: the server did not act on a 429, so the call
// waits retry_after_ms (or the Retry-After header) and is sent again.
//
// A 5xx (often an HTML page from a proxy), a timeout or a broken connection
// is `transient` and not retried here: the server may have acted, so only the
// caller knows whether repeating is safe (sends carry transaction ids; the
// sync loop simply asks again from the same token).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <nlohmann/json.hpp>

#include "adapters/matrix/matrix_requests.hpp"
#include "adapters/net/endpoint.hpp"
#include "adapters/net/http_client.hpp"

namespace warroom::matrix {

struct MatrixResult {
    enum class Outcome {
        ok,              // 2xx with a JSON object
        refused,         // 4xx with an errcode: repeating the same call will not help
        token_refused,   // 401 M_UNKNOWN_TOKEN / M_MISSING_TOKEN: the access token is gone; stop
        transient,       // 5xx, timeout, network failure, unreadable answer: may help later
        too_large,       // the answer was longer than warroom reads: the same call gets the same; ask for less
    };
    Outcome outcome = Outcome::transient;
    nlohmann::json body;               // the answer when it was a JSON object (a list, for a list_answer request), else null
    std::string errcode;               // "M_FORBIDDEN", ... ("" when none)
    std::string error;                 // the server's words, or what went wrong on the way
    unsigned http_status = 0;          // 0 when no response came

    bool ok() const { return outcome == Outcome::ok; }
    bool is(std::string_view code) const { return outcome == Outcome::refused && errcode == code; }
};

// A sentence for logs and admins, e.g. "the homeserver refused POST /createRoom:
// M_ROOM_IN_USE (Room alias already taken)".
std::string describe_matrix_error(const MatrixRequest& request, const MatrixResult& result);

class MatrixApi {
public:
    // `tls` must outlive the api. `timeout` bounds each ordinary call; a sync
    // gets its long-poll time on top (see sync()). An answer longer than
    // `max_body` bytes is too_large.
    MatrixApi(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, net::Endpoint homeserver,
              std::string access_token, std::chrono::milliseconds timeout = std::chrono::seconds(30),
              std::size_t max_body = net::HttpClient::kDefaultMaxBody);
    ~MatrixApi();

    void set_access_token(std::string token);

    // Sends the request with the access token (none for /login).
    boost::asio::awaitable<MatrixResult> call(const MatrixRequest& request);
    // A /sync long-poll: on a connection of its own, so sends never wait behind it.
    boost::asio::awaitable<MatrixResult> sync(const MatrixRequest& request);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// How long a 429 asks to wait: retry_after_ms in its body (any JSON number),
// else the Retry-After header, else a default; always within 50 ms and 5
// minutes, so neither 0 (a hot loop) nor 2^63 ms (an overflow, a wait of
// centuries) is taken as given.
std::chrono::milliseconds rate_limit_wait(std::string_view body, std::optional<std::chrono::seconds> retry_after_header);

// POST /login with a password, for a stable device id so the server keeps
// the bot's transaction ids across logins.
MatrixRequest password_login_request(std::string_view user_id, std::string_view password);
// GET /account/whoami.
MatrixRequest whoami_request();

}  // namespace warroom::matrix
