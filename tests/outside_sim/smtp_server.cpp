#include "outside_sim/smtp_server.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <tuple>

#include <boost/asio/buffer.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "sim_common/use_nothrow.hpp"

namespace warroom::outside_sim {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using sim_common::use_nothrow;

namespace {

constexpr std::size_t kLongestLine = 64 * 1024;
constexpr const char* kServerName = "sim.warroom.test";

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string base64_decode(std::string_view text) {
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string bytes;
    std::uint32_t group = 0;
    int bits = 0;
    for (const char c : text) {
        const auto value = kAlphabet.find(c);
        if (value == std::string::npos) continue;   // '=', whitespace and line breaks
        group = (group << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((group >> bits) & 0xff);
        }
    }
    return bytes;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Quoted-printable (RFC 2045 6.7); `in_header` is RFC 2047's Q, where '_' is a space.
std::string quoted_printable_decode(std::string_view text, bool in_header = false) {
    std::string bytes;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '=' && text.substr(i + 1, 2) == "\r\n") {
            i += 2;   // a soft line break
        } else if (text[i] == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            bytes += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else if (in_header && text[i] == '_') {
            bytes += ' ';
        } else {
            bytes += text[i];
        }
    }
    return bytes;
}

// RFC 2047 encoded words ("=?utf-8?B?...?="), the blanks between adjacent ones dropped.
std::string decode_header_text(std::string_view value) {
    std::string decoded;
    std::string pending_blank;
    bool after_word = false;
    std::size_t at = 0;
    while (at < value.size()) {
        if (value.substr(at, 2) == "=?") {
            const auto charset_end = value.find('?', at + 2);
            const auto encoding_end = charset_end == std::string_view::npos ? charset_end : value.find('?', charset_end + 1);
            const auto word_end = encoding_end == std::string_view::npos ? encoding_end : value.find("?=", encoding_end + 1);
            if (word_end != std::string_view::npos) {
                const char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(value[charset_end + 1])));
                const std::string_view text = value.substr(encoding_end + 1, word_end - encoding_end - 1);
                if (!after_word) decoded += pending_blank;
                pending_blank.clear();
                decoded += encoding == 'B' ? base64_decode(text) : quoted_printable_decode(text, true);
                after_word = true;
                at = word_end + 2;
                continue;
            }
        }
        if (value[at] == ' ' || value[at] == '\t') {
            pending_blank += value[at];
        } else {
            decoded += pending_blank;
            pending_blank.clear();
            decoded += value[at];
            after_word = false;
        }
        ++at;
    }
    return decoded + pending_blank;
}

// Headers unfolded, the body decoded: what a mail client would show.
void read_message(ReceivedEmail& email) {
    const auto blank_line = email.data.find("\r\n\r\n");
    const std::string head = email.data.substr(0, blank_line);
    std::string body = blank_line == std::string::npos ? "" : email.data.substr(blank_line + 4);

    std::size_t at = 0;
    while (at < head.size()) {
        auto end = head.find("\r\n", at);
        if (end == std::string::npos) end = head.size();
        const std::string line = head.substr(at, end - at);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !email.headers.empty()) {
            email.headers.back().second += line;   // a folded line continues the header before it
        } else if (const auto colon = line.find(':'); colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.erase(0, 1);
            email.headers.emplace_back(line.substr(0, colon), value);
        }
        at = end + 2;
    }
    email.message_id = email.header("Message-ID");
    email.subject = decode_header_text(email.header("Subject"));

    const std::string encoding = lower(email.header("Content-Transfer-Encoding"));
    if (encoding == "quoted-printable") body = quoted_printable_decode(body);
    else if (encoding == "base64") body = base64_decode(body);
    std::string text;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n') continue;
        text += body[i];
    }
    if (!text.empty() && text.back() == '\n') text.pop_back();
    email.body = std::move(text);
}

}  // namespace

std::string ReceivedEmail::header(std::string_view name) const {
    for (const auto& [header_name, value] : headers)
        if (lower(header_name) == lower(name)) return value;
    return {};
}

