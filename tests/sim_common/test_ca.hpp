#pragma once
// A certificate authority made for one test run, and a server certificate it
// signed for localhost and 127.0.0.1 (or for the names a test asks for), so
// the bot's TLS client verifies a simulator exactly as it verifies slack.com
// or a real homeserver: chain, validity and host name.
#include <string>

namespace warroom::sim_common {

struct TestCertificates {
    std::string ca_certificate_pem;      // what a client trusts (SSL_CERT_FILE or an extra CA file)
    std::string server_certificate_pem;  // the names asked for as subjectAltName; CN=localhost
    std::string server_private_key_pem;
};

// The names a simulator on loopback answers to.
inline constexpr const char* kLoopbackNames = "DNS:localhost,IP:127.0.0.1";

// `server_names` is the server certificate's subjectAltName in OpenSSL's
// notation ("DNS:chat.example.org"). Uses OpenSSL 3's C API with EC P-256
// keys (fast to generate, also under sanitizers). Throws std::runtime_error
// naming the OpenSSL step that failed.
TestCertificates generate_test_certificates(const std::string& server_names = kLoopbackNames);

}  // namespace warroom::sim_common
