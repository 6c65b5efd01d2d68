#include "adapters/outside/smtp_client.hpp"

#include <cctype>
#include <charconv>
#include <exception>
#include <set>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/url/parse.hpp>

#include "adapters/net/connect.hpp"
#include "adapters/net/connection_error.hpp"
#include "adapters/net/endpoint.hpp"
#include "bot/text.hpp"

namespace warroom::outside {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using TlsStream = asio::ssl::stream<beast::tcp_stream>;

constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

// RFC 5321 allows reply lines of 512 bytes; a hostile or broken server gets
// a little more, and no more lines than any EHLO needs, so it cannot make
// the client read (and hold) without end.
constexpr std::size_t kLongestReplyLine = 2048;
constexpr std::size_t kMostReplyLines = 100;
// The part of a reply a problem or a reference quotes.
constexpr std::size_t kQuotedReply = 200;

constexpr std::string_view kNoStartTls =
    "the server does not offer STARTTLS; warroom sends no password or incident text in clear";

struct Reply {
    int code = 0;
    std::vector<std::string> lines;    // the text of each line, after "250-" or "250 "

    bool is_positive() const { return code >= 200 && code < 300; }
};

// What the server's EHLO answer offers.
struct Extensions {
    bool starttls = false;
    bool auth = false;
    std::set<std::string> auth_mechanisms;   // upper case: "PLAIN", "LOGIN"
    std::size_t size_limit = 0;              // 0: none said
};

Extensions read_extensions(const Reply& ehlo) {
    Extensions offered;
    // The first line is the server's name and greeting; each further line names an extension.
    for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
        std::string line = ehlo.lines[i];
        for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const std::string keyword = line.substr(0, line.find_first_of(" ="));
        const std::string rest = keyword.size() < line.size() ? line.substr(keyword.size() + 1) : "";
        if (keyword == "STARTTLS") offered.starttls = true;
        if (keyword == "SIZE") {
            std::size_t limit = 0;
            std::from_chars(rest.data(), rest.data() + rest.size(), limit);
            offered.size_limit = limit;
        }
        if (keyword == "AUTH") {
            offered.auth = true;
            std::size_t at = 0;
            while (at < rest.size()) {
                const std::size_t end = std::min(rest.find(' ', at), rest.size());
                if (end > at) offered.auth_mechanisms.insert(rest.substr(at, end - at));
                at = end + 1;
            }
        }
    }
    return offered;
}

// A line that starts with "." gets another (RFC 5321 4.5.2), so that only
// the final ".\r\n" ends the message. `text` has CRLF line ends.
std::string dot_stuffed(std::string_view text) {
    std::string stuffed;
    stuffed.reserve(text.size() + 16);
    bool line_start = true;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (line_start && text[i] == '.') stuffed += '.';
        stuffed += text[i];
        line_start = text[i] == '\n';
    }
    return stuffed;
}

bool is_ip_address(const std::string& host) {
    error_code not_an_address;
    asio::ip::make_address(host, not_an_address);
    return !not_an_address;
}

// Ends a session early with its outcome; send_email returns the delivery it carries.
class SessionEnded : public std::exception {
public:
    explicit SessionEnded(Delivery delivery) : delivery_(std::move(delivery)) {}
    const char* what() const noexcept override { return "smtp session ended"; }
    const Delivery& delivery() const { return delivery_; }

private:
    Delivery delivery_;
};

// One SMTP conversation, command by command. Every step (a connection, a
// command and its reply, the message) gets `timeout`.
class SmtpSession {
public:
    SmtpSession(asio::any_io_executor executor, asio::ssl::context& tls, const SmtpServer& server,
                std::chrono::milliseconds timeout, std::string who)
        : stream_(executor, tls), server_(server), timeout_(timeout), who_(std::move(who)) {
        if (!server.password.empty()) {
            // What a server could echo back in a reply: never quoted in a problem or a reference.
            secrets_ = {server.password, base64(server.password),
                        base64(std::string(1, '\0') + server.username + '\0' + server.password)};
        }
    }

