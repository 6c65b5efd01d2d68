#pragma once
// The TLS client context every outbound connection uses: TLS 1.2 or newer,
// peers verified against the system store, or the bundle named by
// SSL_CERT_FILE / SSL_CERT_DIR (OpenSSL's convention), plus an extra CA file
// when one is given (tests trust the CA they generated).
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace warroom::net {

// Throws std::runtime_error with a readable message when extra_ca_file cannot be loaded.
boost::asio::ssl::context make_client_tls_context(const std::optional<std::string>& extra_ca_file = std::nullopt);

}  // namespace warroom::net
