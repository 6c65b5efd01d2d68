#pragma once
// Text rules shared by the core: validation of user text and channel names.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace warroom {

inline constexpr std::size_t kMaxTextBytes = 4000;       // per draft, update, note...
inline constexpr std::size_t kMaxChannelNameLength = 80; // Slack's limit

bool is_valid_utf8(std::string_view text);
std::size_t utf8_length(std::string_view text);          // in code points
std::string ascii_lower(std::string_view text);
std::string trim(std::string_view text);

// "Payroll phishing!" -> "payroll-phishing": lowercase ASCII letters, digits
// and single dashes; at most max_length characters, never ending in '-'.
std::string slugify(std::string_view text, std::size_t max_length);

// Checks that a user's text can be stored and published: an error message, or
// an empty string when it is fine.
std::string check_user_text(std::string_view text, std::string_view what);

// "a, b, c"
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// At most max_bytes of text, cut at a character boundary, ending in "…" when
// cut (the ellipsis counts towards max_bytes).
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace warroom
