#pragma once
// A connection failure as one human line: the step, the host and the
// error's message ("cannot resolve slack.com: Host not found
// (authoritative)"), without the source location and category that
// boost::system::system_error::what() appends. It IS a system_error, so
// callers that catch boost::system::system_error (and read code()) keep
// working; only what() is shorter. No Asio here.
#include <exception>
#include <stdexcept>
#include <string>

#include <boost/system/system_error.hpp>

namespace warroom::net {

class ConnectionError : public boost::system::system_error {
public:
    ConnectionError(const boost::system::error_code& code, const std::string& message)
        : boost::system::system_error(code), message_(message) {}

    const char* what() const noexcept override { return message_.what(); }

private:
    std::runtime_error message_;       // copying stays noexcept, as an exception's must
};

// The one line that names a failure: a ConnectionError's message; another
// system_error's what() with its "[category:value at file:line]" tail
// replaced by the code's message; anything else's what().
std::string error_text(const std::exception& error);

}  // namespace warroom::net
