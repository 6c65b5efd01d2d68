#include "adapters/slack/slack_requests.hpp"

#include <set>

#include "adapters/slack/block_kit.hpp"
#include "bot/json_fields.hpp"
#include "bot/text.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

ApiRequest post(const SlackChannelId& channel, json fields) {
    fields["channel"] = channel.value();
    return {"chat.postMessage", std::move(fields)};
}

// The metadata that lets a repeat find this post (see find_posted).
json job_marker(OutboxJobId job, std::size_t piece) {
    return {{"event_type", std::string(kPostEventType)},
            {"event_payload", {{"outbox_job", job.value()}, {"piece", piece}}}};
}

ApiRequest update(const SlackChannelId& channel, const MessageTs& ts, json fields) {
    fields["channel"] = channel.value();
    fields["ts"] = ts.value();
    return {"chat.update", std::move(fields)};
}

// Whether warroom's own bot posted the message: conversations.history names each bot message's bot.
bool own_bot_posted(const json& message, const BotId& own) {
    return !own.value().empty() && text_field(message, "bot_id") == own.value();
}

}  // namespace

std::vector<ApiRequest> post_message_requests(const PostMessage& effect, const SlackChannelId& to, OutboxJobId job,
                                              const ChannelIdLookup& channels) {
    std::vector<ApiRequest> requests;
    for (std::string& piece : split_mrkdwn(escape_mrkdwn_with_links(effect.text, channels), kMaxPostBytes))
        requests.push_back(post(to, {{"text", std::move(piece)}, {"metadata", job_marker(job, requests.size())}}));
    return requests;
}

ApiRequest invite_failure_request(const SlackChannelId& channel, const UserId& user, std::string_view reason,
                                  OutboxJobId job, std::size_t piece) {
    return post(channel, {{"text", "warroom could not invite " + user_mention(user) + " to this channel: " +
                                       escape_mrkdwn(reason)},
                          {"metadata", job_marker(job, piece)}});
}

ApiRequest post_card_request(const PostCard& effect, const SlackChannelId& to, OutboxJobId job) {
    // The mention in `text` is what notifies the Crisis Lead; the blocks are what everyone sees.
    return post(to, {{"text", user_mention(effect.to) + " " + approval_card_fallback(effect.card)},
                     {"blocks", approval_card_blocks(effect.card)},
                     {"metadata", job_marker(job, 0)}});
}

ApiRequest update_card_request(const UpdateCard& effect, const SlackChannelId& channel, const MessageTs& ts) {
    return update(channel, ts, {{"text", approval_card_fallback(effect.card)}, {"blocks", approval_card_blocks(effect.card)}});
}

ApiRequest post_escalation_request(const PostEscalation& effect, const SlackChannelId& channel, OutboxJobId job) {
    return post(channel, {{"text", escalation_card_fallback(effect.card)},
                          {"blocks", escalation_card_blocks(effect.card)},
                          {"metadata", job_marker(job, 0)}});
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

std::optional<MessageTs> find_posted(const nlohmann::json& history, const BotId& own, OutboxJobId job,
                                     std::size_t piece) {
    if (!history.is_object() || !history.value("ok", false)) return std::nullopt;
    const auto messages = history.find("messages");
    if (messages == history.end() || !messages->is_array()) return std::nullopt;
    // Slack may hand numbers back as they were sent or as strings.
    const auto is = [](const json& field, std::int64_t expected) {
        return (field.is_number_integer() && field.get<std::int64_t>() == expected) ||
               (field.is_string() && field.get<std::string>() == std::to_string(expected));
    };
    for (const json& message : *messages) {
        if (!message.is_object() || !own_bot_posted(message, own)) continue;
        const auto metadata = message.find("metadata");
        if (metadata == message.end() || !metadata->is_object()) continue;
        const std::string type = metadata->value("event_type", std::string());
        if (type != kPostEventType && type != kPublishEventType) continue;
        const auto payload = metadata->find("event_payload");
        if (payload == metadata->end() || !payload->is_object()) continue;
        const auto found_job = payload->find("outbox_job");
        if (found_job == payload->end() || !is(*found_job, job.value())) continue;
        const auto found_piece = payload->find("piece");   // a publish is one piece and names none
        if (found_piece != payload->end() ? !is(*found_piece, static_cast<std::int64_t>(piece)) : piece != 0) continue;
        const auto ts = message.find("ts");
        if (ts == message.end() || !ts->is_string()) continue;
        return MessageTs{ts->get<std::string>()};
    }
    return std::nullopt;
}

}  // namespace warroom::slack
