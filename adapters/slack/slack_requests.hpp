#pragma once
// Web API request bodies for each effect: the method name and its JSON body.
// The adapter resolves what the core does not know (a channel's Slack id, the
// ts of an earlier card) and passes it in; sending, retries and rate limits
// are the HTTP client's business.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/slack/mrkdwn.hpp"
#include "bot/effect.hpp"

namespace warroom::slack {

struct MessageTsTag {};
// A message's id within its channel, returned by chat.postMessage as `ts`.
using MessageTs = StrongId<MessageTsTag, std::string>;

struct BotIdTag {};
// An app's bot (B...): auth.test names warroom's, and conversations.history names the one that posted
// each bot message. Not the bot's user id (U...).
using BotId = StrongId<BotIdTag, std::string>;

struct ApiRequest {
    std::string method;                // e.g. "chat.postMessage"
    nlohmann::json body;               // sent as application/json; charset=utf-8
};

// Each post stays well inside Slack's 40,000-character truncation and reads
// as one screenful; bytes are counted, so characters never exceed it.
inline constexpr std::size_t kMaxPostBytes = 3500;
inline constexpr std::size_t kMaxTopicBytes = 250;
inline constexpr std::size_t kMaxInviteBatch = 1000;
inline constexpr std::size_t kMaxEphemeralBytes = 3500;
// Every chat.postMessage carries message metadata naming its outbox job (and
// the piece of a long post), so that a post repeated after a crash or a lost
// answer is looked for in the channel's history first (see find_posted).
// Publishes carry their own event type, which also names the draft.
inline constexpr std::string_view kPostEventType = "warroom_post";
inline constexpr std::string_view kPublishEventType = "warroom_publish";

// chat.postMessage, one per piece when the text is long (split at lines).
// `to` is the channel, or for a direct message the DM conversation's id.
// Channel names in the text become links when `channels` knows them.
std::vector<ApiRequest> post_message_requests(const PostMessage& effect, const SlackChannelId& to, OutboxJobId job,
                                              const ChannelIdLookup& channels = {});

// chat.postMessage saying that `user` could not be invited to the channel
// and why (`reason`, in words): piece `piece` of invitation job `job`, so a
// repeat of the job finds the note in the history instead of saying it twice.
ApiRequest invite_failure_request(const SlackChannelId& channel, const UserId& user, std::string_view reason,
                                  OutboxJobId job, std::size_t piece);

// chat.postMessage with the approval card's blocks, where `to` says.
ApiRequest post_card_request(const PostCard& effect, const SlackChannelId& to, OutboxJobId job);
// chat.update of the card posted earlier as `ts`.
ApiRequest update_card_request(const UpdateCard& effect, const SlackChannelId& channel, const MessageTs& ts);

ApiRequest post_escalation_request(const PostEscalation& effect, const SlackChannelId& channel, OutboxJobId job);
ApiRequest update_escalation_request(const UpdateEscalation& effect, const SlackChannelId& channel, const MessageTs& ts);

// chat.postMessage with metadata naming the outbox job and the draft. One
// message: a draft is at most kMaxTextBytes, far below Slack's 40,000.
ApiRequest publish_request(const Publish& effect, OutboxJobId job, const SlackChannelId& channel);

// conversations.create {name, is_private}. The topic is set separately once
// the channel's id is known (set_topic_request), so each step retries alone.
ApiRequest create_channel_request(const CreateChannel& effect);

// conversations.invite in batches of at most kMaxInviteBatch users,
// duplicates dropped. `users` are Slack user ids (the adapter resolves names);
// none gives no request, since Slack refuses an empty list.
std::vector<ApiRequest> invite_requests(const SlackChannelId& channel, const std::vector<UserId>& users);

// conversations.setTopic, cut to kMaxTopicBytes at a character boundary.
ApiRequest set_topic_request(const SlackChannelId& channel, std::string_view topic);

// chat.postEphemeral: a refusal only `user` sees, e.g. a non-lead's click.
ApiRequest ephemeral_request(const SlackChannelId& channel, const UserId& user, std::string_view text);

// Given a conversations.history response fetched with
// include_all_metadata=true: the ts of piece `piece` of outbox job `job`'s
// post, if it is there and was posted by `own` (warroom's bot): any app can
// write any metadata, so another's message saying the same is not warroom's
// post. A malformed or failed response says it is not (the caller then
// decides whether to retry the read before posting).
std::optional<MessageTs> find_posted(const nlohmann::json& history, const BotId& own, OutboxJobId job,
                                     std::size_t piece = 0);

}  // namespace warroom::slack
