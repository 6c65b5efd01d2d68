#include "adapters/http/http_service.hpp"

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "adapters/http/http_listener.hpp"
#include "adapters/net/bot_loops.hpp"

namespace warroom::http {

namespace asio = boost::asio;

struct HttpService::Impl {
    Impl(const HttpSettings& settings, Handler handler) : listener(io.get_executor(), settings, std::move(handler)) {}

    asio::io_context io{1};
    HttpListener listener;
    std::thread thread;
};

HttpService::HttpService(const HttpSettings& settings, Handler handler)
    : impl_(std::make_unique<Impl>(settings, std::move(handler))) {
    asio::co_spawn(impl_->io, impl_->listener.run(),
                   [](std::exception_ptr error) { net::log_unexpected_end("the HTTP listener", error); });
    impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

HttpService::~HttpService() {
    asio::post(impl_->io, [impl = impl_.get()] { impl->listener.stop(); });
    // stop() closes every connection too, so the thread's work ends at once.
    impl_->thread.join();
}

std::string HttpService::url() const { return impl_->listener.url(); }

}  // namespace warroom::http
