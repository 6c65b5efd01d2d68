// The SMTP client against the SMTP simulator on loopback: a message arrives
// through STARTTLS and AUTH with the headers a mail client shows and its text
// as written; the server's 4xx answers are "not yet" and its 5xx answers
// "refused"; a refused recipient does not stop the others; a lost connection
// after the message is a repeat the receiver can recognise; header injection
// and clear text off loopback are refused; the password is in no problem.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <string>
#include <variant>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/net/tls.hpp"
#include "adapters/outside/smtp_client.hpp"
#include "adapters/outside/smtp_message.hpp"
#include "captured_log.hpp"
#include "outside_sim/smtp_server.hpp"

using namespace warroom;
using namespace std::chrono_literals;
using outside_sim::SmtpSimulator;
using outside_sim::SmtpStage;

namespace {

namespace asio = boost::asio;

constexpr const char* kUser = "warroom-mailer";
constexpr const char* kPassword = "correct-horse-battery-staple";
constexpr const char* kWho = "e-mail 'board'";

// 2026-11-18 11:06:40 UTC, the tests' usual start.
const auto kSentAt = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));

outside::SmtpServer server_for(const SmtpSimulator& simulator, std::string host = "localhost") {
    return outside::SmtpServer{std::move(host), std::to_string(simulator.port()), false, kUser, kPassword};
}

outside::EmailMessage board_update(std::string message_id = "<inc-7.publish-3@warroom.example.com>") {
    outside::EmailMessage message;
    message.from = "Warroom <warroom@example.com>";
    message.to = {"board@example.com", "Chief Counsel <counsel@example.com>"};
    message.subject = "Incident 7: payroll phishing contained";
    message.body = "The phishing campaign against payroll is contained.\nNo salary data left the company.";
    message.message_id = std::move(message_id);
    message.date = kSentAt;
    message.headers = {{"X-Warroom-Incident", "7"}};
    return message;
}

// One send_email on a fresh io_context, trusting the simulator's CA unless told otherwise.
Delivery send(const outside::SmtpServer& server, const outside::EmailMessage& message, const std::string& ca_file,
              std::chrono::milliseconds timeout = 10s) {
    asio::io_context io;
    auto tls = ca_file.empty() ? net::make_client_tls_context() : net::make_client_tls_context(ca_file);
    auto answer = asio::co_spawn(io, outside::send_email(io.get_executor(), tls, server, message, timeout, kWho),
                                 asio::use_future);
    io.run();
    return answer.get();
}

// What no problem, reference or message may contain: the password, as written or as AUTH sends it.
void check_no_secret(const std::string& text) {
    CHECK_THAT(text, !Catch::Contains(kPassword));
    CHECK_THAT(text, !Catch::Contains(outside::base64(kPassword)));
    CHECK_THAT(text, !Catch::Contains(outside::base64(std::string(1, '\0') + kUser + '\0' + kPassword)));
}

}  // namespace

TEST_CASE("smtp: a message arrives through STARTTLS and AUTH with its headers and its text as written", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    auto message = board_update();
    message.subject = "Störung behoben: Lohnbuchhaltung wieder verfügbar ✓";
    message.body =
        "Payroll is restored.\n"
        ".a line that starts with a dot\n"
        "..and one with two\n"
        ".\n"
        "Grüße aus dem Krisenstab — 東京 office informed.\n"
        "\n"
        "A long line: " + std::string(300, 'x') + " = the end, with trailing blanks   \n"
        "Last line.";

    const Delivery delivery = send(server_for(simulator), message, simulator.ca_file());

    REQUIRE(delivery.done);
    CHECK_THAT(delivery.reference, Catch::StartsWith("smtp:<inc-7.publish-3@warroom.example.com> accepted: "));
    CHECK_THAT(delivery.reference, Catch::Contains("queued as"));
    check_no_secret(delivery.reference);

    const auto received = simulator.messages();
    REQUIRE(received.size() == 1);
    const auto& email = received.front();
    CHECK(email.over_tls);
    CHECK(email.authenticated_as == kUser);
    CHECK(email.mail_from == "warroom@example.com");
    CHECK(email.rcpt_to == std::vector<std::string>{"board@example.com", "counsel@example.com"});
    CHECK(email.message_id == "<inc-7.publish-3@warroom.example.com>");
    CHECK(email.header("Date") == "Wed, 18 Nov 2026 11:06:40 +0000");
    CHECK(email.header("From") == "\"Warroom\" <warroom@example.com>");
    CHECK_THAT(email.header("To"), Catch::Contains("board@example.com") && Catch::Contains("<counsel@example.com>"));
    CHECK(email.subject == message.subject);
    CHECK(email.header("MIME-Version") == "1.0");
    CHECK(email.header("Content-Type") == "text/plain; charset=utf-8");
    CHECK(email.header("X-Warroom-Incident") == "7");
    CHECK(email.body == message.body);

    // What crossed the wire is 7-bit text in lines a relay accepts (RFC 5322 2.1.1).
    CHECK(std::none_of(email.data.begin(), email.data.end(), [](unsigned char c) { return c >= 0x80; }));
    std::size_t longest_line = 0;
    std::size_t line_start = 0;
    for (auto end = email.data.find("\r\n"); end != std::string::npos; end = email.data.find("\r\n", line_start)) {
        longest_line = std::max(longest_line, end - line_start);
        line_start = end + 2;
    }
    CHECK(longest_line <= 998);
}

