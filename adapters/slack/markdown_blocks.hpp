#pragma once
// Markdown posts (PostMessage with TextFormat::markdown: the post-incident
// review) as Block Kit messages. Slack shows no Markdown headings, so the
// document becomes mrkdwn (markdown_mrkdwn.hpp) laid out in `section`
// blocks: each heading starts a section, with what follows it up to
// kMaxSectionText; a longer block is split at lines (split_mrkdwn, which
// cuts no entity or mention). A long document is several messages of at
// most kMaxBlocks blocks and kMaxMarkdownMessageBytes of text. Each message's
// top-level `text`, what notifications and clients without blocks show, is
// the same mrkdwn.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/slack/mrkdwn.hpp"
#include "adapters/slack/slack_requests.hpp"
#include "bot/effect.hpp"

namespace warroom::slack {

// The text of one message of a Markdown post: its sections' mrkdwn. With the
// same text as `text` fallback, 12,000 bytes stays far inside Slack's 40,000
// characters, and is some three screenfuls (Slack folds it behind "Show more").
inline constexpr std::size_t kMaxMarkdownMessageBytes = 12000;

struct BlocksMessage {
    std::string text;                  // the fallback: the sections' mrkdwn, a blank line apart
    nlohmann::json blocks;             // at most kMaxBlocks; each section's text at most kMaxSectionText
};

// The messages of a Markdown document, in order; at least one.
std::vector<BlocksMessage> markdown_messages(std::string_view markdown, const ChannelIdLookup& channels = {});

// chat.postMessage for each of them, `to` the channel or DM conversation,
// each with the metadata of piece N of outbox job `job` (as plain posts
// carry it), so a repeat finds the pieces already posted.
std::vector<ApiRequest> markdown_post_requests(const PostMessage& effect, const SlackChannelId& to, OutboxJobId job,
                                               const ChannelIdLookup& channels = {});

}  // namespace warroom::slack
