#pragma once
// Matrix HTML for the bot's notices: user text made inert, and the one live
// reference the bot writes on purpose, a pill for a Matrix user id.
//
// @room: a room-wide ping comes from the legacy push rule that looks for
// "@room" in `body`, not from formatted_body. warroom keeps `body` exactly as
// the core wrote it (it is what gets published and audited), so instead every
// notice carries `m.mentions` (Matrix v1.7 intentional mentions): when it is
// present, servers and clients stop applying the legacy body rules, so
// "@room" in text pings no one. In formatted_body "@room" is plain escaped
// text. On older servers the room's power levels (notifications.room) decide.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/html_escape.hpp"

namespace warroom::matrix {

// Matrix caps a whole event (content, signatures, envelope) at 65,536 bytes.
inline constexpr std::size_t kMaxEventBytes = 65536;
// Pieces of a long post carry at most this much body. formatted_body repeats
// the body escaped (usually about the same size, up to 6x for text full of
// quotes), and the server adds the envelope and signatures, so 16,000 bytes of
// body leaves room for both in ordinary text; kMaxContentBytes below catches
// the rest. It is also about one screenful and a half, which reads better.
inline constexpr std::size_t kMaxPieceBodyBytes = 16000;
// The serialised content of one piece stays below this, leaving over 5 KB
// for what the server adds to the event.
inline constexpr std::size_t kMaxContentBytes = 60000;

inline constexpr std::string_view kHtmlFormat = "org.matrix.custom.html";

using warroom::escape_html;   // bot/html_escape.hpp

// "@alice:example.org": '@', a localpart of [a-z0-9._=/+-], ':', and a server
// name (a DNS name or IPv4 address of [A-Za-z0-9.-], optionally ":port").
// IPv6 literal server names are not accepted, and such ids stay plain text.
bool is_matrix_user_id(std::string_view text);

// The matrix.to link for a user id, e.g. "https://matrix.to/#/@alice:example.org".
std::string matrix_to_link(std::string_view user_id);

// escape_html, then each valid Matrix user id in the text as a pill and each
// line break as <br>. Other '@' words, including "@room", stay plain text.
std::string html_with_pills(std::string_view text);

// Where html_with_pills finds a valid Matrix user id in text: bytes
// [at, at + length), in order, not overlapping.
struct UserIdSpan {
    std::size_t at = 0;
    std::size_t length = 0;
};
std::vector<UserIdSpan> user_id_spans(std::string_view text);

// The valid Matrix user ids that html_with_pills turns into pills, each once,
// in order of first appearance: the notice's m.mentions.user_ids.
std::vector<std::string> pilled_user_ids(std::string_view text);

// One m.notice with body exactly `text` and formatted_body its HTML.
nlohmann::json notice_content(std::string_view text);

// Splits text at line boundaries into pieces of at most max_bytes each; a
// line longer than that is cut at a character boundary, never inside a UTF-8
// character. Line breaks stay at the end of their line, so the pieces
// concatenated are exactly the input. Empty text gives one empty piece.
std::vector<std::string> split_lines_utf8(std::string_view text, std::size_t max_bytes);

// The notices for a post of any length, in order: pieces of at most
// kMaxPieceBodyBytes of body whose content stays under kMaxContentBytes.
std::vector<nlohmann::json> notice_contents(std::string_view text);

// The contents of `text`, cut by `split` into pieces of at most
// kMaxPieceBodyBytes, each made into an event's content by `content_of`; a
// piece whose content exceeds kMaxContentBytes is cut finer until each part fits.
using SplitText = std::function<std::vector<std::string>(std::string_view, std::size_t)>;
using ContentOf = std::function<nlohmann::json(const std::string&)>;
std::vector<nlohmann::json> contents_that_fit(std::string_view text, const SplitText& split, const ContentOf& content_of);

}  // namespace warroom::matrix
