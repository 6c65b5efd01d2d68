#include "adapters/net/tls.hpp"

#include <stdexcept>

#include <openssl/ssl.h>

namespace warroom::net {

boost::asio::ssl::context make_client_tls_context(const std::optional<std::string>& extra_ca_file) {
    namespace ssl = boost::asio::ssl;
    ssl::context context(ssl::context::tls_client);
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    // The options above are OpenSSL's older mechanism; the minimum version is what OpenSSL 3 enforces.
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    context.set_verify_mode(ssl::verify_peer);

    // The system store, or SSL_CERT_FILE / SSL_CERT_DIR when set. A missing
    // system store is not fatal here: the handshake then fails with a
    // verification error, which says more than a failure at start-up would.
    boost::system::error_code ignored;
    context.set_default_verify_paths(ignored);

    if (extra_ca_file) {
        boost::system::error_code ec;
        context.load_verify_file(*extra_ca_file, ec);
        if (ec) {
            throw std::runtime_error("cannot load the CA certificates in \"" + *extra_ca_file + "\": " + ec.message() +
                                     " (expected a readable PEM file)");
        }
    }
    return context;
}

}  // namespace warroom::net