    // Connects, reads the greeting, says EHLO, secures the session and logs in.
    asio::awaitable<void> open() {
        const net::Endpoint where{server_.implicit_tls, server_.host, server_.port, "/"};
        if (server_.implicit_tls) {
            // Never through HTTPS_PROXY: that is for HTTPS, and proxies mostly allow CONNECT to 443 only.
            co_await net::connect_tls(stream_, where, timeout_, net::Proxying::direct);
            encrypted_ = true;
        } else {
            co_await net::connect_tcp(stream_.next_layer(), where, timeout_);
        }
        expect(co_await read_reply("the greeting"), 220, "the greeting");
        Extensions offered = co_await say_ehlo();
        if (!server_.implicit_tls) {
            switch (choose_session_security(server_.host, offered.starttls)) {
            case SessionSecurity::refuse:
                throw SessionEnded(Delivery::refused_for_good(who_ + ": " + std::string(kNoStartTls)));
            case SessionSecurity::clear_on_loopback:
                break;
            case SessionSecurity::upgrade_with_starttls:
                expect(co_await command("STARTTLS", "STARTTLS"), 220, "STARTTLS");
                // Anything sent after the 220 in clear would be read as if it came through TLS (the
                // STARTTLS injection of CVE-2011-0411, from the server's side): not a server to trust.
                if (!received_.empty()) {
                    throw SessionEnded(Delivery::not_yet(
                        who_ + ": the server sent more in clear after agreeing to STARTTLS; it was not trusted"));
                }
                co_await handshake();
                // What the server offered in clear may have been tampered with: ask again (RFC 3207 4.2).
                offered = co_await say_ehlo();
                break;
            }
        }
        size_limit_ = offered.size_limit;
        if (!server_.username.empty()) co_await authenticate(offered);
    }

    // One transaction: MAIL FROM, RCPT TO each recipient, DATA and the message.
    asio::awaitable<Delivery> send(const EmailMessage& message, const std::string& wire) {
        if (size_limit_ > 0 && wire.size() > size_limit_) {
            throw SessionEnded(Delivery::refused_for_good(
                who_ + ": the message is " + with_thousands(wire.size()) + " bytes and the server accepts at most " +
                with_thousands(size_limit_) + "; shorten the text"));
        }
        std::string mail_from = "MAIL FROM:<" + mailbox_address(message.from) + ">";
        if (size_limit_ > 0) mail_from += " SIZE=" + std::to_string(wire.size());
        expect(co_await command(mail_from, "MAIL FROM"), 250, "MAIL FROM");

        std::vector<std::string> refused;
        std::size_t accepted = 0;
        for (const std::string& recipient : message.to) {
            const std::string address = mailbox_address(recipient);
            const std::string step = "RCPT TO <" + address + ">";
            Reply reply = co_await command("RCPT TO:<" + address + ">", step);
            if (reply.is_positive()) {
                ++accepted;
            } else if (reply.code >= 500 && reply.code < 600) {
                refused.push_back(address + " (" + std::to_string(reply.code) + " " + quoted(reply) + ")");
            } else {
                fail(reply, step);   // 4xx: the whole message waits, so every recipient gets it at once
            }
        }
        if (accepted == 0) {
            throw SessionEnded(Delivery::refused_for_good(who_ + ": the server refused every recipient: " +
                                                          join(refused, "; ")));
        }

        expect(co_await command("DATA", "DATA"), 354, "DATA");
        co_await write(dot_stuffed(wire) + ".\r\n", "the message");
        message_sent_ = true;
        const Reply accepted_reply = co_await read_reply("the end of the message");
        expect(accepted_reply, 250, "the end of the message");

        std::string reference = "smtp:" + message.message_id + " accepted: " + quoted(accepted_reply);
        if (!refused.empty()) reference += "; refused: " + join(refused, "; ");
        co_return Delivery::delivered(std::move(reference));
    }

