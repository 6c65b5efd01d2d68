#pragma once
// Opening a connection, the same for HTTP and WebSocket: resolve, connect,
// and for TLS name the server (SNI), verify its certificate against the host
// name (or, for an address, the certificate's IP entries) and hand-shake.
//
// A TLS connection goes through the process-wide HTTPS proxy (proxy_settings.hpp,
// use_proxy) unless NO_PROXY exempts its host, or the caller asks for a direct
// one (SMTP): TCP to the proxy, CONNECT host:port, then TLS to the real host
// through the tunnel, with SNI and certificate checks against the real host.
// Plain TCP (loopback http:// and ws://, SMTP) is always direct.
//
// Each step (resolving, connecting, the proxy's CONNECT, the TLS handshake)
// gets `timeout`. A failure throws net::ConnectionError (a
// boost::system::system_error) whose what() is one line naming the step and
// the host, and the proxy when there is one, never a path, query or password:
// "cannot connect to matrix.example.org:443: Connection refused".
#include <chrono>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "adapters/net/connection_error.hpp"
#include "adapters/net/endpoint.hpp"

namespace warroom::net {

// Whether a TLS connection may go through the HTTPS proxy.
enum class Proxying {
    https_proxy,                       // through the proxy unless NO_PROXY names the host (HTTPS, WSS)
    direct,                            // never (SMTP: HTTPS_PROXY is for HTTPS, not e-mail)
};

boost::asio::awaitable<void> connect_tcp(boost::beast::tcp_stream& stream, const Endpoint& where,
                                         std::chrono::milliseconds timeout);

boost::asio::awaitable<void> connect_tls(boost::asio::ssl::stream<boost::beast::tcp_stream>& stream,
                                         const Endpoint& where, std::chrono::milliseconds timeout,
                                         Proxying proxying = Proxying::https_proxy);

}  // namespace warroom::net
