#pragma once
// Text rules shared by the core: validation of user text and channel names.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bot/limits.hpp"

namespace warroom {

bool is_valid_utf8(std::string_view text);

// The code point UTF-8 encodes at `text[at]` and its length in bytes; length
// 0: no UTF-8 there (a stray continuation byte, a truncated sequence, an
// overlong form, a surrogate or a value past U+10FFFF).
struct CodePoint {
    std::uint32_t value = 0;
    std::size_t length = 0;
};
CodePoint decode_utf8(std::string_view text, std::size_t at);

// What a terminal acts on or some tools read as a line break: C0 controls but
// the newline, DEL, C1 (0x9B is CSI), bidirectional overrides, U+2028/2029.
bool acted_on_by_terminals(std::uint32_t c);
std::size_t utf8_length(std::string_view text);          // in code points
std::string ascii_lower(std::string_view text);
std::string trim(std::string_view text);

// "Payroll phishing!" -> "payroll-phishing": lowercase ASCII letters, digits
// and single dashes; at most max_length characters, never ending in '-'.
std::string slugify(std::string_view text, std::size_t max_length);

// Checks that a user's text can be stored and published: an error message, or
// an empty string when it is fine. `what` names it ("the draft"); over
// max_bytes, the message is too_long_message(what, size, max_bytes, advice).
std::string check_user_text(std::string_view text, std::string_view what, std::size_t max_bytes = kMaxTextBytes,
                            std::string_view advice = "Shorten it, split it in two, or link to a document for the "
                                                      "long parts");

// check_user_text for a one-line headline (an incident's title): at most
// kMaxTitleBytes, and no newline, tab or other control character, which would
// forge a heading in the review or act on a terminal.
std::string check_title(std::string_view title, std::string_view what = "the title");

// "the draft is 5,210 bytes; the limit is 4,000. Shorten it or split it into
// two drafts": what was too big, its size, the limit, and what to do instead.
std::string too_long_message(std::string_view what, std::size_t size, std::size_t limit, std::string_view unit,
                             std::string_view advice);

// 5210 -> "5,210": sizes and limits as people read them.
std::string with_thousands(std::size_t n);

// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// At most max_bytes of text, cut at a character boundary, ending in "…" when
// cut (the ellipsis counts towards max_bytes).
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace warroom
