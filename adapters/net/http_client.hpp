#pragma once
// An HTTP/1.1 client for one origin over TLS (or plain on loopback), on Asio
// C++20 coroutines. Connections are kept alive and reused; a connection the
// server closed is reopened transparently for the next request. Several
// coroutines may call at once: each request gets an idle connection or a new
// one (at most kMaxConnections open; beyond that, callers wait their turn).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "adapters/net/endpoint.hpp"

namespace warroom::net {

struct HttpResponse {
    unsigned status = 0;
    std::string body;
    std::optional<std::chrono::seconds> retry_after;   // the Retry-After header, when present and numeric
    // The body was longer than the client reads (HttpClient's max_body): status
    // and headers only, `body` empty. Not a network failure: asking the same
    // again gets the same answer, so the caller must ask for less.
    bool too_large = false;
};

struct HttpRequest {
    std::string target;                // absolute path and query, e.g. "/api/chat.postMessage"
    std::string content_type;          // "" for no body
    std::string body;
    std::string authorization;         // the whole header value, "Bearer xoxb-..."; never logged
    std::string method = "POST";       // "GET", "POST", "PUT", "PATCH"
    // Further headers, by name and value (a webhook's signature, an Idempotency-Key); never logged.
    std::vector<std::pair<std::string, std::string>> headers;
};

class HttpClient {
public:
    static constexpr std::size_t kMaxConnections = 4;
    // The most of a response body read into memory; a longer one is answered too_large.
    static constexpr std::size_t kDefaultMaxBody = 8 * 1024 * 1024;
    // A Retry-After beyond this is read as this: no caller waits longer, and a
    // value of centuries must not overflow a conversion to finer units.
    static constexpr std::chrono::seconds kMaxRetryAfter{3600};

    // `tls` must outlive the client. The endpoint's target is ignored: requests name their own.
    HttpClient(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, Endpoint origin,
               std::chrono::milliseconds timeout = std::chrono::seconds(30), std::size_t max_body = kDefaultMaxBody);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends the request and reads the whole response. Throws
    // boost::system::system_error when the network fails or the timeout
    // passes (connect, TLS handshake, write and read each count against it).
    // Any HTTP status is a response, not an error, and so is a body over
    // max_body (too_large; that connection is closed, not reused).
    boost::asio::awaitable<HttpResponse> send(HttpRequest request);
    // send() of a request whose method is POST (Slack's Web API is all POST).
    boost::asio::awaitable<HttpResponse> post(HttpRequest request);

    // Closes idle connections; requests in flight finish or fail.
    void close();

    const Endpoint& origin() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace warroom::net
