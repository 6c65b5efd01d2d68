#pragma once
// Opening a connection, the same for HTTP and WebSocket: resolve, connect,
// and for TLS name the server (SNI), verify its certificate against the host
// name (or, for an address, the certificate's IP entries) and hand-shake.
// Each step gets `timeout`; a failure throws boost::system::system_error
// whose message names the step and the host, never a path or query.
#include <chrono>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "adapters/net/endpoint.hpp"

namespace warroom::net {

boost::asio::awaitable<void> connect_tcp(boost::beast::tcp_stream& stream, const Endpoint& where,
                                         std::chrono::milliseconds timeout);

boost::asio::awaitable<void> connect_tls(boost::asio::ssl::stream<boost::beast::tcp_stream>& stream,
                                         const Endpoint& where, std::chrono::milliseconds timeout);

}  // namespace warroom::net
