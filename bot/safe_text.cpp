#include "bot/safe_text.hpp"

#include <algorithm>
#include <cstdint>

namespace warroom {
namespace {

// The code point at `text[at]` and its length in bytes; length 0: not UTF-8.
struct CodePoint {
    std::uint32_t value = 0;
    std::size_t length = 0;
};

CodePoint decode(std::string_view text, std::size_t at) {
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
    if (c >= 0x80 && c <= 0x9F) return true;                                   // C1, e.g. 0x9B (CSI)
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) return true;   // bidi overrides
    return c == 0x2028 || c == 0x2029;                                         // line and paragraph separators
}

// What CommonMark (and the GitHub flavour) can read as markup anywhere in a
// line. '!' and '(' only matter after a '[', which is escaped; '#' only at
// the start of a line.
bool is_markup(char c) {
    switch (c) {
        case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>': case '|': case '~': case '&':
            return true;
        default:
            return false;
    }
}

// At the start of a line, "#" (a heading), "-", "+", "=" (list items, setext
// headings) and "12." or "12)" (an ordered list item) are markup too: escapes
// them and returns how much of the line it wrote.
std::size_t escape_line_start(std::string_view line, std::string& out) {
    std::size_t i = 0;
    while (i < line.size() && line[i] == ' ') out += line[i++];
    if (i < line.size() && (line[i] == '#' || line[i] == '-' || line[i] == '+' || line[i] == '=')) {
        out += '\\';
        out += line[i];
        return i + 1;
    }
    std::size_t digits = i;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
    if (digits > i && digits < line.size() && (line[digits] == '.' || line[digits] == ')')) {
        out.append(line.substr(i, digits - i));
        out += '\\';
        out += line[digits];
        return digits + 1;
    }
    return i;
}

}  // namespace

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const CodePoint c = decode(text, at);
        if (c.length == 0) {
            out += '?';
            ++at;
            continue;
        }
        if (c.value == '\t') out += ' ';
        else if (acted_on_by_terminals(c.value)) out += '?';
        else out.append(text.substr(at, c.length));
        at += c.length;
    }
    return out;
}

bool has_control_character(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        const CodePoint c = decode(text, at);
        if (c.length == 0 || c.value == '\n' || c.value == '\t' || acted_on_by_terminals(c.value)) return true;
        at += c.length;
    }
    return false;
}

std::string markdown_text(std::string_view text, MarkdownPlace place) {
    const std::string safe = terminal_safe(text);
    std::string out;
    out.reserve(safe.size() + safe.size() / 8);
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = std::min(safe.find('\n', start), safe.size());
        const std::string_view line = std::string_view(safe).substr(start, end - start);
        const bool line_starts = start > 0 || place == MarkdownPlace::line_start;
        for (std::size_t i = line_starts ? escape_line_start(line, out) : 0; i < line.size(); ++i) {
            if (is_markup(line[i])) out += '\\';
            out += line[i];
        }
        if (end == safe.size()) return out;
        out += '\n';
        start = end + 1;
    }
}

}  // namespace warroom