    // Says goodbye; the message is already accepted, so a server that does not answer changes nothing.
    asio::awaitable<void> quit() {
        try {
            co_await command("QUIT", "QUIT");
        } catch (const SessionEnded&) {
        }
    }

private:
    asio::awaitable<Extensions> say_ehlo() {
        const Reply reply = co_await command("EHLO " + client_name(), "EHLO");
        expect(reply, 250, "EHLO");
        co_return read_extensions(reply);
    }

    asio::awaitable<void> handshake() {
        // As net::connect_tls does for a connection that is TLS from the start: SNI names a host, never
        // an address (RFC 6066), and the certificate must be valid for the host the URL names.
        if (!is_ip_address(server_.host) && !SSL_set_tlsext_host_name(stream_.native_handle(), server_.host.c_str()))
            throw SessionEnded(Delivery::not_yet(who_ + ": cannot set the TLS server name for " + server_.host));
        stream_.set_verify_callback(asio::ssl::host_name_verification(server_.host));
        stream_.next_layer().expires_after(timeout_);
        auto [error] = co_await stream_.async_handshake(asio::ssl::stream_base::client, kAwaitTuple);
        stream_.next_layer().expires_never();
        if (error) network_failure(error, "the TLS handshake after STARTTLS");
        encrypted_ = true;
    }

    asio::awaitable<void> authenticate(const Extensions& offered) {
        if (!offered.auth) {
            throw SessionEnded(Delivery::refused_for_good(
                who_ + ": the server does not offer AUTH, and a user name is configured for it; check that the "
                       "URL names the server's submission port (587 for smtp://, 465 for smtps://)"));
        }
        Reply reply;
        if (offered.auth_mechanisms.contains("PLAIN")) {
            reply = co_await command(
                "AUTH PLAIN " + base64(std::string(1, '\0') + server_.username + '\0' + server_.password), "AUTH");
        } else if (offered.auth_mechanisms.contains("LOGIN")) {
            expect(co_await command("AUTH LOGIN", "AUTH"), 334, "AUTH");
            expect(co_await command(base64(server_.username), "AUTH"), 334, "AUTH");
            reply = co_await command(base64(server_.password), "AUTH");
        } else {
            std::vector<std::string> mechanisms(offered.auth_mechanisms.begin(), offered.auth_mechanisms.end());
            throw SessionEnded(Delivery::refused_for_good(who_ + ": the server offers AUTH only as " +
                                                          quoted_text(join(mechanisms, " ")) +
                                                          "; warroom logs in with PLAIN or LOGIN"));
        }
        expect(reply, 235, "AUTH");
    }

    // Writes one command line and reads its reply. The line itself never goes into a problem: for AUTH
    // it carries the password.
    asio::awaitable<Reply> command(const std::string& line, std::string_view step) {
        co_await write(line + "\r\n", step);
        co_return co_await read_reply(step);
    }

    asio::awaitable<void> write(const std::string& bytes, std::string_view step) {
        stream_.next_layer().expires_after(timeout_);
        auto [error, written] = encrypted_ ? co_await asio::async_write(stream_, asio::buffer(bytes), kAwaitTuple)
                                           : co_await asio::async_write(stream_.next_layer(), asio::buffer(bytes),
                                                                        kAwaitTuple);
        (void)written;
        stream_.next_layer().expires_never();
        if (error) network_failure(error, step);
    }

    asio::awaitable<Reply> read_reply(std::string_view step) {
        Reply reply;
        for (;;) {
            const std::string line = co_await read_line(step);
            int code = 0;
            const auto [end, parse_error] = std::from_chars(line.data(), line.data() + std::min<std::size_t>(3, line.size()), code);
            const bool well_formed = line.size() >= 3 && parse_error == std::errc() && end == line.data() + 3 &&
                                     code >= 200 && code < 600 && (line.size() == 3 || line[3] == ' ' || line[3] == '-');
            if (!well_formed || (reply.code != 0 && code != reply.code)) {
                throw SessionEnded(Delivery::not_yet(who_ + ": the server's answer to " + std::string(step) +
                                                     " is not an SMTP reply: " + quoted_text(line)));
            }
            reply.code = code;
            reply.lines.push_back(line.size() > 4 ? line.substr(4) : "");
            if (line.size() == 3 || line[3] == ' ') co_return reply;
            if (reply.lines.size() >= kMostReplyLines) {
                throw SessionEnded(Delivery::not_yet(who_ + ": the server's answer to " + std::string(step) +
                                                     " goes on for more than " + std::to_string(kMostReplyLines) +
                                                     " lines; it is not read further"));
            }
        }
    }

