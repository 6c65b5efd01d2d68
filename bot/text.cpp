#include "bot/text.hpp"

#include "bot/safe_text.hpp"

#include <cstdint>

namespace warroom {

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { extra = 1; code = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; code = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; code = c & 0x07; }
        else return false;
        if (i + extra >= text.size()) return false;  // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            code = (code << 6) | (cc & 0x3F);
        }
        // Reject overlong forms, surrogates and values past U+10FFFF.
        if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) ||
            (extra == 3 && code < 0x10000) || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

std::size_t utf8_length(std::string_view text) {
    std::size_t n = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string trim(std::string_view text) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t b = 0, e = text.size();
    while (b < e && is_space(text[b])) ++b;
    while (e > b && is_space(text[e - 1])) --e;
    return std::string(text.substr(b, e - b));
}

std::string slugify(std::string_view text, std::size_t max_length) {
    std::string slug;
    bool pending_dash = false;
    for (char raw : text) {
        char c = raw;
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!keep) {
            pending_dash = !slug.empty();
            continue;
        }
        if (pending_dash) {
            if (slug.size() + 2 > max_length) break;
            slug += '-';
            pending_dash = false;
        }
        if (slug.size() + 1 > max_length) break;
        slug += c;
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return slug;
}

std::string with_thousands(std::size_t n) {
    std::string digits = std::to_string(n);
    for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
    return digits;
}

std::string too_long_message(std::string_view what, std::size_t size, std::size_t limit, std::string_view unit,
                             std::string_view advice) {
    return std::string(what) + " is " + with_thousands(size) + " " + std::string(unit) + "; the limit is " +
           with_thousands(limit) + ". " + std::string(advice);
}

std::string check_user_text(std::string_view text, std::string_view what, std::size_t max_bytes,
                            std::string_view advice) {
    // The size first: a huge paste is told its size, whatever else is wrong with it.
    if (text.size() > max_bytes) return too_long_message(what, text.size(), max_bytes, "bytes", advice);
    if (!is_valid_utf8(text))
        return std::string(what) + " is not valid UTF-8; retype it or paste it as plain text";
    if (trim(text).empty()) return std::string(what) + " is empty";
    return {};
}

std::string check_title(std::string_view title, std::string_view what) {
    if (auto problem = check_user_text(title, what, kMaxTitleBytes,
                                       "Keep it a headline and put the details in /incident note once declared");
        !problem.empty())
        return problem;
    if (has_control_character(title))
        return std::string(what) + " must be one line of text, without line breaks, tabs or control characters";
    return {};
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    constexpr std::string_view kEllipsis = "…";   // 3 bytes, counted in max_bytes
    const bool room_for_ellipsis = max_bytes >= kEllipsis.size();
    std::size_t cut = room_for_ellipsis ? max_bytes - kEllipsis.size() : max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return std::string(text.substr(0, cut)) + std::string(room_for_ellipsis ? kEllipsis : "");
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

}  // namespace warroom
