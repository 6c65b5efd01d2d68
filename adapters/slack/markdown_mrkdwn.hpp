#pragma once
// Markdown (CommonMark, as the core writes the post-incident review) as Slack
// mrkdwn, which has no headings and its own emphasis: libcmark parses it and
// this walks the tree. Headings become a *bold* line, list items "• " (or
// "3. ") lines, **strong** *bold*, *emphasis* _italic_, `code` stays, a code
// block is fenced, a quote gets ">" lines, an http(s)/mailto link
// <url|text>; raw HTML is dropped (as cmark's safe mode drops it) and other
// links keep only their text.
//
// Every text is escaped for mrkdwn (& < >), so nothing in it can become
// <!channel>, <!here>, <@U…> or a link; then, as for plain posts
// (escape_mrkdwn_with_links), the references the core writes come alive:
// "@U0123" a mention, "#inc-1-x" a channel link when `channels` knows it.
#include <string>
#include <string_view>
#include <vector>

#include "adapters/slack/mrkdwn.hpp"

namespace warroom::slack {

// One top-level block of the document.
struct MrkdwnBlock {
    enum class Kind { heading, text, divider };
    Kind kind = Kind::text;
    std::string mrkdwn;                // lines without a final newline; empty for a divider
};

// The document's top-level blocks in mrkdwn, in order; blocks that render
// to nothing (raw HTML, an empty paragraph) are left out.
std::vector<MrkdwnBlock> markdown_to_mrkdwn(std::string_view markdown, const ChannelIdLookup& channels = {});

// The blocks as one mrkdwn text: a heading's content on the next line, other
// blocks a blank line apart, a divider a line of its own.
std::string join_mrkdwn(const std::vector<MrkdwnBlock>& blocks);

}  // namespace warroom::slack