TEST_CASE("smtp: a text mostly in another script arrives intact", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    auto message = board_update();
    message.subject = "インシデント7：封じ込め完了";
    message.body = "給与システムへのフィッシングは封じ込められました。\n個人情報の流出はありません。\n.以上";

    const Delivery delivery = send(server_for(simulator), message, simulator.ca_file());

    REQUIRE(delivery.done);
    const auto received = simulator.messages();
    REQUIRE(received.size() == 1);
    CHECK(received.front().header("Content-Transfer-Encoding") == "base64");
    CHECK(received.front().subject == message.subject);
    CHECK(received.front().body == message.body);
}

TEST_CASE("smtp: smtps:// speaks TLS from the first byte", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword, SmtpSimulator::Security::implicit_tls);
    auto server = server_for(simulator);
    server.implicit_tls = true;

    const Delivery delivery = send(server, board_update(), simulator.ca_file());

    REQUIRE(delivery.done);
    REQUIRE(simulator.messages().size() == 1);
    CHECK(simulator.messages().front().over_tls);
    CHECK(simulator.messages().front().authenticated_as == kUser);
}

TEST_CASE("smtp: a wrong password is refused for good, and the password is in no problem", "[smtp][hostile]") {
    SmtpSimulator simulator(kUser, "the-right-one");
    test::CapturedLog log;
    SECTION("the server's answer is its own") {}
    SECTION("the server's answer repeats what the client sent") { simulator.echo_credentials(true); }

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    CHECK_FALSE(delivery.done);
    CHECK(delivery.refused);
    CHECK_THAT(delivery.problem, Catch::StartsWith(kWho) && Catch::Contains("535"));
    CHECK_THAT(delivery.problem, Catch::Contains("user name and password"));
    check_no_secret(delivery.problem);
    check_no_secret(log.text());
    CHECK(simulator.failed_logins() == 1);
    CHECK(simulator.messages().empty());
}

TEST_CASE("smtp: a server that offers only AUTH LOGIN is logged in to with it", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    simulator.offer_auth_mechanisms("LOGIN");

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    REQUIRE(delivery.done);
    REQUIRE(simulator.messages().size() == 1);
    CHECK(simulator.messages().front().authenticated_as == kUser);
}

TEST_CASE("smtp: a server that offers no AUTH while a user name is configured is refused", "[smtp]") {
    SmtpSimulator simulator("", "");
    simulator.offer_auth(false);

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    CHECK(delivery.refused);
    CHECK_THAT(delivery.problem, Catch::Contains("does not offer AUTH"));
    check_no_secret(delivery.problem);
    CHECK(simulator.messages().empty());
}

TEST_CASE("smtp: a transient 4xx answer is not yet, and the repeat gets through", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    const auto stage = GENERATE(SmtpStage::mail_from, SmtpStage::rcpt_to, SmtpStage::end_of_data);
    simulator.fail_transactions(1, 451, stage);
    const auto server = server_for(simulator);
    const auto message = board_update();

    const Delivery first = send(server, message, simulator.ca_file());
    CHECK_FALSE(first.done);
    CHECK_FALSE(first.refused);
    CHECK_THAT(first.problem, Catch::StartsWith(kWho) && Catch::Contains("451") && Catch::Contains("Try again later"));
    check_no_secret(first.problem);
    CHECK(simulator.messages().empty());

    const Delivery repeat = send(server, message, simulator.ca_file());
    CHECK(repeat.done);
    CHECK(simulator.count_with_message_id(message.message_id) == 1);
}

