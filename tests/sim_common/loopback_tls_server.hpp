#pragma once
// What both simulators run below HTTP: a TLS listener on 127.0.0.1 (a free
// port) with a certificate from a CA made for the run, that CA written to a
// temporary file for the client under test to trust, and the one I/O thread
// that serves every connection. Asio only; HTTP (Beast) is in https_connection.
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <thread>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "sim_common/test_ca.hpp"

namespace warroom::sim_common {

// Completion handler for co_spawn: an exception escaping a simulator's coroutine is a simulator bug; it is
// said on stderr (naming the simulator) instead of ending the I/O thread and leaving the tests hanging.
class EscapedExceptionReporter {
public:
    explicit constexpr EscapedExceptionReporter(const char* simulator) : simulator_(simulator) {}
    void operator()(std::exception_ptr error) const;

private:
    const char* simulator_;            // "slack simulator"
};

class LoopbackTlsServer {
public:
    // Serves one accepted connection, from the TLS handshake on, on the I/O thread.
    using ConnectionHandler = std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket)>;

    // Generates the certificates, listens and writes the CA file; nothing is served before start().
    // `simulator` ("slack simulator") starts error messages; `tag` ("slack-sim") names the CA file;
    // `certificate_names` are the names the server's certificate is valid for (test_ca.hpp's notation).
    LoopbackTlsServer(const char* simulator, const char* tag, const std::string& certificate_names = kLoopbackNames);
    // Stops, then frees what the I/O thread left behind (coroutine frames and the sockets they hold)
    // and removes the CA file.
    ~LoopbackTlsServer();
    LoopbackTlsServer(const LoopbackTlsServer&) = delete;
    LoopbackTlsServer& operator=(const LoopbackTlsServer&) = delete;

    // Accepts connections and starts the I/O thread. Call once.
    void start(ConnectionHandler serve_connection);
    // Stops the I/O thread and waits for it; coroutines are abandoned mid-flight, their frames freed only
    // by the destructor. An owner whose coroutines use its members declared after this server calls stop()
    // first in its destructor, so the thread is gone before those members are.
    void stop();

    // Fault switch, from any thread: the next `connections` accepted TCP connections read the ClientHello,
    // answer bytes that are no TLS record instead of a ServerHello, and close, so the client's handshake fails.
    void fail_handshakes(int connections);
    // Handshakes failed so far by fail_handshakes.
    std::size_t handshakes_failed() const { return handshakes_failed_.load(); }

    boost::asio::io_context& io() { return io_; }
    boost::asio::ssl::context& tls() { return tls_; }
    unsigned short port() const { return port_; }
    const std::string& ca_file() const { return ca_file_; }

private:
    boost::asio::awaitable<void> accept_connections();
    bool take_handshake_failure();
    boost::asio::awaitable<void> fail_handshake(boost::asio::ip::tcp::socket socket);

    EscapedExceptionReporter report_;
    ConnectionHandler serve_connection_;
    std::string ca_file_;
    // I/O. Declared so that the io_context is destroyed after everything using it and before the TLS context.
    boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_server};
    boost::asio::io_context io_{1};
    boost::asio::ip::tcp::acceptor acceptor_{io_};
    unsigned short port_ = 0;
    std::atomic<int> handshakes_to_fail_{0};
    std::atomic<std::size_t> handshakes_failed_{0};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running_{io_.get_executor()};
    std::thread io_thread_;
};

}  // namespace warroom::sim_common
