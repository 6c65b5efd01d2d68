#include "adapters/outside/smtp_message.hpp"

#include <array>
#include <ctime>

#include "bot/text.hpp"

namespace warroom::outside {
namespace {

// A header line may be 998 bytes (RFC 5322 2.1.1); text longer than this is sent as folded encoded words.
constexpr std::size_t kLongestPlainHeaderText = 900;
// "=?utf-8?B?" + 60 base64 characters + "?=" is 72, within an encoded word's 75 (RFC 2047 2).
constexpr std::size_t kEncodedWordBytes = 45;
constexpr std::size_t kQuotedPrintableLine = 76;
constexpr std::size_t kBase64BodyLine = 76;

// Headers this file writes itself: a caller's extra header must not repeat or contradict them.
constexpr std::array kOwnHeaders = {"date",       "from",         "to",           "cc",
                                    "bcc",        "subject",      "message-id",   "mime-version",
                                    "content-type", "content-transfer-encoding", "sender", "reply-to"};

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

bool is_printable_ascii(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

// Up to 80 printable characters of a value, for a problem that names it.
std::string shown(std::string_view text) {
    std::string line;
    for (unsigned char c : text.substr(0, 80)) line += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    if (text.size() > 80) line += "...";
    return line;
}

struct Mailbox {
    std::string display_name;          // empty when the mailbox is a bare address
    std::string address;
};

Mailbox split_mailbox(std::string_view mailbox) {
    const auto open = mailbox.rfind('<');
    const auto close = mailbox.rfind('>');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        return Mailbox{{}, trim(mailbox)};
    std::string name = trim(mailbox.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    return Mailbox{name, trim(mailbox.substr(open + 1, close - open - 1))};
}

// A conservative address check: printable ASCII without the characters that
// would need quoting, one '@' with something either side. Internationalised
// addresses (SMTPUTF8) are not sent.
bool is_plain_address(std::string_view address) {
    if (address.size() < 3 || address.size() > 254) return false;
    for (unsigned char c : address) {
        if (c <= 0x20 || c >= 0x7f) return false;
        if (std::string_view("<>()[]\\,;:\"").find(static_cast<char>(c)) != std::string_view::npos) return false;
    }
    const auto at = address.find('@');
    return at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
           address.find('@', at + 1) == std::string_view::npos;
}

std::optional<std::string> mailbox_problem(std::string_view mailbox, std::string_view field) {
    if (has_line_break(mailbox))
        return std::string(field) + " contains a line break (CR or LF), which would let it add headers of its own";
    const auto trailing = mailbox.rfind('>');
    if (trailing != std::string_view::npos && !trim(mailbox.substr(trailing + 1)).empty())
        return std::string(field) + " \"" + shown(mailbox) + "\" has text after its address";
    const Mailbox parts = split_mailbox(mailbox);
    if (!is_plain_address(parts.address))
        return std::string(field) + " \"" + shown(mailbox) +
               "\" is not an e-mail address (name@example.org, optionally as \"Name <name@example.org>\")";
    if (!is_valid_utf8(parts.display_name)) return std::string(field) + "'s display name is not valid UTF-8";
    return std::nullopt;
}

std::string header_mailbox(std::string_view mailbox) {
    const Mailbox parts = split_mailbox(mailbox);
    if (parts.display_name.empty()) return parts.address;
    if (!is_printable_ascii(parts.display_name))
        return encoded_header_text(parts.display_name) + " <" + parts.address + ">";
    std::string quoted = "\"";
    for (char c : parts.display_name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" <" + parts.address + ">";
}

bool is_message_id(std::string_view id) {
    if (id.size() < 5 || id.size() > 250 || id.front() != '<' || id.back() != '>') return false;
    const std::string_view inside = id.substr(1, id.size() - 2);
    for (unsigned char c : inside)
        if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>') return false;
    const auto at = inside.find('@');
    return at != std::string_view::npos && at > 0 && at + 1 < inside.size();
}

bool is_header_name(std::string_view name) {
    if (name.empty() || name.size() > 76) return false;
    for (unsigned char c : name)
        if (c <= 0x20 || c >= 0x7f || c == ':') return false;
    return true;
}

// Text lines, whatever their ends were ("\r\n", "\n" or "\r").
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r' && text[i] != '\n') continue;
        lines.push_back(text.substr(start, i - start));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        start = i + 1;
    }
    lines.push_back(text.substr(start));
    return lines;
}

std::string hex_escape(unsigned char c) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    return {'=', kHex[c >> 4], kHex[c & 0xf]};
}

// Mostly non-Latin text grows threefold in quoted-printable and by a third in base64.
bool mostly_non_ascii(std::string_view text) {
    std::size_t high = 0;
    for (unsigned char c : text) high += c >= 0x80;
    return high * 3 > text.size();
}

std::string base64_lines(std::string_view bytes) {
    const std::string encoded = base64(bytes);
    std::string wrapped;
    for (std::size_t at = 0; at < encoded.size(); at += kBase64BodyLine)
        wrapped += encoded.substr(at, kBase64BodyLine) + "\r\n";
    return wrapped;
}

}  // namespace

std::optional<std::string> message_problem(const EmailMessage& message) {
    if (auto problem = mailbox_problem(message.from, "the sender (From)")) return problem;
    if (message.to.empty()) return "the message has no recipient";
    for (const std::string& recipient : message.to)
        if (auto problem = mailbox_problem(recipient, "the recipient")) return problem;
    if (has_line_break(message.subject))
        return "the subject contains a line break (CR or LF), which would let it add headers of its own";
    if (!is_valid_utf8(message.subject)) return "the subject is not valid UTF-8";
    if (!is_message_id(message.message_id))
        return "the Message-ID \"" + shown(message.message_id) + "\" is not of the form <unique@domain>";
    for (const auto& [name, value] : message.headers) {
        if (!is_header_name(name)) return "the header name \"" + shown(name) + "\" is not a valid header name";
        const std::string lower = ascii_lower(name);
        for (const char* own : kOwnHeaders)
            if (lower == own) return "the header " + name + " is written by warroom and cannot be set as an extra one";
        if (has_line_break(value))
            return "the header " + name + " contains a line break (CR or LF), which would let it add headers of its own";
        if (!is_valid_utf8(value)) return "the header " + name + " is not valid UTF-8";
    }
    if (!is_valid_utf8(message.body)) return "the text is not valid UTF-8";
    return std::nullopt;
}

std::string mailbox_address(std::string_view mailbox) { return split_mailbox(mailbox).address; }

std::string render_message(const EmailMessage& message) {
    std::string text;
    text += "Date: " + rfc5322_date(message.date) + "\r\n";
    text += "From: " + header_mailbox(message.from) + "\r\n";
    text += "To: ";
    for (std::size_t i = 0; i < message.to.size(); ++i) text += (i ? ",\r\n " : "") + header_mailbox(message.to[i]);
    text += "\r\n";
    text += "Subject: " + encoded_header_text(message.subject) + "\r\n";
    text += "Message-ID: " + message.message_id + "\r\n";
    for (const auto& [name, value] : message.headers) text += name + ": " + encoded_header_text(value) + "\r\n";
    text += "MIME-Version: 1.0\r\n";
    text += "Content-Type: text/plain; charset=utf-8\r\n";
    if (mostly_non_ascii(message.body)) {
        text += "Content-Transfer-Encoding: base64\r\n\r\n";
        // Line ends are part of the text: as CRLF, what a reader's mail client shows as lines.
        std::string crlf_body;
        const auto lines = lines_of(message.body);
        for (std::size_t i = 0; i < lines.size(); ++i) crlf_body += (i ? "\r\n" : "") + std::string(lines[i]);
        text += base64_lines(crlf_body);
    } else {
        text += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
        text += quoted_printable(message.body);
    }
    return text;
}

std::string encoded_header_text(std::string_view text) {
    if (is_printable_ascii(text) && text.size() <= kLongestPlainHeaderText) return std::string(text);
    std::string words;
    std::size_t at = 0;
    while (at < text.size()) {
        // Whole characters only: a decoder shows each encoded word on its own.
        std::size_t end = at;
        while (end < text.size()) {
            const std::size_t length = std::max<std::size_t>(decode_utf8(text, end).length, 1);
            if (end + length - at > kEncodedWordBytes) break;
            end += length;
        }
        if (end == at) end = at + 1;
        if (!words.empty()) words += "\r\n ";
        words += "=?utf-8?B?" + base64(text.substr(at, end - at)) + "?=";
        at = end;
    }
    return words;
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);   // C locale: English names
    return text;
}

