#include "sim_common/connect_proxy.hpp"

#include <algorithm>
#include <array>
#include <thread>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <openssl/evp.h>

#include "sim_common/guarded_state.hpp"
#include "sim_common/loopback_tls_server.hpp"
#include "sim_common/use_nothrow.hpp"

namespace warroom::sim_common {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

enum class Behaviour { tunnel, answer, drop_after_answer, drop_after_bytes };

struct ProxyState {
    Behaviour behaviour = Behaviour::tunnel;
    unsigned status = 0;               // for Behaviour::answer
    std::size_t byte_limit = 0;        // for Behaviour::drop_after_bytes
    std::vector<ProxiedRequest> requests;
    std::size_t opened = 0;
    std::size_t dropped = 0;
};

std::string basic(const ProxyCredentials& credentials) {
    const std::string plain = credentials.user + ":" + credentials.password;
    std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                       reinterpret_cast<const unsigned char*>(plain.data()),
                                       static_cast<int>(plain.size()));
    encoded.resize(static_cast<std::size_t>(length));
    return "Basic " + encoded;
}

const char* reason(unsigned status) {
    switch (status) {
        case 200: return "Connection established";
        case 403: return "Forbidden";
        case 405: return "Method Not Allowed";
        case 407: return "Proxy Authentication Required";
        case 502: return "Bad Gateway";
        default: return "Refused";
    }
}

// Both ends of one tunnel; whichever direction ends first closes both.
struct Tunnel {
    tcp::socket client;
    tcp::socket server;
    std::size_t limit = 0;             // bytes from the server before the tunnel is cut; 0: none
    std::size_t from_server = 0;

    Tunnel(tcp::socket client, tcp::socket server) : client(std::move(client)), server(std::move(server)) {}

    void close() {
        boost::system::error_code ignored;
        client.shutdown(tcp::socket::shutdown_both, ignored);
        client.close(ignored);
        server.shutdown(tcp::socket::shutdown_both, ignored);
        server.close(ignored);
    }
};

}  // namespace

struct ConnectProxy::Impl {
    std::optional<ProxyCredentials> required;
    std::string expected_authorization;
    GuardedState<ProxyState> state;
    EscapedExceptionReporter report{"connect proxy"};
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
    unsigned short port = 0;
    asio::executor_work_guard<asio::io_context::executor_type> keep_running{io.get_executor()};
    std::thread thread;
    std::vector<std::weak_ptr<Tunnel>> tunnels;   // on the I/O thread only

    explicit Impl(std::optional<ProxyCredentials> credentials) : required(std::move(credentials)) {
        if (required) expected_authorization = basic(*required);
        tcp::endpoint loopback(asio::ip::make_address("127.0.0.1"), 0);
        acceptor.open(loopback.protocol());
        acceptor.bind(loopback);
        acceptor.listen();
        port = acceptor.local_endpoint().port();
        asio::co_spawn(io, accept_connections(), report);
        thread = std::thread([this] {
            for (;;) {
                try {
                    io.run();
                    return;
                } catch (...) {
                    report(std::current_exception());
                }
            }
        });
    }

    ~Impl() {
        // Abandoned coroutines' frames (and their sockets) are freed when the io_context is destroyed.
        io.stop();
        if (thread.joinable()) thread.join();
    }

    asio::awaitable<void> accept_connections() {
        for (;;) {
            auto [error, socket] = co_await acceptor.async_accept(use_nothrow);
            if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (error) continue;
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            asio::co_spawn(io, serve(std::move(socket)), report);
        }
    }

    static asio::awaitable<void> say(tcp::socket& socket, unsigned status, bool wants_credentials = false) {
        std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
        if (status == 200) {
            answer += "\r\n";
        } else {
            if (wants_credentials) answer += "Proxy-Authenticate: Basic realm=\"test proxy\"\r\n";
            const std::string body = "the test proxy says no\n";
            answer += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + body;
        }
        co_await asio::async_write(socket, asio::buffer(answer), use_nothrow);
    }

    static void close(tcp::socket& socket) {
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }

    asio::awaitable<void> serve(tcp::socket client) {
        beast::flat_buffer buffer;
        http::request_parser<http::empty_body> parser;
        auto [read_error, read] = co_await http::async_read_header(client, buffer, parser, use_nothrow);
        (void)read;
        if (read_error) co_return;
        const auto& request = parser.get();

        ProxiedRequest seen;
        seen.method = std::string(request.method_string());
        seen.target = std::string(request.target());
        if (auto host = request.find(http::field::host); host != request.end())
            seen.host_header = std::string(host->value());
        if (auto credentials = request.find(http::field::proxy_authorization); credentials != request.end()) {
            seen.credentials_sent = true;
            seen.credentials_right = required && credentials->value() == expected_authorization;
        }
        const ProxyState now = state.read([](const ProxyState& s) { return s; });

        unsigned status = 200;
        if (request.method() != http::verb::connect) status = 405;
        else if (required && !seen.credentials_right) status = 407;
        else if (now.behaviour == Behaviour::answer) status = now.status;

        // The target, "host:port" or "[v6]:port".
        std::string host = seen.target;
        std::string port;
        if (const auto colon = host.rfind(':'); colon != std::string::npos) {
            port = host.substr(colon + 1);
            host.resize(colon);
        }
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);

