#pragma once
// The bot's HTTP listener: accepts connections on its adapter's io_context
// and answers each request with a handler (web_site.hpp). It protects the
// bot from its readers: a request must arrive whole within the request
// timeout (a client sending a byte a second is closed), its line and headers
// within max_header_bytes (431 otherwise), and past max_connections a new
// connection is answered 503 and closed at once. TLS when the settings name
// a certificate and key. Nobody looking costs nothing: an idle listener is
// one pending accept.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "adapters/http/http_settings.hpp"
#include "adapters/http/web_site.hpp"

namespace warroom::http {

using Handler = std::function<WebResponse(const WebRequest&)>;

class HttpListener {
public:
    // Binds at once: throws std::runtime_error saying why when it cannot
    // (address in use, a certificate that does not load).
    HttpListener(boost::asio::any_io_executor executor, const HttpSettings& settings, Handler handler);
    ~HttpListener();
    HttpListener(const HttpListener&) = delete;
    HttpListener& operator=(const HttpListener&) = delete;

    // Accepts until stop().
    boost::asio::awaitable<void> run();
    // Stops accepting and closes every open connection. On the executor's thread.
    void stop();

    unsigned short port() const;       // the bound port (settings' port, or the one chosen for 0)
    std::string url() const;           // "http://127.0.0.1:8080/"
    std::size_t open_connections() const;

    struct State;                      // defined in http_listener.cpp, shared with the connections it serves

private:
    std::shared_ptr<State> state_;
};

}  // namespace warroom::http