std::string quoted_printable(std::string_view text) {
    std::string encoded;
    auto lines = lines_of(text);
    // A text that ends with a line break ends there, not with an empty line after it.
    if (lines.size() > 1 && lines.back().empty()) lines.pop_back();
    for (const std::string_view line : lines) {
        std::size_t line_length = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(line[i]);
            const bool last = i + 1 == line.size();
            const bool literal =
                (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);   // no trailing blanks
            const std::string token = literal ? std::string(1, static_cast<char>(c)) : hex_escape(c);
            // Room for the soft break's '=' on the line.
            if (line_length + token.size() > kQuotedPrintableLine - 1) {
                encoded += "=\r\n";
                line_length = 0;
            }
            encoded += token;
            line_length += token.size();
        }
        encoded += "\r\n";
    }
    return encoded;
}

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string encoded;
    encoded.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
        if (n > 1) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (n > 2) group |= static_cast<unsigned char>(bytes[i + 2]);
        encoded += kAlphabet[(group >> 18) & 63];
        encoded += kAlphabet[(group >> 12) & 63];
        encoded += n > 1 ? kAlphabet[(group >> 6) & 63] : '=';
        encoded += n > 2 ? kAlphabet[group & 63] : '=';
    }
    return encoded;
}

}  // namespace warroom::outside
