#pragma once
// User text made harmless for where it is shown outside a chat platform: a
// terminal, and the Markdown of the post-incident review.
#include <string>
#include <string_view>

namespace warroom {

// Text a terminal shows as text: every control character a terminal acts on
// (C0 but the newline, DEL, C1 such as the 8-bit CSI), the bidirectional
// overrides that make text read other than it is stored, and bytes that are
// not UTF-8 become '?'. A tab becomes a space. ANSI and OSC sequences thus
// lose their ESC and show as plain characters.
std::string terminal_safe(std::string_view text);

// True when the text holds a character terminal_safe would replace, or a
// newline or a tab: what a one-line text such as a title must not contain.
bool has_control_character(std::string_view text);

// Where markdown_text's text goes: at the start of a line (or of a quote or
// a list item's continuation), where "# x", "- x" and "1. x" are markup; or
// after other text on the line, where they are not.
enum class MarkdownPlace { line_start, within_line };

// terminal_safe, and then every character Markdown would read as markup is
// escaped with a backslash: no heading, list, quote, link, image, HTML,
// emphasis, code or table can be made from it, so the text reads as typed.
// Newlines are kept (each following line starts a line); the caller indents
// them into its list item or quote.
std::string markdown_text(std::string_view text, MarkdownPlace place = MarkdownPlace::line_start);

}  // namespace warroom
