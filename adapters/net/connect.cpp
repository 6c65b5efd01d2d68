#include "adapters/net/connect.hpp"

#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace warroom::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

bool is_ip_address(const std::string& host) {
    error_code not_an_address;
    asio::ip::make_address(host, not_an_address);
    return !not_an_address;
}

}  // namespace

asio::awaitable<void> connect_tcp(boost::beast::tcp_stream& stream, const Endpoint& where,
                                  std::chrono::milliseconds timeout) {
    const auto executor = stream.get_executor();
    // The resolver has no deadline of its own: a timer cancels it.
    auto resolver = std::make_shared<tcp::resolver>(executor);
    asio::steady_timer resolve_deadline(executor);
    resolve_deadline.expires_after(timeout);
    resolve_deadline.async_wait([resolver](error_code ec) {
        if (!ec) resolver->cancel();
    });
    auto [resolve_ec, addresses] = co_await resolver->async_resolve(where.host, where.port, kAwaitTuple);
    resolve_deadline.cancel();
    if (resolve_ec == asio::error::operation_aborted) resolve_ec = asio::error::timed_out;
    if (resolve_ec) throw boost::system::system_error(resolve_ec, "cannot resolve " + where.host);

    stream.expires_after(timeout);
    auto [connect_ec, peer] = co_await stream.async_connect(addresses, kAwaitTuple);
    (void)peer;
    if (connect_ec) throw boost::system::system_error(connect_ec, "cannot connect to " + where.host + ":" + where.port);
    stream.expires_never();
    // Requests and acks are small writes that someone waits for: Nagle's
    // algorithm would hold each one back until the previous was acknowledged.
    error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
}

asio::awaitable<void> connect_tls(asio::ssl::stream<boost::beast::tcp_stream>& stream, const Endpoint& where,
                                  std::chrono::milliseconds timeout) {
    boost::beast::tcp_stream& tcp_layer = stream.next_layer();
    co_await connect_tcp(tcp_layer, where, timeout);

    // SNI names a host, never an address (RFC 6066).
    if (!is_ip_address(where.host) && !SSL_set_tlsext_host_name(stream.native_handle(), where.host.c_str())) {
        throw boost::system::system_error(
            error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()),
            "cannot set the TLS server name for " + where.host);
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(where.host));

    tcp_layer.expires_after(timeout);
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kAwaitTuple);
    if (handshake_ec)
        throw boost::system::system_error(handshake_ec, "TLS handshake with " + where.host + ":" + where.port + " failed");
    tcp_layer.expires_never();
}

}  // namespace warroom::net