// One client's conversation, command by command, on the simulator's I/O thread.
class SmtpSimulator::Session {
public:
    Session(SmtpSimulator& simulator, tcp::socket socket)
        : simulator_(simulator), stream_(std::move(socket), simulator.server_.tls()) {}

    asio::awaitable<void> run() {
        simulator_.state_.update([](State& state) { ++state.connections; });
        if (simulator_.security_ == Security::implicit_tls && !co_await start_tls()) co_return;
        const auto [delay, endless] = simulator_.state_.read(
            [](const State& state) { return std::pair(state.greeting_delay, state.endless_greeting); });
        if (delay.count() > 0) {
            asio::steady_timer wait(stream_.get_executor(), delay);
            co_await wait.async_wait(use_nothrow);
        }
        if (endless) {
            co_await send_endless_line();
            co_return;
        }
        if (!co_await reply(std::string("220 ") + kServerName + " ESMTP warroom simulator")) co_return;

        for (;;) {
            const auto line = co_await read_line();
            if (!line) co_return;
            const auto space = line->find(' ');
            const std::string verb = upper(line->substr(0, space));
            const std::string argument = space == std::string::npos ? "" : line->substr(space + 1);
            bool go_on = true;
            if (verb == "EHLO") go_on = co_await ehlo(argument);
            else if (verb == "HELO") go_on = co_await helo();
            else if (verb == "STARTTLS") go_on = co_await starttls();
            else if (verb == "AUTH") go_on = co_await auth(argument);
            else if (verb == "MAIL") go_on = co_await mail_from(argument);
            else if (verb == "RCPT") go_on = co_await rcpt_to(argument);
            else if (verb == "DATA") go_on = co_await data();
            else if (verb == "RSET") {
                reset_transaction();
                go_on = co_await reply("250 2.0.0 Ok");
            } else if (verb == "NOOP") go_on = co_await reply("250 2.0.0 Ok");
            else if (verb == "QUIT") {
                co_await reply("221 2.0.0 Bye");
                co_return;
            } else go_on = co_await reply("502 5.5.2 Command not recognized");
            if (!go_on) co_return;
        }
    }

private:
    asio::awaitable<bool> ehlo(const std::string& client) {
        said_ehlo_ = true;
        reset_transaction();
        const auto [offers_starttls, offers_auth, mechanisms] = simulator_.state_.read([](const State& state) {
            return std::tuple(state.offer_starttls, state.offer_auth, state.auth_mechanisms);
        });
        std::vector<std::string> lines{std::string(kServerName) + " greets " + client, "8BITMIME", "SIZE 10485760"};
        if (offers_starttls && !encrypted_ && simulator_.security_ == Security::starttls) lines.push_back("STARTTLS");
        if (offers_auth) lines.push_back("AUTH " + mechanisms);
        lines.push_back("ENHANCEDSTATUSCODES");
        std::string answer;
        for (std::size_t i = 0; i < lines.size(); ++i)
            answer += "250" + std::string(i + 1 < lines.size() ? "-" : " ") + lines[i] + "\r\n";
        co_return co_await write(answer);
    }

    asio::awaitable<bool> helo() {
        said_ehlo_ = true;
        reset_transaction();
        co_return co_await reply(std::string("250 ") + kServerName);
    }

    asio::awaitable<bool> starttls() {
        const bool offered = simulator_.state_.read([](const State& state) { return state.offer_starttls; });
        if (!offered || encrypted_ || simulator_.security_ != Security::starttls)
            co_return co_await reply("502 5.5.1 STARTTLS not available");
        if (!co_await reply("220 2.0.0 Ready to start TLS")) co_return false;
        received_.clear();   // nothing said in clear counts after the upgrade (RFC 3207 4.2)
        if (!co_await start_tls()) co_return false;
        // The session starts again: the client says EHLO anew and logs in over TLS.
        said_ehlo_ = false;
        authenticated_as_.clear();
        reset_transaction();
        co_return true;
    }