TEST_CASE("smtp: a permanent 5xx answer is refused for good", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    const auto stage = GENERATE(SmtpStage::mail_from, SmtpStage::rcpt_to, SmtpStage::end_of_data);
    simulator.fail_transactions(1, 554, stage);

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    CHECK_FALSE(delivery.done);
    CHECK(delivery.refused);
    CHECK_THAT(delivery.problem, Catch::Contains("554"));
    CHECK(simulator.messages().empty());
}

TEST_CASE("smtp: a refused recipient does not stop the others, and the reference names it", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    simulator.refuse_recipient("counsel@example.com");

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    REQUIRE(delivery.done);
    CHECK_THAT(delivery.reference, Catch::Contains("refused: counsel@example.com (") && Catch::Contains("550"));
    const auto received = simulator.messages();
    REQUIRE(received.size() == 1);
    CHECK(received.front().rcpt_to == std::vector<std::string>{"board@example.com"});
}

TEST_CASE("smtp: when every recipient is refused the message is refused", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    simulator.refuse_recipient("board@example.com");
    simulator.refuse_recipient("counsel@example.com");

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    CHECK(delivery.refused);
    CHECK_THAT(delivery.problem, Catch::Contains("refused every recipient") && Catch::Contains("board@example.com") &&
                                     Catch::Contains("counsel@example.com"));
    CHECK(simulator.messages().empty());
}

TEST_CASE("smtp: without STARTTLS the message goes in clear only to a loopback host", "[smtp][hostile]") {
    SECTION("loopback: a relay on the same machine") {
        SmtpSimulator simulator(kUser, kPassword);
        simulator.offer_starttls(false);

        const Delivery delivery = send(server_for(simulator, "127.0.0.1"), board_update(), simulator.ca_file());

        REQUIRE(delivery.done);
        REQUIRE(simulator.messages().size() == 1);
        CHECK_FALSE(simulator.messages().front().over_tls);
    }
    SECTION("anywhere else it is refused, whatever the host's address") {
        CHECK(outside::choose_session_security("mail.example.org", false) == outside::SessionSecurity::refuse);
        CHECK(outside::choose_session_security("192.0.2.25", false) == outside::SessionSecurity::refuse);
        CHECK(outside::choose_session_security("mail.example.org", true) ==
              outside::SessionSecurity::upgrade_with_starttls);
        CHECK(outside::choose_session_security("localhost", false) == outside::SessionSecurity::clear_on_loopback);
        CHECK(outside::choose_session_security("::1", false) == outside::SessionSecurity::clear_on_loopback);
        // Offered, it is used on loopback too.
        CHECK(outside::choose_session_security("127.0.0.1", true) == outside::SessionSecurity::upgrade_with_starttls);
    }
}

TEST_CASE("smtp: a failed TLS handshake after STARTTLS is not yet, and nothing is sent", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    simulator.fail_handshakes(1);

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    CHECK_FALSE(delivery.done);
    CHECK_FALSE(delivery.refused);
    CHECK_THAT(delivery.problem, Catch::Contains("TLS handshake"));
    CHECK(simulator.messages().empty());
    CHECK(send(server_for(simulator), board_update(), simulator.ca_file()).done);
}

TEST_CASE("smtp: a server certificate the client does not trust stops the session before AUTH", "[smtp][hostile]") {
    SmtpSimulator simulator(kUser, kPassword);

    const Delivery delivery = send(server_for(simulator), board_update(), "");   // the system's CAs only

    CHECK_FALSE(delivery.done);
    CHECK_THAT(delivery.problem, Catch::Contains("certificate verify failed"));
    CHECK(simulator.failed_logins() == 0);
    CHECK(simulator.messages().empty());
}