    asio::awaitable<std::string> read_line(std::string_view step) {
        stream_.next_layer().expires_after(timeout_);
        auto buffer = asio::dynamic_buffer(received_, kLongestReplyLine);
        auto [error, length] = encrypted_ ? co_await asio::async_read_until(stream_, buffer, '\n', kAwaitTuple)
                                          : co_await asio::async_read_until(stream_.next_layer(), buffer, '\n',
                                                                            kAwaitTuple);
        stream_.next_layer().expires_never();
        if (error == asio::error::not_found) {
            throw SessionEnded(Delivery::not_yet(who_ + ": the server's answer to " + std::string(step) +
                                                 " has a line longer than " + std::to_string(kLongestReplyLine) +
                                                 " bytes; it is not read further"));
        }
        if (error) network_failure(error, step);
        std::string line = received_.substr(0, length - 1);
        received_.erase(0, length);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        co_return line;
    }

    // A reply other than `expected`: 4xx is transient (not yet), 5xx is what a repeat would meet again.
    void expect(const Reply& reply, int expected, std::string_view step) const {
        if (reply.code != expected) fail(reply, step);
    }

    [[noreturn]] void fail(const Reply& reply, std::string_view step) const {
        std::string problem =
            who_ + " answered " + std::to_string(reply.code) + " to " + std::string(step) + ": " + quoted(reply);
        if (reply.code < 500 || reply.code >= 600) throw SessionEnded(Delivery::not_yet(std::move(problem)));
        if (reply.code == 535 || (step == "AUTH" && reply.code == 534))
            problem += " (check the SMTP user name and password configured for it)";
        throw SessionEnded(Delivery::refused_for_good(std::move(problem)));
    }

    [[noreturn]] void network_failure(const error_code& error, std::string_view step) const {
        if (message_sent_) {
            throw SessionEnded(Delivery::not_yet(
                who_ + ": the connection failed after the whole message was sent and before the server confirmed "
                       "it (" + error.message() + "); it may have arrived, and the repeat may deliver it twice"));
        }
        if (error == beast::error::timeout) {
            throw SessionEnded(Delivery::not_yet(who_ + ": the server did not answer within " +
                                                 std::to_string(timeout_.count()) + " ms at " + std::string(step)));
        }
        if (error == asio::error::eof || error == asio::ssl::error::stream_truncated) {
            throw SessionEnded(Delivery::not_yet(who_ + ": the server closed the connection at " + std::string(step)));
        }
        throw SessionEnded(Delivery::not_yet(who_ + ": the connection failed at " + std::string(step) + ": " +
                                             error.message()));
    }

    // The reply's text as one printable line, cut, with anything secret taken out.
    std::string quoted(const Reply& reply) const { return quoted_text(join(reply.lines, " ")); }

    std::string quoted_text(std::string text) const {
        for (const std::string& secret : secrets_) {
            for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
                text.replace(at, secret.size(), "[redacted]");
        }
        std::string line;
        for (const char c : std::string_view(text).substr(0, kQuotedReply))
            line += (c >= 0x20 && c < 0x7f) ? c : ' ';
        if (text.size() > kQuotedReply) line += "...";
        return line;
    }

    // EHLO names the client; without a name of its own in DNS, an address literal (RFC 5321 4.1.3).
    std::string client_name() const {
        error_code error;
        const auto local = stream_.next_layer().socket().local_endpoint(error);
        if (error) return "[127.0.0.1]";
        const asio::ip::address address = local.address();
        if (address.is_v6() && !address.to_v6().is_v4_mapped()) return "[IPv6:" + address.to_string() + "]";
        if (address.is_v6()) return "[" + asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string() + "]";
        return "[" + address.to_string() + "]";
    }

