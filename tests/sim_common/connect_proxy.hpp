#pragma once
// An HTTP CONNECT proxy on loopback for tests: listens on 127.0.0.1 (a free
// port), reads one CONNECT request a connection, optionally requires
// Proxy-Authorization: Basic with given credentials (else 407), opens a TCP
// connection to the target and relays bytes both ways, as a corporate proxy
// does for HTTPS. Every request is recorded (target, Host, whether
// credentials came and were right, the status answered). Fault switches
// make it answer a status instead (403, 407, 502...), close the tunnel right
// after its 200, or cut it after some bytes from the server.
//
// It runs on its own I/O thread; every public member is thread-safe.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warroom::sim_common {

struct ProxiedRequest {
    std::string method;                // "CONNECT"
    std::string target;                // "localhost:8443"
    std::string host_header;           // Host, "" when absent
    bool credentials_sent = false;     // a Proxy-Authorization header came
    bool credentials_right = false;    // ... and it was Basic with the expected user and password
    unsigned answered = 0;             // the status the proxy answered
};

struct ProxyCredentials {
    std::string user;
    std::string password;
};

class ConnectProxy {
public:
    // With `required`, a CONNECT without exactly these credentials is answered 407.
    explicit ConnectProxy(std::optional<ProxyCredentials> required = std::nullopt);
    ~ConnectProxy();
    ConnectProxy(const ConnectProxy&) = delete;
    ConnectProxy& operator=(const ConnectProxy&) = delete;

    unsigned short port() const;
    // "http://127.0.0.1:PORT", without credentials.
    std::string url() const;

    // How the next CONNECT requests are answered, until switched again:
    void tunnel();                                  // 200 and a tunnel (the default)
    void answer(unsigned status);                   // that status, no tunnel (403, 407, 502...)
    void drop_after_answer();                       // 200, then the connection closes
    void drop_after(std::size_t bytes_from_server); // a tunnel that closes after this many bytes from the server
    // Closes every tunnel open now, mid-stream, as a proxy restarting does; returns at once (counted in
    // tunnels_dropped when done).
    void drop_open_tunnels();

    std::vector<ProxiedRequest> requests() const;
    std::size_t tunnels_opened() const;             // 200 answered and the target connected
    std::size_t tunnels_dropped() const;            // closed by drop_after_answer or drop_after

    // Waits until `condition` holds (checked on every change, and at least every 50 ms) or the deadline passes.
    bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::sim_common