    asio::awaitable<bool> start_tls() {
        const bool fail = simulator_.state_.update([](State& state) {
            if (state.handshakes_to_fail <= 0) return false;
            --state.handshakes_to_fail;
            return true;
        });
        if (fail) {
            // Read the ClientHello first, so the client reads the answer (not a reset of unread data).
            char client_hello[4096];
            co_await stream_.next_layer().async_read_some(asio::buffer(client_hello), use_nothrow);
            static constexpr char kNotTls[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
            co_await asio::async_write(stream_.next_layer(), asio::buffer(kNotTls, sizeof kNotTls - 1), use_nothrow);
            close();
            co_return false;
        }
        auto [error] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_nothrow);
        if (error) co_return false;
        encrypted_ = true;
        co_return true;
    }

    asio::awaitable<bool> auth(const std::string& argument) {
        if (!said_ehlo_ || !authenticated_as_.empty()) co_return co_await reply("503 5.5.1 Bad sequence of commands");
        const auto space = argument.find(' ');
        const std::string mechanism = upper(argument.substr(0, space));
        std::optional<std::string> initial;
        if (space != std::string::npos) initial = argument.substr(space + 1);

        const std::string offered = simulator_.state_.read([](const State& state) { return state.auth_mechanisms; });
        if (!mechanism.empty() && (" " + offered + " ").find(" " + mechanism + " ") == std::string::npos)
            co_return co_await reply("504 5.5.4 Unrecognized authentication type");
        std::string username, password;
        std::string sent;              // the client's responses as they came, for echo_credentials
        if (mechanism == "PLAIN") {
            if (!initial) {
                if (!co_await reply("334 ")) co_return false;
                initial = co_await read_line();
                if (!initial) co_return false;
            }
            sent = *initial;
            const std::string decoded = base64_decode(*initial);
            const auto first = decoded.find('\0');
            const auto second = first == std::string::npos ? first : decoded.find('\0', first + 1);
            if (second == std::string::npos) co_return co_await reply("501 5.5.2 Cannot decode the response");
            username = decoded.substr(first + 1, second - first - 1);
            password = decoded.substr(second + 1);
        } else if (mechanism == "LOGIN") {
            if (!initial) {
                if (!co_await reply("334 VXNlcm5hbWU6")) co_return false;   // "Username:"
                initial = co_await read_line();
                if (!initial) co_return false;
            }
            username = base64_decode(*initial);
            if (!co_await reply("334 UGFzc3dvcmQ6")) co_return false;       // "Password:"
            const auto answer = co_await read_line();
            if (!answer) co_return false;
            password = base64_decode(*answer);
            sent = *initial + " " + *answer;
        } else {
            co_return co_await reply("504 5.5.4 Unrecognized authentication type");
        }
        if (username != simulator_.username_ || password != simulator_.password_ || simulator_.username_.empty()) {
            const bool echo = simulator_.state_.update([](State& state) {
                ++state.failed_logins;
                return state.echo_credentials;
            });
            std::string answer = "535 5.7.8 Authentication credentials invalid";
            if (echo) answer += " for " + username + " with password " + password + " (" + sent + ")";
            co_return co_await reply(answer);
        }
        authenticated_as_ = username;
        co_return co_await reply("235 2.7.0 Authentication successful");
    }

    asio::awaitable<bool> mail_from(const std::string& argument) {
        if (!said_ehlo_ || mail_from_) co_return co_await reply("503 5.5.1 Bad sequence of commands");
        if (!simulator_.username_.empty() && authenticated_as_.empty())
            co_return co_await reply("530 5.7.0 Authentication required");
        const auto address = angle_address(argument, "FROM:");
        if (!address) co_return co_await reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        // Whether this transaction is one of the failing ones is decided once, at its start.
        fault_ = simulator_.state_.update([](State& state) -> std::optional<Fault> {
            if (state.transactions_to_fail <= 0) return std::nullopt;
            --state.transactions_to_fail;
            return state.transaction_fault;
        });
        if (fault_ && fault_->stage == SmtpStage::mail_from) {
            const int code = fault_->code;
            reset_transaction();
            co_return co_await reply(failure_text(code));
        }
        mail_from_ = *address;
        co_return co_await reply("250 2.1.0 Ok");
    }

