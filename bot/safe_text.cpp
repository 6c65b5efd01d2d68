#include "bot/safe_text.hpp"

#include "bot/text.hpp"

#include <algorithm>
#include <cstdint>

namespace warroom {
namespace {

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
        const CodePoint c = decode_utf8(text, at);
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
        const CodePoint c = decode_utf8(text, at);
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
