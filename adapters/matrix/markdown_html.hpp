#pragma once
// Markdown posts (PostMessage with TextFormat::markdown: the post-incident
// review) as Matrix notices: `body` is the Markdown itself, the plain-text
// fallback every client shows; `formatted_body` is that Markdown rendered by
// libcmark in its safe mode (raw HTML dropped, javascript:/data:/file: links
// emptied), user ids made pills as in notice_content, and then cut down to
// the tags and attributes the Matrix spec lets formatted_body use.
//
// User text in the review is already escaped for Markdown by the core
// (markdown_text, bot/safe_text.hpp), so it reaches formatted_body as escaped
// text, never as markup. "@room" in it pings no one: like every notice, these
// carry m.mentions (see matrix_html.hpp), naming only the pilled users.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace warroom::matrix {

struct MarkdownHtml {
    std::string html;                      // for formatted_body
    std::vector<std::string> user_ids;     // the pills in it, each once, in order: m.mentions.user_ids
};

// CommonMark to Matrix HTML: cmark in safe mode with hard line breaks (a line
// break in a note stays one), each valid Matrix user id outside a link a
// matrix.to pill, then allowed_matrix_html.
MarkdownHtml markdown_to_matrix_html(std::string_view markdown);

// HTML with only what formatted_body may hold: the tags cmark writes that the
// spec allows (h1-h6, p, blockquote, ul, ol, li, strong, em, b, i, del, s,
// code, pre, hr, br, sup, sub, table, thead, tbody, tr, th, td), and of
// their attributes only an http(s)/mailto href on <a>, start on <ol> and a
// language-* class on <code>. Any other tag is dropped with its attributes
// (its text stays), a link without an allowed href loses its <a> and
// </a>, comments ("raw HTML omitted") go, and a '<' or '>' that starts no
// tag is escaped. Meant for cmark's output; safe on any input.
std::string allowed_matrix_html(std::string_view html);

// Splits Markdown into pieces of at most max_bytes each, where a piece can be
// rendered alone: between top-level blocks, or between the items of a
// top-level list (a long timeline). A block longer than max_bytes is cut at
// lines (split_lines_utf8). The pieces concatenated are the input, but for
// lines that hold nothing but whitespace where a piece would begin or end.
std::vector<std::string> split_markdown(std::string_view markdown, std::size_t max_bytes);

// One m.notice: body the Markdown, format org.matrix.custom.html,
// formatted_body its HTML, m.mentions its pills.
nlohmann::json markdown_notice_content(std::string_view markdown);

// The notices of a Markdown post of any length, in order: pieces of at most
// kMaxPieceBodyBytes of Markdown whose content stays under kMaxContentBytes.
std::vector<nlohmann::json> markdown_notice_contents(std::string_view markdown);

}  // namespace warroom::matrix
