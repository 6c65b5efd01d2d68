#pragma once
// One approved text sent as one e-mail to a list (an incident's audience such
// as regulators or the board) over SMTP (RFC 5321): EHLO, STARTTLS, AUTH,
// MAIL FROM, RCPT TO each, DATA, QUIT. Incident text and the password cross a
// network only encrypted: smtp:// upgrades with STARTTLS (a server that does
// not offer it is refused, loopback excepted), smtps:// speaks TLS from the
// first byte, and the certificate is verified against the host name.
//
// An accepted message cannot be taken back, and a connection lost after the
// message's final "." and before the server's answer leaves it unknown
// whether it arrived; the caller's Message-ID (derived from the outbox job)
// makes such a repeat recognisable to its readers. That is SMTP's limit.
#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "adapters/outside/smtp_message.hpp"
#include "bot/outbox.hpp"

namespace warroom::outside {

struct SmtpServer {
    std::string host;
    std::string port;            // "587" by default for smtp://, "465" for smtps://
    bool implicit_tls = false;   // smtps://: TLS from the first byte; smtp://: STARTTLS
    std::string username;        // empty: no AUTH
    std::string password;        // never in a problem, a reference or a log line
};

// "smtp://host[:port]" or "smtps://host[:port]" (user name and password are
// set apart, never in the URL). Otherwise a problem starting with `what`, the
// playbook field ("email.smtp_url: ...").
std::variant<SmtpServer, std::string> parse_smtp_url(std::string_view url, std::string_view what);

// What an smtp:// session does after the first EHLO: upgrade when the server
// offers STARTTLS; without the offer, go on in clear only to a loopback host
// (a relay on the same machine), and refuse anywhere else.
enum class SessionSecurity { upgrade_with_starttls, clear_on_loopback, refuse };
SessionSecurity choose_session_security(std::string_view host, bool starttls_offered);

// Sends the message to every recipient in one transaction. Done with the
// reference "smtp:MESSAGE-ID accepted: REPLY" (and the recipients the server
// refused, when it accepted others); not yet on a 4xx answer, a network error
// or a step that took longer than `timeout`; refused for good on a 5xx answer,
// on a message that cannot be sent as it is (checked before connecting), or
// on a server that would have the password or the text sent in clear. `who`
// starts each problem ("e-mail 'board'"). Never throws for the server's or
// the network's doing.
boost::asio::awaitable<Delivery> send_email(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls,
                                            const SmtpServer& server, const EmailMessage& message,
                                            std::chrono::milliseconds timeout, std::string_view who);

}  // namespace warroom::outside