TEST_CASE("smtp: a connection lost after the message is not yet, and the repeat is a recognisable duplicate",
          "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    simulator.drop_after_data(1);
    const auto server = server_for(simulator);
    const auto message = board_update();

    const Delivery lost = send(server, message, simulator.ca_file());
    CHECK_FALSE(lost.done);
    CHECK_FALSE(lost.refused);
    CHECK_THAT(lost.problem, Catch::Contains("may have arrived"));
    CHECK(simulator.count_with_message_id(message.message_id) == 1);

    const Delivery repeat = send(server, message, simulator.ca_file());
    CHECK(repeat.done);
    CHECK(simulator.count_with_message_id(message.message_id) == 2);
    CHECK(simulator.duplicates() == 1);
}

TEST_CASE("smtp: a line break in a header field is refused before connecting", "[smtp][hostile]") {
    SmtpSimulator simulator(kUser, kPassword);
    auto message = board_update();
    SECTION("in the subject") { message.subject = "Update\r\nBcc: everyone@example.com"; }
    SECTION("in a recipient") { message.to.push_back("x@example.com\nBcc: everyone@example.com"); }
    SECTION("in the sender") { message.from = "Warroom <warroom@example.com>\rBcc: everyone@example.com"; }
    SECTION("in an extra header") { message.headers.emplace_back("X-Warroom-Audience", "board\nBcc: e@example.com"); }

    const Delivery delivery = send(server_for(simulator), message, simulator.ca_file());

    CHECK(delivery.refused);
    CHECK_THAT(delivery.problem, Catch::Contains("line break"));
    CHECK(simulator.connections() == 0);
}

TEST_CASE("smtp: a slow server is not yet once the step's timeout passes", "[smtp]") {
    SmtpSimulator simulator(kUser, kPassword);
    simulator.slow_greeting(5s);

    const auto started = std::chrono::steady_clock::now();
    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file(), 300ms);

    CHECK_FALSE(delivery.done);
    CHECK_FALSE(delivery.refused);
    CHECK_THAT(delivery.problem, Catch::Contains("did not answer within 300 ms at the greeting"));
    CHECK(std::chrono::steady_clock::now() - started < 4s);
}

TEST_CASE("smtp: a reply that never ends is cut off", "[smtp][hostile]") {
    SmtpSimulator simulator(kUser, kPassword);
    simulator.endless_greeting(true);

    const Delivery delivery = send(server_for(simulator), board_update(), simulator.ca_file());

    CHECK_FALSE(delivery.done);
    CHECK_THAT(delivery.problem, Catch::Contains("longer than"));
}

TEST_CASE("smtp: an smtp:// or smtps:// URL names the server, anything else is a problem naming the field",
          "[smtp]") {
    auto parsed = outside::parse_smtp_url("smtp://mail.example.org", "email.smtp_url");
    REQUIRE(std::holds_alternative<outside::SmtpServer>(parsed));
    CHECK(std::get<outside::SmtpServer>(parsed).host == "mail.example.org");
    CHECK(std::get<outside::SmtpServer>(parsed).port == "587");
    CHECK_FALSE(std::get<outside::SmtpServer>(parsed).implicit_tls);

    parsed = outside::parse_smtp_url("smtps://mail.example.org", "email.smtp_url");
    REQUIRE(std::holds_alternative<outside::SmtpServer>(parsed));
    CHECK(std::get<outside::SmtpServer>(parsed).port == "465");
    CHECK(std::get<outside::SmtpServer>(parsed).implicit_tls);

    parsed = outside::parse_smtp_url("smtp://[::1]:2525", "email.smtp_url");
    REQUIRE(std::holds_alternative<outside::SmtpServer>(parsed));
    CHECK(std::get<outside::SmtpServer>(parsed).host == "::1");
    CHECK(std::get<outside::SmtpServer>(parsed).port == "2525");

    for (const char* url : {"https://mail.example.org", "smtp://", "smtp://mail.example.org:99999",
                            "smtp://mail.example.org/inbox", "not a url"}) {
        parsed = outside::parse_smtp_url(url, "email.smtp_url");
        REQUIRE(std::holds_alternative<std::string>(parsed));
        CHECK_THAT(std::get<std::string>(parsed), Catch::StartsWith("email.smtp_url: "));
    }

    parsed = outside::parse_smtp_url("smtp://mailer:s3cret-pass@mail.example.org", "email.smtp_url");
    REQUIRE(std::holds_alternative<std::string>(parsed));
    CHECK_THAT(std::get<std::string>(parsed), Catch::Contains("credentials do not belong in the URL"));
    CHECK_THAT(std::get<std::string>(parsed), !Catch::Contains("s3cret-pass"));
}
