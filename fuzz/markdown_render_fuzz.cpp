// Fuzzes how a Markdown post (the post-incident review) is rendered for
// Matrix (markdown_html.hpp) and Slack (markdown_mrkdwn.hpp,
// markdown_blocks.hpp), on the input as Markdown and on the input as user
// text escaped the way the core escapes it into the review (markdown_text).
//
// Properties:
// - Matrix HTML holds only what allowed_matrix_html keeps (it is a fixed
//   point of it): the spec's tags, an http(s)/mailto href, no script, no
//   javascript: link, whatever the Markdown says; every notice carries
//   m.mentions without "room", mentioning exactly the users it pills.
// - user text escaped by markdown_text renders to no markup of its own: in
//   Matrix HTML only paragraphs, line breaks, (indented) code and pills to
//   Matrix user ids; in Slack mrkdwn no '<' but a mention of a user id, so
//   never <!channel>, <!here> or a link.
// - the Slack messages keep Block Kit's limits: at most 50 blocks, sections of
//   at most 3,000 bytes that are not blank, and a fallback text.
// - split_markdown's pieces fit and, but for blank lines, make up the input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/matrix/markdown_html.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "adapters/slack/block_kit.hpp"
#include "adapters/slack/markdown_blocks.hpp"
#include "adapters/slack/markdown_mrkdwn.hpp"
#include "bot/safe_text.hpp"
#include "bot/text.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using nlohmann::json;
using warroom::fuzz::require;

constexpr std::string_view kPill = "<a href=\"https://matrix.to/#/";

// The tags of escaped user text: every one is <p>, </p>, <br />, <pre>,
// <code>, their ends, or a pill.
void require_only_text_tags(std::string_view html, std::string_view input) {
    static const std::vector<std::string_view> kTags = {"<p>", "</p>", "<br />", "<pre>", "</pre>", "<code>", "</code>", "</a>"};
    for (std::size_t open = html.find('<'); open != std::string_view::npos; open = html.find('<', open + 1)) {
        const std::string_view rest = html.substr(open);
        bool known = std::any_of(kTags.begin(), kTags.end(), [&](std::string_view tag) { return rest.starts_with(tag); });
        if (!known && rest.starts_with(kPill)) {
            const std::size_t end = rest.find("\">");
            require(end != std::string_view::npos, "a pill is a whole tag", input);
            known = matrix::is_matrix_user_id(rest.substr(kPill.size(), end - kPill.size()));
        }
        require(known, "escaped user text makes no markup in Matrix HTML", input);
    }
}

// In mrkdwn of escaped user text, a '<' only opens a mention of a user id.
void require_only_mentions(std::string_view mrkdwn, std::string_view input) {
    for (std::size_t open = mrkdwn.find('<'); open != std::string_view::npos; open = mrkdwn.find('<', open + 1)) {
        const std::size_t close = mrkdwn.find('>', open);
        require(close != std::string_view::npos && mrkdwn.substr(open, 2) == "<@",
                "escaped user text makes no link or special mention in mrkdwn", input);
        require(slack::is_slack_user_id(UserId{std::string(mrkdwn.substr(open + 2, close - open - 2))}),
                "a mention names a user id", input);
    }
}

void require_matrix_notice(const json& content, std::string_view input) {
    require(content.value("format", "") == "org.matrix.custom.html", "a notice says its format", input);
    const std::string html = content.value("formatted_body", "");
    require(matrix::allowed_matrix_html(html) == html, "formatted_body holds only what Matrix allows", input);
    require(html.find("<script") == std::string::npos, "no script", input);
    require(html.find("href=\"javascript") == std::string::npos, "no javascript: link", input);
    require(content.contains("m.mentions") && !content["m.mentions"].contains("room"), "no room ping", input);
    (void)content.dump();
}

void require_slack_messages(const std::vector<slack::BlocksMessage>& messages, std::string_view input) {
    require(!messages.empty(), "at least one message", input);
    for (const slack::BlocksMessage& message : messages) {
        require(!message.text.empty(), "every message has its fallback text", input);
        if (message.blocks.is_null()) continue;
        require(message.blocks.is_array() && !message.blocks.empty() && message.blocks.size() <= slack::kMaxBlocks,
                "at most 50 blocks", input);
        for (const json& block : message.blocks) {
            if (block.value("type", "") == "divider") continue;
            const std::string text = block["text"].value("text", "");
            require(text.size() <= slack::kMaxSectionText, "a section fits", input);
            require(text.find_first_not_of(" \n\t\r") != std::string::npos, "no blank section", input);
        }
        (void)message.blocks.dump();
    }
}

std::string without_blanks(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out += c;
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // Any Markdown.
    const matrix::MarkdownHtml rendered = matrix::markdown_to_matrix_html(input);
    require(matrix::allowed_matrix_html(rendered.html) == rendered.html, "only what Matrix allows", input);
    require(matrix::allowed_matrix_html(input) == matrix::allowed_matrix_html(matrix::allowed_matrix_html(input)),
            "the allow-list is idempotent", input);
    require_slack_messages(slack::markdown_messages(input), input);
    for (std::size_t max_bytes : {16, 100}) {
        std::string joined;
        for (const std::string& piece : matrix::split_markdown(input, max_bytes)) {
            require(piece.size() <= max_bytes, "a piece fits", input);
            joined += piece;
        }
        require(without_blanks(joined) == without_blanks(input), "the pieces make up the input", input);
    }
    // JSON carries only UTF-8, and the engine accepts no other text.
    if (is_valid_utf8(input))
        for (const json& content : matrix::markdown_notice_contents(input)) require_matrix_notice(content, input);

    // User text as the review holds it: a paragraph of its own, and inside a
    // list item with its lines indented into it (in_item, bot/review.cpp).
    const std::string paragraph = markdown_text(input);
    std::string item = "- note: ";
    for (char c : markdown_text(input, MarkdownPlace::within_line)) {
        item += c;
        if (c == '\n') item += "  ";
    }
    require_only_text_tags(matrix::markdown_to_matrix_html(paragraph).html, input);
    const std::string html = matrix::markdown_to_matrix_html(item).html;
    constexpr std::string_view kOpen = "<ul>\n<li>", kClose = "</li>\n</ul>";
    require(html.starts_with(kOpen) && html.ends_with(kClose) && html.find("<li>", kOpen.size()) == std::string::npos,
            "the item stays one item", input);
    require_only_text_tags(std::string_view(html).substr(kOpen.size(), html.size() - kOpen.size() - kClose.size()), input);
    for (const std::string& escaped : {paragraph, item})
        for (const slack::MrkdwnBlock& block : slack::markdown_to_mrkdwn(escaped)) require_only_mentions(block.mrkdwn, input);
    return 0;
}
