// Fuzzes what stands between user text and an export or a terminal:
// terminal_safe and markdown_text.
//
// Properties:
// - terminal_safe gives valid UTF-8 with no control character but the
//   newline (no ESC, no DEL, no C1 such as the 8-bit CSI, no bidirectional
//   override), keeps the number of lines, changes nothing in text that has
//   none of those, and is idempotent.
// - markdown_text leaves no markup: walking its output, a backslash always
//   escapes a character Markdown could read as markup, no such character
//   stands unescaped, and no line (but the first, placed within a line)
//   starts a heading, a list item or a setext underline. Removing the
//   escapes gives back terminal_safe's text: it reads as typed.
// - has_control_character is true exactly when terminal_safe changes the
//   text or the text holds a newline or a tab.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bot/safe_text.hpp"
#include "bot/text.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using warroom::fuzz::require;

bool anywhere_markup(char c) {
    return std::string_view("\\`*_[]<>|~&").find(c) != std::string_view::npos;
}

bool line_start_markup(char c) { return c == '#' || c == '-' || c == '+' || c == '='; }

void check_terminal_safe(std::string_view input) {
    const std::string safe = terminal_safe(input);
    require(is_valid_utf8(safe), "terminal_safe gives valid UTF-8", input);
    for (std::size_t i = 0; i < safe.size(); ++i) {
        const auto c = static_cast<unsigned char>(safe[i]);
        require(c >= 0x20 || c == '\n', "no C0 control but the newline", input);
        require(c != 0x7f, "no DEL", input);
        if (c == 0xC2 && i + 1 < safe.size()) {
            const auto next = static_cast<unsigned char>(safe[i + 1]);
            require(next < 0x80 || next > 0x9F, "no C1 control", input);
        }
        if (c == 0xE2 && i + 2 < safe.size() && static_cast<unsigned char>(safe[i + 1]) == 0x80) {
            const auto last = static_cast<unsigned char>(safe[i + 2]);
            require(!(last >= 0xAA && last <= 0xAE) && last != 0xA8 && last != 0xA9,
                    "no bidi embedding/override or line separator", input);
        }
        if (c == 0xE2 && i + 2 < safe.size() && static_cast<unsigned char>(safe[i + 1]) == 0x81) {
            const auto last = static_cast<unsigned char>(safe[i + 2]);
            require(!(last >= 0xA6 && last <= 0xA9), "no bidi isolate", input);
        }
    }
    require(std::count(safe.begin(), safe.end(), '\n') == std::count(input.begin(), input.end(), '\n'),
            "terminal_safe keeps the lines", input);
    require(terminal_safe(safe) == safe, "terminal_safe is idempotent", input);
    const bool controls = has_control_character(input);
    const bool changed = safe != input;
    const bool newline_or_tab = input.find_first_of("\n\t") != std::string_view::npos;
    require(controls == (changed || newline_or_tab), "has_control_character agrees with terminal_safe", input);
}

void check_markdown(std::string_view input, MarkdownPlace place) {
    const std::string md = markdown_text(input, place);
    std::string unescaped;
    bool line_start = place == MarkdownPlace::line_start;
    bool in_leading_spaces = line_start;
    bool in_leading_digits = false;
    for (std::size_t i = 0; i < md.size(); ++i) {
        const char c = md[i];
        if (c == '\n') {
            unescaped += c;
            line_start = in_leading_spaces = true;
            in_leading_digits = false;
            continue;
        }
        if (c == '\\') {
            require(i + 1 < md.size(), "no backslash ends the text unescaped", input);
            const char escaped = md[++i];
            require(anywhere_markup(escaped) || line_start_markup(escaped) || escaped == '.' || escaped == ')',
                    "a backslash escapes only markup", input);
            unescaped += escaped;
            in_leading_spaces = in_leading_digits = false;
            continue;
        }
        require(!anywhere_markup(c), "no markup character stands unescaped", input);
        if (in_leading_spaces && c == ' ') {
            unescaped += c;
            continue;
        }
        if (in_leading_spaces) {
            require(!line_start_markup(c), "no line starts a heading, list item or underline", input);
            in_leading_digits = c >= '0' && c <= '9';
            in_leading_spaces = false;
        } else if (in_leading_digits) {
            if (c >= '0' && c <= '9') {
                unescaped += c;
                continue;
            }
            require(c != '.' && c != ')', "no line starts an ordered list item", input);
            in_leading_digits = false;
        }
        unescaped += c;
    }
    (void)line_start;
    require(unescaped == terminal_safe(input), "the escapes removed, the text reads as typed", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_terminal_safe(input);
    check_markdown(input, MarkdownPlace::line_start);
    check_markdown(input, MarkdownPlace::within_line);
    return 0;
}
