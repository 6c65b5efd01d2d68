#include "sim_common/loopback_tls_server.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "sim_common/test_ca.hpp"
#include "sim_common/use_nothrow.hpp"

namespace warroom::sim_common {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string write_temporary_pem(const std::string& simulator, const std::string& tag, const std::string& pem) {
    std::string path = (std::filesystem::temp_directory_path() / ("warroom-" + tag + "-ca-XXXXXX.pem")).string();
    int fd = ::mkstemps(path.data(), 4);
    if (fd < 0) throw std::runtime_error(simulator + ": cannot create a temporary file for the CA at " + path);
    bool written = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
    ::close(fd);
    if (!written) {
        std::remove(path.c_str());
        throw std::runtime_error(simulator + ": cannot write the CA to " + path);
    }
    return path;
}

}  // namespace

void EscapedExceptionReporter::operator()(std::exception_ptr error) const {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        std::cerr << simulator_ << ": internal error: " << e.what() << '\n';
    }
}

LoopbackTlsServer::LoopbackTlsServer(const char* simulator, const char* tag, const std::string& certificate_names)
    : report_(simulator) {
    TestCertificates certificates = generate_test_certificates(certificate_names);
    tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    tls_.use_certificate_chain(asio::buffer(certificates.server_certificate_pem));
    tls_.use_private_key(asio::buffer(certificates.server_private_key_pem), asio::ssl::context::pem);

    tcp::endpoint loopback(asio::ip::make_address("127.0.0.1"), 0);   // port 0: the kernel picks a free one
    acceptor_.open(loopback.protocol());
    acceptor_.bind(loopback);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    ca_file_ = write_temporary_pem(simulator, tag, certificates.ca_certificate_pem);
}

LoopbackTlsServer::~LoopbackTlsServer() {
    // The members' order does the rest: the acceptor closes, then destroying the io_context frees the
    // abandoned coroutines' frames and the sockets they hold, before the TLS context they refer to.
    stop();
    std::error_code ignored;
    std::filesystem::remove(ca_file_, ignored);
}

void LoopbackTlsServer::start(ConnectionHandler serve_connection) {
    serve_connection_ = std::move(serve_connection);
    asio::co_spawn(io_, accept_connections(), report_);
    io_thread_ = std::thread([this] {
        // A handler that throws is a simulator bug; report it and keep serving rather than hang the tests.
        for (;;) {
            try {
                io_.run();
                return;
            } catch (...) {
                report_(std::current_exception());
            }
        }
    });
}

void LoopbackTlsServer::stop() {
    io_.stop();
    if (io_thread_.joinable()) io_thread_.join();
}

asio::awaitable<void> LoopbackTlsServer::accept_connections() {
    for (;;) {
        auto [error, socket] = co_await acceptor_.async_accept(use_nothrow);
        if (error == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (error) continue;   // e.g. the client reset before we accepted; keep serving the others
        // As a real server does: a small answer or envelope leaves at once, not after the previous one's ACK.
        boost::system::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        if (take_handshake_failure())
            asio::co_spawn(io_, fail_handshake(std::move(socket)), report_);
        else
            asio::co_spawn(io_, serve_connection_(std::move(socket)), report_);
    }
}

void LoopbackTlsServer::fail_handshakes(int connections) {
    handshakes_to_fail_.store(connections);
}

bool LoopbackTlsServer::take_handshake_failure() {
    int left = handshakes_to_fail_.load();
    while (left > 0 && !handshakes_to_fail_.compare_exchange_weak(left, left - 1)) {}
    if (left <= 0) return false;
    ++handshakes_failed_;
    return true;
}

asio::awaitable<void> LoopbackTlsServer::fail_handshake(tcp::socket accepted) {
    // Read the ClientHello first, so the answer is what the client reads (not a reset of unread data),
    // as from a middlebox that speaks something else on the port. The deadline's handler shares the
    // socket: it may already be queued when the read completes and the coroutine ends.
    auto socket = std::make_shared<tcp::socket>(std::move(accepted));
    asio::steady_timer deadline(io_, std::chrono::seconds(5));
    deadline.async_wait([socket](boost::system::error_code error) {
        if (!error) socket->cancel();
    });
    char client_hello[4096];
    co_await socket->async_read_some(asio::buffer(client_hello), use_nothrow);
    static constexpr char kNotTls[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(*socket, asio::buffer(kNotTls, sizeof kNotTls - 1), use_nothrow);
    deadline.cancel();
    boost::system::error_code ignored;
    socket->shutdown(tcp::socket::shutdown_both, ignored);
    socket->close(ignored);
}

}  // namespace warroom::sim_common
