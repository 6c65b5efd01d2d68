#pragma once
// One approved text as an Internet message (RFC 5322 with MIME): the headers
// a mail client shows (Date, From, To, Subject, Message-ID), the body as
// UTF-8 text in a 7-bit transfer encoding, and the checks that keep a caller's
// text from adding headers of its own (a CR or LF in a header field).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warroom::outside {

struct EmailMessage {
    std::string from;                    // "warroom@example.com" or "Warroom <warroom@example.com>"
    std::vector<std::string> to;         // addresses, each optionally with a display name
    std::string subject;                 // UTF-8; RFC 2047-encoded when not ASCII
    std::string body;                    // UTF-8 text; sent quoted-printable or base64, charset=utf-8
    // "<...@...>", derived by the caller from the outbox job, so a repeat of
    // the same job is recognisable as the same message by the receiver.
    std::string message_id;
    std::chrono::system_clock::time_point date;                  // the Date header, from the bot's clock
    std::vector<std::pair<std::string, std::string>> headers;    // extra, e.g. X-Warroom-Incident
};

// Why the message cannot be sent as it is, in words for the person who set
// it up: a CR or LF in a header field (which would forge headers), an address
// that is none, no recipient, a malformed Message-ID, a body that is not
// UTF-8. nullopt when it can be sent. Checked before any connection.
std::optional<std::string> message_problem(const EmailMessage& message);

// The address alone, for MAIL FROM and RCPT TO: "Warroom <a@b.example>" -> "a@b.example".
std::string mailbox_address(std::string_view mailbox);

// The whole message with CRLF line ends and no line over 998 bytes, ready for
// DATA but for dot-stuffing (a transport matter). Only for a message without
// a message_problem.
std::string render_message(const EmailMessage& message);

// Header text as RFC 2047 encoded words ("=?utf-8?B?...?=", folded) when it
// is not plain printable ASCII; otherwise as it is.
std::string encoded_header_text(std::string_view text);

// "Wed, 18 Nov 2026 11:06:40 +0000"
std::string rfc5322_date(std::chrono::system_clock::time_point when);

// MIME's encodings (RFC 2045): quoted-printable text with CRLF line ends and
// lines of at most 76 characters, and base64 without line breaks.
std::string quoted_printable(std::string_view text);
std::string base64(std::string_view bytes);

}  // namespace warroom::outside
