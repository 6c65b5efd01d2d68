// The simulator's front door: HTTPS on its loopback port (sim_common serves
// the connections), routing to the Web API, response_urls and Socket Mode upgrades.
#include <boost/beast/websocket/rfc6455.hpp>

#include "sim_common/delivery_faults.hpp"
#include "sim_common/https_connection.hpp"
#include "sim_common/request_target.hpp"
#include "slack_sim/simulator_impl.hpp"
#include "slack_sim/web_api.hpp"

namespace warroom::slack_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

HttpResponse text_response(const HttpRequest& request, http::status status, const std::string& text) {
    HttpResponse response{status, request.version()};
    response.set(http::field::content_type, "text/plain");
    response.body() = text;
    return response;
}

// The delivery switches' key for a request: the Web API method, or "response_url".
std::string delivery_fault_key(const HttpRequest& request) {
    static const std::string api_prefix = "/api/";
    static const std::string response_prefix = "/response/";
    const std::string path = sim_common::split_target(request.target()).path;
    if (path.rfind(api_prefix, 0) == 0) return path.substr(api_prefix.size());
    if (path.rfind(response_prefix, 0) == 0) return "response_url";
    return path;
}

}  // namespace

asio::awaitable<void> SlackSimulator::Impl::serve_http(tcp::socket socket) {
    return sim_common::serve_https(
        std::move(socket), server.tls(), "slack-sim",
        [this](HttpRequest& request, TlsStream& stream) { return handle_request(request, stream); });
}

asio::awaitable<std::optional<HttpResponse>> SlackSimulator::Impl::handle_request(HttpRequest& request,
                                                                                  TlsStream& stream) {
    if (beast::websocket::is_upgrade(request)) {
        co_await serve_socket_mode(std::move(stream), std::move(request));
        co_return std::nullopt;
    }
    std::optional<HttpResponse> response = respond(request);
    // Taken once the call has run: a slow or cut answer is to something done.
    const std::string key = delivery_fault_key(request);
    const sim_common::DeliveryFault fault = state.update([&](SimState& s) { return s.delivery_faults.take(key); });
    if (fault.delay.count() > 0) co_await sim_common::hold_answer(fault.delay);
    if (fault.cut_short) {
        std::string server_name = "slack-sim";
        co_await sim_common::write_cut_short(stream, std::move(*response), std::move(server_name));
        co_return std::nullopt;
    }
    co_return std::move(response);
}

HttpResponse SlackSimulator::Impl::respond(const HttpRequest& request) {
    auto [path, query] = sim_common::split_target(request.target());

    static const std::string api_prefix = "/api/";
    static const std::string response_prefix = "/response/";
    if (path.rfind(api_prefix, 0) == 0) {
        // Slack takes POST (and GET with query arguments) for every method.
        if (request.method() != http::verb::post && request.method() != http::verb::get)
            return text_response(request, http::status::method_not_allowed, "use POST\n");
        ApiHttpRequest call;
        call.method = path.substr(api_prefix.size());
        if (auto header = request.find(http::field::authorization); header != request.end())
            call.authorization = std::string(header->value());
        call.content_type = std::string(request[http::field::content_type]);
        call.body = request.body();
        call.query = query;
        ApiHttpResponse answer = state.update([&](SimState& s) { return handle_api_request(s, call); });

        HttpResponse response{static_cast<http::status>(answer.status), request.version()};
        response.set(http::field::content_type, answer.content_type);
        if (answer.retry_after_seconds)
            response.set(http::field::retry_after, std::to_string(*answer.retry_after_seconds));
        response.body() = std::move(answer.body);
        return response;
    }
    if (path.rfind(response_prefix, 0) == 0 && request.method() == http::verb::post) {
        std::string id = path.substr(response_prefix.size());
        ApiHttpResponse answer = state.update([&](SimState& s) { return handle_response_url(s, id, request.body()); });
        HttpResponse response{static_cast<http::status>(answer.status), request.version()};
        response.set(http::field::content_type, answer.content_type);
        response.body() = std::move(answer.body);
        return response;
    }
    return text_response(request, http::status::not_found, "no such path on the slack simulator: " + path + "\n");
}

}  // namespace warroom::slack_sim
