#pragma once
// A mail submission server on loopback for the SMTP client's tests: plain TCP
// that upgrades with STARTTLS (or, for smtps://, TLS from the first byte),
// a certificate from the run's test CA, AUTH PLAIN and LOGIN against one
// configured user, and every accepted message kept with its envelope, its
// raw text and its decoded headers and body. Fault switches make it answer
// as a real server does on a bad day; the tests wait on what it received.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "sim_common/guarded_state.hpp"
#include "sim_common/loopback_tls_server.hpp"

namespace warroom::outside_sim {

// One message the server accepted (or kept before a fault dropped the connection).
struct ReceivedEmail {
    std::string mail_from;                   // MAIL FROM's address
    std::vector<std::string> rcpt_to;        // the recipients the server accepted, in order
    std::string data;                        // after DATA: dot-stuffing undone, CRLF line ends, without the final "."
    bool over_tls = false;                   // the session was encrypted when the message came
    std::string authenticated_as;            // the AUTH user name; empty without AUTH

    std::vector<std::pair<std::string, std::string>> headers;   // in order, unfolded, values as sent
    std::string message_id;                  // the Message-ID header
    std::string subject;                     // the Subject header decoded (RFC 2047)
    // The body decoded by its Content-Transfer-Encoding, its line ends as "\n", without the final one.
    std::string body;

    // The first header of that name (any case), "" when there is none.
    std::string header(std::string_view name) const;
};

// Where a failing transaction is answered.
enum class SmtpStage { mail_from, rcpt_to, end_of_data };

class SmtpSimulator {
public:
    enum class Security {
        starttls,        // smtp://: plain TCP, STARTTLS offered
        implicit_tls,    // smtps://: TLS from the first byte
    };

    // Requires AUTH as `username` with `password` before MAIL FROM (535 for
    // anything else); an empty username requires no AUTH.
    SmtpSimulator(std::string username, std::string password, Security security = Security::starttls);
    ~SmtpSimulator();
    SmtpSimulator(const SmtpSimulator&) = delete;
    SmtpSimulator& operator=(const SmtpSimulator&) = delete;

    unsigned short port() const { return server_.port(); }
    // The test CA's certificate, for the client to trust.
    const std::string& ca_file() const { return server_.ca_file(); }

    // Fault switches, from any thread; each applies to sessions that start (or steps that come) after it.
    void offer_starttls(bool offered);
    void offer_auth(bool offered);
    // The AUTH mechanisms offered and accepted, "PLAIN LOGIN" unless told.
    void offer_auth_mechanisms(std::string mechanisms);
    // The next `sessions` TLS handshakes (after STARTTLS, or at once for smtps) get bytes that are no TLS.
    void fail_handshakes(int sessions);
    // The next `transactions` (each MAIL FROM starts one) are answered `code` (451, 554, ...) at `stage`.
    void fail_transactions(int transactions, int code, SmtpStage stage);
    // RCPT TO this address is answered 550 (mailbox unavailable).
    void refuse_recipient(std::string address);
    // The next `messages` are kept after their final "." and the connection is closed before the 250:
    // the client cannot know they arrived.
    void drop_after_data(int messages);
    // The greeting (220) comes only after `delay`.
    void slow_greeting(std::chrono::milliseconds delay);
    // A failed login is answered with what the client sent, decoded and not, as from a hostile server.
    void echo_credentials(bool echo);
    // The greeting is one line that never ends, as from a hostile server.
    void endless_greeting(bool endless);

    std::vector<ReceivedEmail> messages() const;
    std::size_t count_with_message_id(std::string_view message_id) const;
    // Copies beyond the first of each Message-ID: a message received twice counts 1.
    std::size_t duplicates() const;
    std::size_t connections() const;
    // Answers 535 so far.
    std::size_t failed_logins() const;

    // Waits until `condition` holds or `deadline` passes; returns whether it held.
    bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const {
        return state_.wait_for(condition, deadline);
    }

private:
    struct Fault {
        int code = 0;
        SmtpStage stage = SmtpStage::mail_from;
    };
    struct State {
        bool offer_starttls = true;
        bool offer_auth = true;
        std::string auth_mechanisms = "PLAIN LOGIN";
        int handshakes_to_fail = 0;
        int transactions_to_fail = 0;
        Fault transaction_fault;
        std::set<std::string> refused_recipients;
        int messages_to_drop = 0;
        std::chrono::milliseconds greeting_delay{0};
        bool endless_greeting = false;
        bool echo_credentials = false;
        std::vector<ReceivedEmail> messages;
        std::size_t connections = 0;
        std::size_t failed_logins = 0;
    };
    class Session;

    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

    const std::string username_;
    const std::string password_;
    const Security security_;
    // Declared before the server: the I/O thread's coroutines use it until the server is stopped.
    sim_common::GuardedState<State> state_;
    sim_common::LoopbackTlsServer server_;
};

}  // namespace warroom::outside_sim
