#pragma once
// A reader of the bot's HTTP listener as an outsider sees it: plain POSIX
// sockets to 127.0.0.1, requests written byte for byte, answers read until
// the server closes or a deadline passes. It can misbehave on purpose (a huge
// request line, a byte at a time, a connection held open and silent).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

namespace warroom::test {

// A TCP connection to 127.0.0.1:port; closed when destroyed.
class Connection {
public:
    explicit Connection(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        if (fd_ < 0) throw std::runtime_error("socket() failed");
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd_);
            throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
        }
    }
    ~Connection() {
        if (fd_ >= 0) ::close(fd_);
    }
    Connection(Connection&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Writes all of `bytes`; false if the server closed or reset the connection first.
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Reads until the server closes the connection or `deadline` passes; what arrived.
    std::string read_until_closed(std::chrono::milliseconds deadline) {
        std::string received;
        const auto until = std::chrono::steady_clock::now() + deadline;
        for (;;) {
            if (!wait_readable(until)) return received;
            char buffer[16384];
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                closed_ = true;
                return received;
            }
            received.append(buffer, static_cast<std::size_t>(n));
        }
    }

    // Waits up to `deadline` for the server to close the connection (or reset
    // it), reading and dropping what it sends; whether it did.
    bool closed_within(std::chrono::milliseconds deadline) {
        read_until_closed(deadline);
        return closed_;
    }

    bool closed() const { return closed_; }

private:
    bool wait_readable(std::chrono::steady_clock::time_point until) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd readable{fd_, POLLIN, 0};
        return ::poll(&readable, 1, static_cast<int>(left.count())) > 0;
    }

    int fd_ = -1;
    bool closed_ = false;
};

struct HttpAnswer {
    int status = 0;                    // 0: no HTTP answer at all
    std::string head;                  // the status line and headers
    std::string body;
    bool has_header(std::string_view line) const { return head.find(line) != std::string::npos; }
};

// The status, head and body of a raw HTTP/1.1 answer (the server closed after it).
inline HttpAnswer parse_answer(const std::string& raw) {
    HttpAnswer answer;
    if (raw.rfind("HTTP/1.1 ", 0) != 0 || raw.size() < 12) return answer;
    answer.status = std::atoi(raw.substr(9, 3).c_str());
    const std::size_t end = raw.find("\r\n\r\n");
    answer.head = raw.substr(0, end);
    if (end != std::string::npos) answer.body = raw.substr(end + 4);
    return answer;
}

// One request on a fresh connection; `headers` are extra lines, each ending "\r\n".
inline HttpAnswer http_request(unsigned short port, const std::string& method, const std::string& target,
                               const std::string& headers = {},
                               std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    Connection connection(port);
    connection.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers +
                    "\r\n");
    return parse_answer(connection.read_until_closed(deadline));
}

inline HttpAnswer http_get(unsigned short port, const std::string& target, const std::string& headers = {}) {
    return http_request(port, "GET", target, headers);
}

// The port of a listener's URL, "http://127.0.0.1:8080/" -> 8080.
inline unsigned short port_of(const std::string& url) {
    const std::size_t colon = url.rfind(':');
    return static_cast<unsigned short>(std::stoi(url.substr(colon + 1)));
}

}  // namespace warroom::test
