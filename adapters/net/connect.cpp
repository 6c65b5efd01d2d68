#include "adapters/net/connect.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/errc.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "adapters/net/proxy_settings.hpp"

namespace warroom::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

bool is_ip_address(const std::string& host) {
    error_code not_an_address;
    asio::ip::make_address(host, not_an_address);
    return !not_an_address;
}

// "slack.com:443", "[::1]:8443": as messages and CONNECT name a host and port.
std::string authority(const std::string& host, const std::string& port) {
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
    return host + ":" + port;
}

std::string within(std::chrono::milliseconds timeout) { return std::to_string(timeout.count()) + " ms"; }

bool timed_out(const error_code& ec) {
    return ec == beast::error::timeout || ec == asio::error::timed_out || ec == asio::error::operation_aborted;
}

bool closed(const error_code& ec) {
    return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == http::error::end_of_stream;
}

// The peer of one TCP connection, as messages name it: the real host, or the proxy.
struct Peer {
    std::string host;
    std::string port;
    bool proxy = false;

    std::string resolved() const { return proxy ? "the proxy " + host : host; }
    std::string connected() const { return proxy ? "the proxy at " + authority(host, port) : authority(host, port); }
};

ConnectionError resolve_failure(const Peer& peer, error_code ec, std::chrono::milliseconds timeout) {
    if (timed_out(ec))
        return ConnectionError(asio::error::timed_out,
                               "resolving " + peer.resolved() + " timed out after " + within(timeout));
    return ConnectionError(ec, "cannot resolve " + peer.resolved() + ": " + ec.message());
}

ConnectionError connect_failure(const Peer& peer, error_code ec, std::chrono::milliseconds timeout) {
    if (timed_out(ec))
        return ConnectionError(ec, "the connection to " + peer.connected() + " timed out after " + within(timeout));
    return ConnectionError(ec, "cannot connect to " + peer.connected() + ": " + ec.message());
}