    asio::awaitable<bool> rcpt_to(const std::string& argument) {
        if (!mail_from_) co_return co_await reply("503 5.5.1 Bad sequence of commands");
        const auto address = angle_address(argument, "TO:");
        if (!address) co_return co_await reply("501 5.5.4 Syntax: RCPT TO:<address>");
        if (fault_ && fault_->stage == SmtpStage::rcpt_to) co_return co_await reply(failure_text(fault_->code));
        const bool refused = simulator_.state_.read(
            [&](const State& state) { return state.refused_recipients.contains(*address); });
        if (refused) co_return co_await reply("550 5.1.1 <" + *address + ">: Recipient address rejected: mailbox unavailable");
        rcpt_to_.push_back(*address);
        co_return co_await reply("250 2.1.5 Ok");
    }

    asio::awaitable<bool> data() {
        if (!mail_from_) co_return co_await reply("503 5.5.1 Bad sequence of commands");
        if (rcpt_to_.empty()) co_return co_await reply("554 5.5.1 No valid recipients");
        if (!co_await reply("354 End data with <CR><LF>.<CR><LF>")) co_return false;
        std::string text;
        for (;;) {
            auto line = co_await read_line();
            if (!line) co_return false;
            if (*line == ".") break;
            if (!line->empty() && line->front() == '.') line->erase(0, 1);   // dot-stuffing undone
            text += *line + "\r\n";
        }

        if (fault_ && fault_->stage == SmtpStage::end_of_data) {
            const int code = fault_->code;
            reset_transaction();
            co_return co_await reply(failure_text(code));
        }
        ReceivedEmail email;
        email.mail_from = *mail_from_;
        email.rcpt_to = rcpt_to_;
        email.data = std::move(text);
        email.over_tls = encrypted_;
        email.authenticated_as = authenticated_as_;
        read_message(email);
        reset_transaction();
        const bool drop = simulator_.state_.update([&](State& state) {
            state.messages.push_back(std::move(email));
            if (state.messages_to_drop <= 0) return false;
            --state.messages_to_drop;
            return true;
        });
        if (drop) {
            close();   // kept, but the client hears nothing: as when a connection breaks at this moment
            co_return false;
        }
        const std::size_t queued = simulator_.state_.read([](const State& state) { return state.messages.size(); });
        co_return co_await reply("250 2.0.0 Ok: queued as SIM" + std::to_string(queued));
    }

    static std::string failure_text(int code) {
        if (code >= 500) return std::to_string(code) + " 5.3.0 Transaction failed (simulated)";
        return std::to_string(code) + " 4.3.0 Try again later (simulated)";
    }

    // "FROM:<a@b> SIZE=10" -> "a@b"
    static std::optional<std::string> angle_address(const std::string& argument, std::string_view keyword) {
        if (upper(argument.substr(0, keyword.size())) != keyword) return std::nullopt;
        const auto open = argument.find('<');
        const auto close = argument.find('>', open == std::string::npos ? 0 : open);
        if (open == std::string::npos || close == std::string::npos) return std::nullopt;
        return argument.substr(open + 1, close - open - 1);
    }

    void reset_transaction() {
        mail_from_.reset();
        rcpt_to_.clear();
        fault_.reset();
    }

    asio::awaitable<std::optional<std::string>> read_line() {
        auto buffer = asio::dynamic_buffer(received_, kLongestLine);
        auto [error, length] = encrypted_ ? co_await asio::async_read_until(stream_, buffer, "\r\n", use_nothrow)
                                          : co_await asio::async_read_until(stream_.next_layer(), buffer, "\r\n",
                                                                            use_nothrow);
        if (error) co_return std::nullopt;
        std::string line = received_.substr(0, length - 2);
        received_.erase(0, length);
        co_return line;
    }

    asio::awaitable<bool> reply(const std::string& line) { co_return co_await write(line + "\r\n"); }

