// The harness's floor: warroom's own Socket Mode client and nothing else. It
// connects as warroom does (apps.connections.open, TLS, WebSocket, hello) and
// acks every envelope at once with a fixed answer: no engine, no database, no
// Web API call. Whatever a client does above this costs what it measures
// beyond this one's figures.
//
// Environment: SLACK_APP_TOKEN, SLACK_BOT_TOKEN, SLACK_API_URL, and the
// simulator's CA in SSL_CERT_FILE, as for warroom itself.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "adapters/net/bot_loops.hpp"
#include "adapters/net/tls.hpp"
#include "adapters/slack/rate_limiter.hpp"
#include "adapters/slack/socket_mode_client.hpp"
#include "adapters/slack/web_api.hpp"

namespace asio = boost::asio;
using namespace warroom;

namespace {

std::string required(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        std::cerr << "limit client: " << name << " is not set\n";
        std::exit(2);
    }
    return value;
}

}  // namespace

int main() {
    spdlog::set_level(spdlog::level::warn);
    const std::string app_token = required("SLACK_APP_TOKEN");
    const std::string bot_token = required("SLACK_BOT_TOKEN");
    const std::string api_url = required("SLACK_API_URL");

    asio::io_context io;
    asio::ssl::context tls = net::make_client_tls_context();
    slack::RateLimiter limits;
    slack::WebApi api{io.get_executor(), tls, api_url, bot_token, limits};
    const nlohmann::json answer = {{"response_type", "ephemeral"}, {"text", "Noted."}};
    slack::SocketModeClient socket{io.get_executor(), tls, api, app_token,
                                   [&answer](const slack::Envelope&) { return std::optional(answer); }};
    asio::co_spawn(io, net::stop_on_signal([&] { socket.stop(); }, "closing the limit client"), asio::detached);
    asio::co_spawn(io, socket.run(), asio::detached);
    io.run();
    return 0;
}
