#pragma once
// Slack mrkdwn: user text made inert, and the few live references the bot
// writes on purpose (user mentions, channel links).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/ids.hpp"

namespace warroom::slack {

struct SlackChannelTag {};
// A conversation id as Slack knows it (C..., G..., D...), as opposed to the
// ChannelName the core uses; the adapter resolves one to the other.
using SlackChannelId = StrongId<SlackChannelTag, std::string>;

// `&` -> `&amp;`, `<` -> `&lt;`, `>` -> `&gt;`: after this, user text cannot
// form `<!channel>`, `<@U..>` or `<url|label>`.
std::string escape_mrkdwn(std::string_view text);

// Finds the Slack id of a warroom channel, if the adapter knows it.
using ChannelIdLookup = std::function<std::optional<SlackChannelId>(const ChannelName&)>;

// escape_mrkdwn, then the references the core writes made live: "@U0123" (a
// Slack user id) becomes the mention "<@U0123>", and "#inc-1-x" a channel
// link "<#C0123>" when `channels` knows it (so a channel Slack named
// differently, inc-1-x-2, is still found). @here and @channel stay inert.
std::string escape_mrkdwn_with_links(std::string_view text, const ChannelIdLookup& channels = {});

// The escaped text, cut to at most max_bytes (with "…" when cut) at a place that
// splits neither a character nor an `&amp;`-style entity.
std::string escape_mrkdwn_truncated(std::string_view text, std::size_t max_bytes);

// Slack user ids look like U0123ABC or W0123ABC (Enterprise Grid); console
// and test names ("alice") do not.
bool is_slack_user_id(const UserId& user);

// `<@U123>` (a live mention) for a Slack id; otherwise the name, escaped and
// inert, so a non-Slack id can never turn into markup.
std::string user_mention(const UserId& user);

// `<#C123>` when the channel's Slack id is known, otherwise `#name` escaped.
std::string channel_reference(const ChannelName& name, const std::optional<SlackChannelId>& id);

// Splits already-escaped mrkdwn into pieces of at most max_bytes each: whole
// lines where they fit, otherwise a long line is cut at a space, or failing
// that at a character boundary, never inside an entity or a live link. Newlines stay at the
// end of their line, so the pieces concatenated are exactly the input. Empty
// input gives one empty piece. Bytes are counted, which never undercounts
// Slack's character limits.
std::vector<std::string> split_mrkdwn(std::string_view escaped, std::size_t max_bytes);

}  // namespace warroom::slack
