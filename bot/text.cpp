#include "bot/text.hpp"

#include "bot/safe_text.hpp"

#include <cstdint>

namespace warroom {

CodePoint decode_utf8(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(at);
    std::size_t length = 0;
    std::uint32_t value = 0;
    if (lead < 0x80) return {lead, 1};
    if ((lead & 0xE0) == 0xC0) length = 2, value = lead & 0x1F;
    else if ((lead & 0xF0) == 0xE0) length = 3, value = lead & 0x0F;
    else if ((lead & 0xF8) == 0xF0) length = 4, value = lead & 0x07;
    else return {};
    if (at + length > text.size()) return {};
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(at + i) & 0xC0) != 0x80) return {};
        value = (value << 6) | (byte(at + i) & 0x3F);
    }
    // Overlong forms, surrogates and values past Unicode are not UTF-8.
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < kSmallest[length] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
    return {value, length};
}

bool acted_on_by_terminals(std::uint32_t c) {
    if (c < 0x20) return c != '\n';
    if (c == 0x7F) return true;
    if (c >= 0x80 && c <= 0x9F) return true;                                          // C1, e.g. 0x9B (CSI)
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) return true;   // bidi overrides
    return c == 0x2028 || c == 0x2029;                                                // line and paragraph separators
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t length = decode_utf8(text, at).length;
        if (length == 0) return false;
        at += length;
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
