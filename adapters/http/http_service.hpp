#pragma once
// The HTTP listener on an io_context and thread of its own, for the console,
// which has no event loop: the handler runs on that thread, so it must take
// whatever lock guards what it reads. No Asio type in this header.
#include <functional>
#include <memory>
#include <string>

#include "adapters/http/http_settings.hpp"
#include "adapters/http/web_site.hpp"

namespace warroom::http {

class HttpService {
public:
    // Binds at once (throws std::runtime_error saying why when it cannot), then serves on its thread.
    HttpService(const HttpSettings& settings, std::function<WebResponse(const WebRequest&)> handler);
    ~HttpService();                    // stops the listener and joins its thread
    HttpService(const HttpService&) = delete;
    HttpService& operator=(const HttpService&) = delete;

    std::string url() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::http
