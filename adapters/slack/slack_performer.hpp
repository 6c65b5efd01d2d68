#pragma once
// Performs one outbox job on Slack through the Web API. Every job may be
// repeated (after a crash, or after a failure half-way), so each step checks
// what is already done: a channel created earlier is found again rather than
// duplicated, invitations tolerate members already in, long posts resume
// after the last piece posted, and a post (message, card or publish) that
// was sent before is looked up in the channel's history (by its metadata)
// before it is sent again.
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/bot_loops.hpp"
#include "adapters/net/chat_performer.hpp"
#include "adapters/slack/slack_refs.hpp"
#include "adapters/slack/web_api.hpp"
#include "bot/effect.hpp"
#include "bot/store.hpp"

namespace warroom::slack {

using net::Delivery;

class SlackPerformer final : public net::ChatPerformer {
public:
    // `bot_user` is warroom's own Slack user id (from auth.test): never invited. `bot` is its bot id
    // (auth.test's bot_id): only a message that bot posted counts as an earlier attempt's post.
    SlackPerformer(PlatformRecords& records, WebApi& api, SlackRefs& refs, UserId bot_user, BotId bot);
    const UserId& bot_user() const { return bot_user_; }


private:
    struct ListedChannel {
        SlackChannelId id;
        bool is_member = false;
        std::string creator;
    };

    boost::asio::awaitable<void> create_channel(const CreateChannel& effect) override;
    boost::asio::awaitable<void> invite(const InviteUsers& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> post_message(const PostMessage& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> post_card(const PostCard& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> update_card(const UpdateCard& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> publish(const Publish& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> post_escalation(const PostEscalation& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> update_escalation(const UpdateEscalation& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> hand_over(const HandOverChannels& effect) override;

    // The Slack id of a channel: an incident channel's as create_channel kept it, an audience channel's
    // as the playbook pins it. Anything else ends the attempt, saying how to pin it.
    SlackChannelId channel_id(const ChannelName& name);
    boost::asio::awaitable<SlackChannelId> direct_channel(const UserId& user);
    // Where a draft's card goes: the incident's main channel, where the team sees what awaits approval.
    boost::asio::awaitable<SlackChannelId> card_channel(const Card& card, const UserId& lead);
    // conversations.list, for one purpose: telling a channel warroom made (its answer lost) from
    // someone else's when conversations.create answers name_taken. Never to find where to post.
    boost::asio::awaitable<std::optional<ListedChannel>> find_listed_channel(const std::string& name);
    // chat.update of a card; false when the message is gone (deleted), so the caller posts it anew.
    boost::asio::awaitable<bool> updated_in_place(const ApiRequest& update);
    // chat.postMessage `post` (piece `piece` of job `job`) unless an earlier
    // attempt of the job left it in the channel; returns its channel and ts.
    boost::asio::awaitable<MessageRef> post_once(const ApiRequest& post, const SlackChannelId& channel,
                                                 OutboxJobId job, std::size_t piece);
    // Calls and returns the answer; a failure ends the job as not done.
    boost::asio::awaitable<nlohmann::json> call_ok(const ApiRequest& request);

    PlatformRecords& records_;
    WebApi& api_;
    SlackRefs& refs_;
    UserId bot_user_;
    BotId bot_;
};

}  // namespace warroom::slack
