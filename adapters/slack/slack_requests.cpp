#include "adapters/slack/slack_requests.hpp"

#include <set>

#include "adapters/slack/block_kit.hpp"
#include "bot/text.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

ApiRequest post(const SlackChannelId& channel, json fields) {
    fields["channel"] = channel.value();
    return {"chat.postMessage", std::move(fields)};
}

ApiRequest update(const SlackChannelId& channel, const MessageTs& ts, json fields) {
    fields["channel"] = channel.value();
    fields["ts"] = ts.value();
    return {"chat.update", std::move(fields)};
}

}  // namespace

std::vector<ApiRequest> post_message_requests(const PostMessage& effect, const SlackChannelId& to,
                                              const ChannelIdLookup& channels) {
    std::vector<ApiRequest> requests;
    for (std::string& piece : split_mrkdwn(escape_mrkdwn_with_links(effect.text, channels), kMaxPostBytes))
        requests.push_back(post(to, {{"text", std::move(piece)}}));
    return requests;
}

ApiRequest post_card_request(const PostCard& effect, const SlackChannelId& to) {
    // The mention in `text` is what notifies the Crisis Lead; the blocks are what everyone sees.
    return post(to, {{"text", user_mention(effect.to) + " " + approval_card_fallback(effect.card)},
                     {"blocks", approval_card_blocks(effect.card)}});
}

ApiRequest update_card_request(const UpdateCard& effect, const SlackChannelId& channel, const MessageTs& ts) {
    return update(channel, ts, {{"text", approval_card_fallback(effect.card)}, {"blocks", approval_card_blocks(effect.card)}});
}

ApiRequest post_escalation_request(const PostEscalation& effect, const SlackChannelId& channel) {
    return post(channel, {{"text", escalation_card_fallback(effect.card)}, {"blocks", escalation_card_blocks(effect.card)}});
}

ApiRequest update_escalation_request(const UpdateEscalation& effect, const SlackChannelId& channel, const MessageTs& ts) {
    return update(channel, ts, {{"text", escalation_card_fallback(effect.card)}, {"blocks", escalation_card_blocks(effect.card)}});
}

ApiRequest publish_request(const Publish& effect, OutboxJobId job, const SlackChannelId& channel) {
    return post(channel, {{"text", escape_mrkdwn_with_links(effect.text)},
                          {"metadata",
                           {{"event_type", std::string(kPublishEventType)},
                            {"event_payload", {{"outbox_job", job.value()}, {"draft", to_string(effect.draft)}}}}}});
}

ApiRequest create_channel_request(const CreateChannel& effect) {
    return {"conversations.create", {{"name", effect.name.value()}, {"is_private", effect.is_private}}};
}

std::vector<ApiRequest> invite_requests(const SlackChannelId& channel, const std::vector<UserId>& users) {
    std::vector<ApiRequest> requests;
    std::set<UserId> seen;
    std::string batch;
    std::size_t in_batch = 0;
    const auto flush = [&] {
        if (in_batch == 0) return;
        requests.push_back({"conversations.invite", {{"channel", channel.value()}, {"users", batch}}});
        batch.clear();
        in_batch = 0;
    };
    for (const UserId& user : users) {
        if (user.value().empty() || !seen.insert(user).second) continue;
        batch += (in_batch == 0 ? "" : ",") + user.value();
        if (++in_batch == kMaxInviteBatch) flush();
    }
    flush();
    return requests;
}

ApiRequest set_topic_request(const SlackChannelId& channel, std::string_view topic) {
    return {"conversations.setTopic", {{"channel", channel.value()}, {"topic", truncate_utf8(topic, kMaxTopicBytes)}}};
}

ApiRequest ephemeral_request(const SlackChannelId& channel, const UserId& user, std::string_view text) {
    return {"chat.postEphemeral",
            {{"channel", channel.value()}, {"user", user.value()}, {"text", escape_mrkdwn_truncated(text, kMaxEphemeralBytes)}}};
}

bool history_has_publish(const nlohmann::json& history, OutboxJobId job) {
    if (!history.is_object() || !history.value("ok", false)) return false;
    const auto messages = history.find("messages");
    if (messages == history.end() || !messages->is_array()) return false;
    for (const json& message : *messages) {
        if (!message.is_object()) continue;
        const auto metadata = message.find("metadata");
        if (metadata == message.end() || !metadata->is_object()) continue;
        if (metadata->value("event_type", std::string()) != kPublishEventType) continue;
        const auto payload = metadata->find("event_payload");
        if (payload == metadata->end() || !payload->is_object()) continue;
        const auto found = payload->find("outbox_job");
        if (found == payload->end()) continue;
        // Slack may hand numbers back as they were sent or as strings.
        if (found->is_number_integer() && found->get<std::int64_t>() == job.value()) return true;
        if (found->is_string() && found->get<std::string>() == std::to_string(job.value())) return true;
    }
    return false;
}

}  // namespace warroom::slack