    asio::awaitable<bool> write(const std::string& bytes) {
        auto [error, written] = encrypted_ ? co_await asio::async_write(stream_, asio::buffer(bytes), use_nothrow)
                                           : co_await asio::async_write(stream_.next_layer(), asio::buffer(bytes),
                                                                        use_nothrow);
        (void)written;
        co_return !error;
    }

    asio::awaitable<void> send_endless_line() {
        const std::string start = "220-";
        const std::string more(4096, 'x');
        if (!co_await write(start)) co_return;
        while (co_await write(more)) {}
    }

    void close() {
        boost::system::error_code ignored;
        stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.next_layer().close(ignored);
    }

    SmtpSimulator& simulator_;
    asio::ssl::stream<tcp::socket> stream_;
    std::string received_;             // read, not yet taken as a line
    bool encrypted_ = false;
    bool said_ehlo_ = false;
    std::string authenticated_as_;
    std::optional<std::string> mail_from_;
    std::vector<std::string> rcpt_to_;
    std::optional<Fault> fault_;       // this transaction fails, and where
};

SmtpSimulator::SmtpSimulator(std::string username, std::string password, Security security)
    : username_(std::move(username)),
      password_(std::move(password)),
      security_(security),
      server_("smtp simulator", "smtp-sim") {
    server_.start([this](tcp::socket socket) { return serve(std::move(socket)); });
}

SmtpSimulator::~SmtpSimulator() { server_.stop(); }

asio::awaitable<void> SmtpSimulator::serve(tcp::socket socket) {
    Session session(*this, std::move(socket));
    co_await session.run();
}

void SmtpSimulator::offer_starttls(bool offered) {
    state_.update([&](State& state) { state.offer_starttls = offered; });
}

void SmtpSimulator::offer_auth(bool offered) {
    state_.update([&](State& state) { state.offer_auth = offered; });
}

void SmtpSimulator::offer_auth_mechanisms(std::string mechanisms) {
    state_.update([&](State& state) { state.auth_mechanisms = std::move(mechanisms); });
}

void SmtpSimulator::fail_handshakes(int sessions) {
    state_.update([&](State& state) { state.handshakes_to_fail = sessions; });
}

void SmtpSimulator::fail_transactions(int transactions, int code, SmtpStage stage) {
    state_.update([&](State& state) {
        state.transactions_to_fail = transactions;
        state.transaction_fault = Fault{code, stage};
    });
}

void SmtpSimulator::refuse_recipient(std::string address) {
    state_.update([&](State& state) { state.refused_recipients.insert(std::move(address)); });
}

void SmtpSimulator::drop_after_data(int messages) {
    state_.update([&](State& state) { state.messages_to_drop = messages; });
}

void SmtpSimulator::slow_greeting(std::chrono::milliseconds delay) {
    state_.update([&](State& state) { state.greeting_delay = delay; });
}

void SmtpSimulator::echo_credentials(bool echo) {
    state_.update([&](State& state) { state.echo_credentials = echo; });
}

void SmtpSimulator::endless_greeting(bool endless) {
    state_.update([&](State& state) { state.endless_greeting = endless; });
}

std::vector<ReceivedEmail> SmtpSimulator::messages() const {
    return state_.read([](const State& state) { return state.messages; });
}

std::size_t SmtpSimulator::count_with_message_id(std::string_view message_id) const {
    return state_.read([&](const State& state) {
        return static_cast<std::size_t>(std::count_if(state.messages.begin(), state.messages.end(),
                                                      [&](const ReceivedEmail& e) { return e.message_id == message_id; }));
    });
}

std::size_t SmtpSimulator::duplicates() const {
    return state_.read([](const State& state) {
        std::map<std::string, std::size_t> copies;
        for (const ReceivedEmail& email : state.messages) ++copies[email.message_id];
        std::size_t extra = 0;
        for (const auto& [id, count] : copies) extra += count - 1;
        return extra;
    });
}

std::size_t SmtpSimulator::connections() const {
    return state_.read([](const State& state) { return state.connections; });
}

std::size_t SmtpSimulator::failed_logins() const {
    return state_.read([](const State& state) { return state.failed_logins; });
}

}  // namespace warroom::outside_sim
