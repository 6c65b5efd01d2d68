#pragma once
// The client side of a test against an outside simulator: an HttpClient for
// the simulator's origin (https://localhost:PORT, trusting the CA the
// simulator wrote), on an io_context running on a thread of its own, and a
// way to run a client coroutine there and wait for its result with a
// deadline, so a hung exchange fails a test instead of hanging it.
// Header-only: only the tests include it.
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/net/endpoint.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/tls.hpp"

namespace warroom::outside_sim {

class HttpClientWorld {
public:
    static constexpr std::chrono::seconds kDeadline{15};

    HttpClientWorld(unsigned short port, const std::string& ca_file,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5))
        : tls_(net::make_client_tls_context(ca_file)),
          http_(io_.get_executor(), tls_, net::Endpoint{true, "localhost", std::to_string(port), "/"}, timeout) {
        thread_ = std::thread([this] { io_.run(); });
    }
    ~HttpClientWorld() {
        work_.reset();
        io_.stop();
        thread_.join();
    }
    HttpClientWorld(const HttpClientWorld&) = delete;
    HttpClientWorld& operator=(const HttpClientWorld&) = delete;

    net::HttpClient& http() { return http_; }

    // Runs `task` on the client's thread and waits for its result; throws when the deadline passes first.
    template <class T>
    T await(boost::asio::awaitable<T> task, std::chrono::milliseconds deadline = kDeadline) {
        std::future<T> result = boost::asio::co_spawn(io_, std::move(task), boost::asio::use_future);
        if (result.wait_for(deadline) != std::future_status::ready)
            throw std::runtime_error("the client's call did not finish within the deadline");
        return result.get();
    }

private:
    // Declared before the client, so it is destroyed after it.
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    boost::asio::ssl::context tls_;
    net::HttpClient http_;
    std::thread thread_;
};

}  // namespace warroom::outside_sim