    TlsStream stream_;
    const SmtpServer& server_;
    const std::chrono::milliseconds timeout_;
    const std::string who_;
    std::vector<std::string> secrets_;
    std::string received_;             // read from the server, not yet taken as a line
    bool encrypted_ = false;
    bool message_sent_ = false;        // the final "." is out: a lost connection leaves the outcome unknown
    std::size_t size_limit_ = 0;
};

}  // namespace

std::variant<SmtpServer, std::string> parse_smtp_url(std::string_view url, std::string_view what) {
    const std::string shown = std::string(url.substr(0, url.find_first_of("?#")));
    const auto problem = [&](const std::string& text) { return std::string(what) + ": " + text; };
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        return problem("\"" + shown + "\" is not a valid URL (" + parsed.error().message() +
                       "); expected smtp://host[:port] or smtps://host[:port]");
    }
    const boost::urls::url_view& view = *parsed;

    SmtpServer server;
    const std::string scheme = ascii_lower(view.scheme());
    if (scheme == "smtps") {
        server.implicit_tls = true;
    } else if (scheme != "smtp") {
        return problem("\"" + shown + "\" uses " + scheme + "://; use smtp:// (STARTTLS) or smtps:// (TLS)");
    }
    if (view.has_userinfo())
        return problem("the URL contains a user name or password; credentials do not belong in the URL");
    if (view.host_type() == boost::urls::host_type::ipvfuture)
        return problem("\"" + shown + "\" uses an IPvFuture address, which is not supported");
    server.host = view.host_address();
    if (server.host.empty()) return problem("\"" + shown + "\" names no host");
    if (!view.encoded_path().empty() && view.encoded_path() != "/")
        return problem("\"" + shown + "\" has a path; an SMTP server is named by host and port only");
    if (view.has_query() || view.has_fragment())
        return problem("\"" + shown + "\" has a query or fragment; an SMTP server is named by host and port only");

    if (view.has_port()) {
        const std::string_view port = view.port();
        unsigned number = 0;
        auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
        if (port.empty() || error != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535)
            return problem("\"" + shown + "\" has an invalid port \"" + std::string(port) + "\"");
        server.port = std::string(port);
    } else {
        server.port = server.implicit_tls ? "465" : "587";
    }
    return server;
}

SessionSecurity choose_session_security(std::string_view host, bool starttls_offered) {
    if (starttls_offered) return SessionSecurity::upgrade_with_starttls;
    return net::is_loopback_host(host) ? SessionSecurity::clear_on_loopback : SessionSecurity::refuse;
}

asio::awaitable<Delivery> send_email(asio::any_io_executor executor, asio::ssl::context& tls, const SmtpServer& server,
                                     const EmailMessage& message, std::chrono::milliseconds timeout,
                                     std::string_view who) {
    const std::string who_text(who);
    if (auto problem = message_problem(message))
        co_return Delivery::refused_for_good(who_text + ": " + *problem + "; it was not sent");
    if (server.host.empty() || server.port.empty())
        co_return Delivery::refused_for_good(who_text + ": no SMTP server is configured (smtp://host[:port])");
    if (!server.username.empty() && server.password.empty())
        co_return Delivery::refused_for_good(who_text + ": a user name is configured for the SMTP server, "
                                                        "but no password");

    const std::string wire = render_message(message);
    SmtpSession session(executor, tls, server, timeout, who_text);
    try {
        co_await session.open();
        Delivery delivery = co_await session.send(message, wire);
        co_await session.quit();
        co_return delivery;
    } catch (const SessionEnded& ended) {
        co_return ended.delivery();
    } catch (const boost::system::system_error& error) {
        // Resolving, connecting or an smtps:// handshake: net::connect_* name the step and the host.
        co_return Delivery::not_yet(who_text + " could not be reached: " + net::error_text(error));
    }
}

}  // namespace warroom::outside