// The proxy's reason phrase when it is short printable text, else the standard one.
std::string reason_of(const http::response_header<>& answer) {
    const std::string_view said = answer.reason();
    const bool printable = !said.empty() && said.size() <= 64 &&
                           std::all_of(said.begin(), said.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
    if (printable) return std::string(said);
    return std::string(http::obsolete_reason(answer.result()));
}

ConnectionError tunnel_refused(const ProxySettings& settings, const Endpoint& where,
                               const http::response_header<>& answer) {
    const ProxyServer& proxy = *settings.server;
    const std::string variable = settings.variable.empty() ? "HTTPS_PROXY" : settings.variable;
    const std::string status = "HTTP " + std::to_string(answer.result_int()) + " " + reason_of(answer);
    const std::string target = authority(where.host, where.port);
    if (answer.result() == http::status::proxy_authentication_required) {
        const error_code denied = boost::system::errc::make_error_code(boost::system::errc::permission_denied);
        if (proxy.user)
            return ConnectionError(denied, "the proxy at " + proxy.where() + " refused the credentials in " + variable +
                                               " for the tunnel to " + target + " (" + status + ")");
        return ConnectionError(denied, "the proxy at " + proxy.where() + " wants credentials for the tunnel to " +
                                           target + " (" + status + "); write them into " + variable +
                                           " as http://user:password@" + proxy.where());
    }
    return ConnectionError(boost::system::errc::make_error_code(boost::system::errc::connection_refused),
                           "the proxy at " + proxy.where() + " refused the tunnel to " + target + " (" + status + ")");
}

ConnectionError tunnel_failure(const ProxyServer& proxy, const Endpoint& where, error_code ec,
                               std::chrono::milliseconds timeout) {
    const std::string target = authority(where.host, where.port);
    if (timed_out(ec))
        return ConnectionError(ec, "the proxy at " + proxy.where() + " did not open the tunnel to " + target +
                                       " within " + within(timeout));
    if (closed(ec))
        return ConnectionError(ec, "the proxy at " + proxy.where() + " closed the connection instead of opening the "
                                   "tunnel to " + target + " (" + ec.message() + ")");
    return ConnectionError(ec, "cannot open a tunnel to " + target + " through the proxy at " + proxy.where() + ": " +
                                   ec.message());
}

ConnectionError handshake_failure(asio::ssl::stream<beast::tcp_stream>& stream, const Endpoint& where,
                                  const ProxyServer* proxy, error_code ec, std::chrono::milliseconds timeout) {
    const std::string target = authority(where.host, where.port);
    if (timed_out(ec))
        return ConnectionError(ec, "TLS handshake with " + target + " timed out after " + within(timeout));
    if (proxy && closed(ec))
        return ConnectionError(ec, "the tunnel to " + target + " through the proxy at " + proxy->where() +
                                       " closed during the TLS handshake (" + ec.message() + ")");
    // OpenSSL's "certificate verify failed (SSL routines)" says that, not why: the verification's own reason does.
    const long verified = SSL_get_verify_result(stream.native_handle());
    if (verified != X509_V_OK)
        return ConnectionError(ec, "TLS handshake with " + target + " failed: certificate verify failed (" +
                                       X509_verify_cert_error_string(verified) + ")");
    return ConnectionError(ec, "TLS handshake with " + target + " failed: " + ec.message());
}

// GCC 12 destroys a temporary argument of a co_await'ed call twice: callers pass a named Peer.
asio::awaitable<void> open_tcp(beast::tcp_stream& stream, Peer peer, std::chrono::milliseconds timeout) {
    const auto executor = stream.get_executor();
    // The resolver has no deadline of its own: a timer cancels it.
    auto resolver = std::make_shared<tcp::resolver>(executor);
    asio::steady_timer resolve_deadline(executor);
    resolve_deadline.expires_after(timeout);
    resolve_deadline.async_wait([resolver](error_code ec) {
        if (!ec) resolver->cancel();
    });
    auto [resolve_ec, addresses] = co_await resolver->async_resolve(peer.host, peer.port, kAwaitTuple);
    resolve_deadline.cancel();
    if (resolve_ec) throw resolve_failure(peer, resolve_ec, timeout);

    stream.expires_after(timeout);
    auto [connect_ec, connected_to] = co_await stream.async_connect(addresses, kAwaitTuple);
    (void)connected_to;
    if (connect_ec) throw connect_failure(peer, connect_ec, timeout);
    stream.expires_never();
    // Requests and acks are small writes that someone waits for: Nagle's
    // algorithm would hold each one back until the previous was acknowledged.
    error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
}

// TCP to the proxy, then CONNECT host:port; on return the stream is a tunnel to `where`.
asio::awaitable<void> open_tunnel(beast::tcp_stream& stream, const ProxySettings& settings, const Endpoint& where,
                                  std::chrono::milliseconds timeout) {
    const ProxyServer& proxy = *settings.server;
    const Peer proxy_peer{proxy.host, proxy.port, true};
    co_await open_tcp(stream, proxy_peer, timeout);

    const std::string target = authority(where.host, where.port);
    http::request<http::empty_body> request{http::verb::connect, target, 11};
    request.set(http::field::host, target);
    request.set(http::field::user_agent, "warroom");
    const std::string credentials = proxy.authorization();   // never logged
    if (!credentials.empty()) request.set(http::field::proxy_authorization, credentials);

    stream.expires_after(timeout);
    auto [write_ec, written] = co_await http::async_write(stream, request, kAwaitTuple);
    (void)written;
    if (write_ec) throw tunnel_failure(proxy, where, write_ec, timeout);

    // The header only: a 2xx to CONNECT has no body (skip), and what follows it is the tunnel.
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);
    auto [read_ec, read] = co_await http::async_read_header(stream, buffer, parser, kAwaitTuple);
    (void)read;
    stream.expires_never();
    if (read_ec) throw tunnel_failure(proxy, where, read_ec, timeout);
    const unsigned status = parser.get().result_int();
    if (status < 200 || status > 299) throw tunnel_refused(settings, where, parser.get().base());
    // The server speaks only after our ClientHello, so nothing may have come after the header: bytes that
    // did would be lost to the TLS layer (the buffer is ours), and they can be nothing the server sent.
    if (buffer.size() != 0)
        throw ConnectionError(boost::system::errc::make_error_code(boost::system::errc::protocol_error),
                              "the proxy at " + proxy.where() + " sent data before the tunnel to " + target +
                                  " was used");
}

}  // namespace

asio::awaitable<void> connect_tcp(beast::tcp_stream& stream, const Endpoint& where, std::chrono::milliseconds timeout) {
    const Peer peer{where.host, where.port, false};
    co_await open_tcp(stream, peer, timeout);
}

asio::awaitable<void> connect_tls(asio::ssl::stream<beast::tcp_stream>& stream, const Endpoint& where,
                                  std::chrono::milliseconds timeout, Proxying proxying) {
    beast::tcp_stream& tcp_layer = stream.next_layer();
    // Read once per connection: the settings stay alive for it even if main installed others meanwhile.
    const std::shared_ptr<const ProxySettings> settings = current_proxy();
    const bool proxied = proxying == Proxying::https_proxy && settings->applies_to(where.host, where.port);
    const Peer peer{where.host, where.port, false};
    if (proxied) co_await open_tunnel(tcp_layer, *settings, where, timeout);
    else co_await open_tcp(tcp_layer, peer, timeout);

    // SNI names a host, never an address (RFC 6066); both it and the certificate check name the real host.
    if (!is_ip_address(where.host) && !SSL_set_tlsext_host_name(stream.native_handle(), where.host.c_str())) {
        const error_code ec(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
        throw ConnectionError(ec, "cannot set the TLS server name for " + where.host + ": " + ec.message());
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(where.host));

    tcp_layer.expires_after(timeout);
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kAwaitTuple);
    if (handshake_ec) {
        const ProxyServer* proxy = nullptr;
        if (proxied) proxy = &*settings->server;
        throw handshake_failure(stream, where, proxy, handshake_ec, timeout);
    }
    tcp_layer.expires_never();
}

}  // namespace warroom::net