        tcp::socket upstream(io);
        if (status == 200) {
            tcp::resolver resolver(io);
            auto [resolve_error, addresses] = co_await resolver.async_resolve(host, port, use_nothrow);
            boost::system::error_code connect_error = resolve_error;
            if (!resolve_error) {
                auto [error, connected] = co_await asio::async_connect(upstream, addresses, use_nothrow);
                (void)connected;
                connect_error = error;
            }
            if (connect_error) status = 502;
        }

        seen.answered = status;
        state.update([&](ProxyState& s) { s.requests.push_back(seen); });
        co_await say(client, status, status == 407);
        if (status != 200) {
            close(client);
            co_return;
        }
        state.update([](ProxyState& s) { ++s.opened; });

        if (now.behaviour == Behaviour::drop_after_answer) {
            close(client);
            close(upstream);
            state.update([](ProxyState& s) { ++s.dropped; });
            co_return;
        }

        auto tunnel = std::make_shared<Tunnel>(std::move(client), std::move(upstream));
        std::erase_if(tunnels, [](const std::weak_ptr<Tunnel>& open) { return open.expired(); });
        tunnels.push_back(tunnel);
        if (now.behaviour == Behaviour::drop_after_bytes) tunnel->limit = std::max<std::size_t>(now.byte_limit, 1);
        // Whatever the client sent after its request (nothing, from warroom) goes first.
        if (buffer.size() > 0) {
            auto [error, written] = co_await asio::async_write(tunnel->server, buffer.data(), use_nothrow);
            (void)written;
            if (error) {
                tunnel->close();
                co_return;
            }
        }
        asio::co_spawn(io, relay(tunnel, false), report);
        asio::co_spawn(io, relay(tunnel, true), report);
    }

    asio::awaitable<void> relay(std::shared_ptr<Tunnel> tunnel, bool from_server) {
        tcp::socket& from = from_server ? tunnel->server : tunnel->client;
        tcp::socket& to = from_server ? tunnel->client : tunnel->server;
        std::array<char, 16384> data;
        for (;;) {
            auto [read_error, got] = co_await from.async_read_some(asio::buffer(data), use_nothrow);
            if (read_error) break;
            std::size_t passed = got;
            bool cut = false;
            if (from_server && tunnel->limit > 0) {
                if (tunnel->from_server + got >= tunnel->limit) {
                    passed = tunnel->limit - tunnel->from_server;
                    cut = true;
                }
                tunnel->from_server += passed;
            }
            if (passed > 0) {
                auto [write_error, written] =
                    co_await asio::async_write(to, asio::buffer(data.data(), passed), use_nothrow);
                (void)written;
                if (write_error) break;
            }
            if (cut) {
                state.update([](ProxyState& s) { ++s.dropped; });
                break;
            }
        }
        tunnel->close();
    }
};

ConnectProxy::ConnectProxy(std::optional<ProxyCredentials> required)
    : impl_(std::make_unique<Impl>(std::move(required))) {}

ConnectProxy::~ConnectProxy() = default;

unsigned short ConnectProxy::port() const { return impl_->port; }

std::string ConnectProxy::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

void ConnectProxy::tunnel() {
    impl_->state.update([](ProxyState& s) { s.behaviour = Behaviour::tunnel; });
}

void ConnectProxy::answer(unsigned status) {
    impl_->state.update([status](ProxyState& s) {
        s.behaviour = Behaviour::answer;
        s.status = status;
    });
}

void ConnectProxy::drop_after_answer() {
    impl_->state.update([](ProxyState& s) { s.behaviour = Behaviour::drop_after_answer; });
}

void ConnectProxy::drop_after(std::size_t bytes_from_server) {
    impl_->state.update([bytes_from_server](ProxyState& s) {
        s.behaviour = Behaviour::drop_after_bytes;
        s.byte_limit = bytes_from_server;
    });
}

void ConnectProxy::drop_open_tunnels() {
    asio::post(impl_->io, [impl = impl_.get()] {
        std::size_t closed = 0;
        for (const std::weak_ptr<Tunnel>& open : impl->tunnels) {
            if (auto tunnel = open.lock()) {
                tunnel->close();
                ++closed;
            }
        }
        impl->tunnels.clear();
        impl->state.update([closed](ProxyState& s) { s.dropped += closed; });
    });
}

std::vector<ProxiedRequest> ConnectProxy::requests() const {
    return impl_->state.read([](const ProxyState& s) { return s.requests; });
}

std::size_t ConnectProxy::tunnels_opened() const {
    return impl_->state.read([](const ProxyState& s) { return s.opened; });
}

std::size_t ConnectProxy::tunnels_dropped() const {
    return impl_->state.read([](const ProxyState& s) { return s.dropped; });
}

bool ConnectProxy::wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const {
    return impl_->state.wait_for(condition, deadline);
}

}  // namespace warroom::sim_common
