#include "adapters/slack/slack_performer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "adapters/slack/markdown_blocks.hpp"
#include "bot/channel_pin.hpp"
#include "bot/json_fields.hpp"

namespace warroom::slack {
namespace {

using boost::asio::awaitable;
using nlohmann::json;

using net::NotDone;

constexpr std::size_t kMaxChannelName = 80;
constexpr int kMaxNameSuffix = 9;

bool is_slack_error(const ApiResult& result, std::string_view code) {
    return result.outcome == ApiResult::Outcome::slack_error && result.error == code;
}

// An invitation error about one person, not about the channel: skip that person.
bool is_per_user_invite_error(const std::string& error) {
    return error.rfind("user_", 0) == 0 || error.rfind("ura_", 0) == 0 || error.rfind("cant_invite", 0) == 0 ||
           error == "already_in_channel";
}

// The bot itself can no longer invite anyone there: repeating cannot help
// until an admin lets warroom back in, and the outbox must not wait for that.
bool is_channel_gone_error(const std::string& error) {
    return error == "not_in_channel" || error == "is_archived" || error == "channel_not_found";
}

// Slack's refusal to invite one person, for the channel to read.
std::string invite_refusal_in_words(const std::string& error) {
    std::string meaning;
    if (error == "user_disabled" || error == "user_is_deactivated") meaning = "the account is deactivated";
    else if (error == "user_not_found") meaning = "Slack knows no such user";
    else if (error == "user_is_restricted" || error == "user_is_ultra_restricted" || error == "ura_max_channels")
        meaning = "a guest account, which only an admin can add to more channels";
    else if (error == "cant_invite") meaning = "Slack lets nobody invite them here: a deactivated account, or a guest";
    return "Slack refused it (" + error + (meaning.empty() ? std::string() : ": " + meaning) +
           "); an admin can add them by hand if they should be here";
}

MessageRef posted_at(const json& answer, const SlackChannelId& fallback_channel) {
    std::string channel = text_field(answer, "channel");
    return MessageRef{SlackChannelId{channel.empty() ? fallback_channel.value() : channel},
                      MessageTs{text_field(answer, "ts")}};
}

// Requests are built outside co_await expressions and passed as named
// values: GCC 12 miscompiles temporaries (and braced JSON initialisers) that
// live across a co_await within one expression.
ApiRequest pin_request(const MessageRef& where) {
    return {"pins.add", {{"channel", where.channel.value()}, {"timestamp", where.ts.value()}}};
}

ApiRequest recent_history_request(const SlackChannelId& channel) {
    return {"conversations.history", {{"channel", channel.value()}, {"limit", 100}, {"include_all_metadata", true}}};
}

ApiRequest invite_one_request(const SlackChannelId& channel, const UserId& user) {
    return invite_requests(channel, std::vector<UserId>{user}).front();
}

ApiRequest open_direct_request(const UserId& user) { return {"conversations.open", {{"users", user.value()}}}; }

ApiRequest list_channels_request(const std::string& cursor) {
    json args{{"types", "public_channel,private_channel"}, {"exclude_archived", true}, {"limit", 200}};
    if (!cursor.empty()) args["cursor"] = cursor;
    return {"conversations.list", std::move(args)};
}

}  // namespace

SlackPerformer::SlackPerformer(PlatformRecords& records, WebApi& api, SlackRefs& refs, UserId bot_user, BotId bot)
    : records_(records), api_(api), refs_(refs), bot_user_(std::move(bot_user)), bot_(std::move(bot)) {}

awaitable<json> SlackPerformer::call_ok(const ApiRequest& request) {
    ApiResult result = co_await api_.call(request);
    if (!result.ok()) throw NotDone(describe_api_error(request.method, result));
    co_return std::move(result.body);
}

awaitable<void> SlackPerformer::create_channel(const CreateChannel& effect) {
    std::optional<SlackChannelId> id = refs_.channel_id(effect.name);
    for (int attempt = 1; !id && attempt <= kMaxNameSuffix; ++attempt) {
        CreateChannel named = effect;
        if (attempt > 1) named.name = ChannelName{net::suffixed_name(effect.name.value(), attempt, kMaxChannelName)};
        const ApiRequest create = create_channel_request(named);
        ApiResult created = co_await api_.call(create);
        if (created.ok()) {
            id = SlackChannelId{text_field(created.body.value("channel", json::object()), "id")};
            if (id->value().empty()) throw NotDone("conversations.create answered without a channel id");
        } else if (is_slack_error(created, "name_taken")) {
            // Ours from an attempt whose answer was lost (a crash, a timeout)? Then
            // it is completed, not duplicated; someone else's name gets a suffix.
            auto listed = co_await find_listed_channel(named.name.value());
            if (listed && listed->is_member && listed->creator == bot_user_.value()) id = listed->id;
            else spdlog::info("channel name {} is taken in Slack; trying another", named.name.value());
        } else {
            throw NotDone(describe_api_error("conversations.create", created));
        }
    }
    if (!id) throw NotDone("no free Slack channel name for " + to_string(effect.name) + " (tried " +
                           std::to_string(kMaxNameSuffix) + " suffixes)");
    refs_.remember_channel(effect.name, *id);

    if (effect.topic.empty()) co_return;
    const ApiRequest set_topic = set_topic_request(*id, effect.topic);
    ApiResult topic = co_await api_.call(set_topic);
    if (topic.outcome == ApiResult::Outcome::transient) throw NotDone(describe_api_error("conversations.setTopic", topic));
    if (!topic.ok()) spdlog::warn("{}", describe_api_error("conversations.setTopic", topic));
}

awaitable<void> SlackPerformer::invite(const InviteUsers& effect, OutboxJobId job) {
    std::vector<UserId> users;
    for (const UserId& user : effect.users) {
        if (user == bot_user_) continue;
        if (!is_slack_user_id(user)) {
            spdlog::warn("cannot invite \"{}\" to {}: not a Slack user id (the playbook must name people by "
                         "their Slack id, like U0123ABCD)", user.value(), to_string(effect.channel));
            continue;
        }
        users.push_back(user);
    }
    if (users.empty()) co_return;
    const SlackChannelId channel = channel_id(effect.channel);
    // People Slack will never let in (deactivated, a guest's limits, unknown): each is said once in the
    // channel, and the job still ends, so it neither repeats forever nor holds up the jobs behind it.
    std::vector<std::pair<UserId, std::string>> refused;
    for (const ApiRequest& batch : invite_requests(channel, users)) {
        ApiResult invited = co_await api_.call(batch);
        if (invited.ok()) continue;
        if (invited.outcome == ApiResult::Outcome::slack_error && is_channel_gone_error(invited.error)) {
            spdlog::error("nobody could be invited to {}: {}; invite warroom back to it (/invite @warroom) and "
                          "invite the people by hand", to_string(effect.channel),
                          describe_api_error("conversations.invite", invited));
            co_return;
        }
        if (invited.outcome == ApiResult::Outcome::transient || !is_per_user_invite_error(invited.error))
            throw NotDone(describe_api_error("conversations.invite", invited));
        // Slack refuses a whole batch for one person already in or unknown:
        // invite one by one, so everyone else still gets in.
        std::string listed = batch.body.value("users", std::string());
        for (std::size_t start = 0; start < listed.size();) {
            const std::size_t comma = std::min(listed.find(',', start), listed.size());
            const UserId user{listed.substr(start, comma - start)};
            start = comma + 1;
            const ApiRequest invite_one = invite_one_request(channel, user);
            ApiResult one = co_await api_.call(invite_one);
            if (one.ok() || is_slack_error(one, "already_in_channel") || is_slack_error(one, "cant_invite_self"))
                continue;
            if (one.outcome == ApiResult::Outcome::slack_error && is_per_user_invite_error(one.error)) {
                spdlog::warn("{} was not invited to {}: {}", user.value(), to_string(effect.channel),
                             describe_api_error("conversations.invite", one));
                refused.emplace_back(user, one.error);
                continue;
            }
            throw NotDone(describe_api_error("conversations.invite", one));
        }
    }
    for (const auto& refusal : refused) {
        // Piece 1 + the person's place in the job: stable across repeats, so a repeat finds the note it posted.
        const std::size_t place =
            static_cast<std::size_t>(std::find(users.begin(), users.end(), refusal.first) - users.begin());
        const ApiRequest note =
            invite_failure_request(channel, refusal.first, invite_refusal_in_words(refusal.second), job, 1 + place);
        co_await post_once(note, channel, job, 1 + place);
    }
}

awaitable<void> SlackPerformer::post_message(const PostMessage& effect, OutboxJobId job) {
    SlackChannelId to;
    if (effect.channel) {
        to = channel_id(*effect.channel);
    } else if (effect.user && is_slack_user_id(*effect.user)) {
        to = co_await direct_channel(*effect.user);
    } else {
        spdlog::warn("a direct message to \"{}\" was dropped: not a Slack user id",
                     effect.user ? effect.user->value() : std::string("(nobody)"));
        co_return;
    }
    const ChannelIdLookup links = [this](const ChannelName& name) { return refs_.channel_id(name); };
    const std::vector<ApiRequest> pieces = effect.format == TextFormat::markdown
                                               ? markdown_post_requests(effect, to, job, links)
                                               : post_message_requests(effect, to, job, links);
    // A repeat resumes after the last piece known to be posted, and finds that one in the history if it went out.
    for (std::size_t piece = refs_.pieces_posted(job); piece < pieces.size(); ++piece) {
        const MessageRef where = co_await post_once(pieces[piece], to, job, piece);
        refs_.mark_pieces_posted(job, piece + 1);
        if (piece == 0 && effect.pin) {
            const ApiRequest pin = pin_request(where);
            ApiResult pinned = co_await api_.call(pin);
            // A header that is not pinned is still posted: worth a warning, not a repeat.
            if (!pinned.ok() && !is_slack_error(pinned, "already_pinned"))
                spdlog::warn("the incident header was posted but not pinned: {}", describe_api_error("pins.add", pinned));
        }
    }
}

awaitable<SlackChannelId> SlackPerformer::card_channel(const Card& card, const UserId& lead) {
    if (const auto main = records_.main_channel_of(card.incident)) co_return channel_id(*main);
    co_return co_await direct_channel(lead);
}

awaitable<void> SlackPerformer::post_card(const PostCard& effect, OutboxJobId job) {
    const SlackChannelId channel = co_await card_channel(effect.card, effect.to);
    const ApiRequest post = post_card_request(effect, channel, job);
    const MessageRef where = co_await post_once(post, channel, job, 0);
    refs_.remember_card(DraftRevision{effect.card.draft, effect.card.revision}, where);
}

awaitable<bool> SlackPerformer::updated_in_place(const ApiRequest& update) {
    ApiResult updated = co_await api_.call(update);
    if (updated.ok()) co_return true;
    if (is_slack_error(updated, "message_not_found")) co_return false;
    throw NotDone(describe_api_error(update.method, updated));
}

awaitable<void> SlackPerformer::update_card(const UpdateCard& effect, OutboxJobId job) {
    if (auto where = refs_.card(DraftRevision{effect.card.draft, effect.card.revision})) {
        const ApiRequest update = update_card_request(effect, where->channel, where->ts);
        if (co_await updated_in_place(update)) co_return;
    }
    // An old revision's card that is gone has nothing to mark outdated.
    if (effect.card.outdated) co_return;
    // The card is gone (deleted by someone, or never recorded): post the outcome as a new card.
    const PostCard again{effect.to, effect.card};
    co_await post_card(again, job);
}

awaitable<void> SlackPerformer::publish(const Publish& effect, OutboxJobId job) {
    const SlackChannelId channel = channel_id(effect.channel);
    const ApiRequest post = publish_request(effect, job, channel);
    const MessageRef where = co_await post_once(post, channel, job, 0);
    published_at(where.channel.value() + "/" + where.ts.value());
}

awaitable<MessageRef> SlackPerformer::post_once(const ApiRequest& post, const SlackChannelId& channel,
                                                OutboxJobId job, std::size_t piece) {
    if (refs_.post_attempted(job)) {
        // Sent before, answer unknown (a crash, a timeout, a 5xx): look before repeating.
        const ApiRequest recent = recent_history_request(channel);
        const json history = co_await call_ok(recent);
        if (std::optional<MessageTs> ts = find_posted(history, bot_, job, piece)) {
            spdlog::info("outbox job {} already posted in {}; not posting it again", job.value(), channel.value());
            co_return MessageRef{channel, *ts};
        }
    }
    refs_.mark_post_attempted(job);
    const json posted = co_await call_ok(post);
    co_return posted_at(posted, channel);
}

awaitable<void> SlackPerformer::post_escalation(const PostEscalation& effect, OutboxJobId job) {
    const SlackChannelId channel = channel_id(effect.channel);
    const ApiRequest post = post_escalation_request(effect, channel, job);
    const MessageRef where = co_await post_once(post, channel, job, 0);
    refs_.remember_escalation_card(effect.card.escalation, where);
}

awaitable<void> SlackPerformer::update_escalation(const UpdateEscalation& effect, OutboxJobId job) {
    if (auto where = refs_.escalation_card(effect.card.escalation)) {
        const ApiRequest update = update_escalation_request(effect, where->channel, where->ts);
        if (co_await updated_in_place(update)) co_return;
    }
    const PostEscalation again{effect.channel, effect.card};
    co_await post_escalation(again, job);
}

// Slack private channels have no per-channel moderators for warroom to move:
// the new lead was invited everywhere with the accepting command.
awaitable<void> SlackPerformer::hand_over(const HandOverChannels&) { co_return; }

SlackChannelId SlackPerformer::channel_id(const ChannelName& name) {
    // An incident channel is warroom's own: create_channel kept the id Slack gave it.
    if (auto created = refs_.channel_id(name)) return *created;
    // An audience channel is the admin's, pinned in the playbook by its id. It is never looked up by
    // name: whoever creates a channel of that name, or renames one to it, would receive what is published.
    if (is_slack_channel_id(name.value())) return SlackChannelId{name.value()};
    throw NotDone("the playbook names the channel \"" + name.value() +
                  "\"; on Slack an audience channel must be pinned by its ID (e.g. \"C0123ABCD\", from the "
                  "channel's details) in the playbook");
}

awaitable<SlackChannelId> SlackPerformer::direct_channel(const UserId& user) {
    if (auto known = refs_.direct_channel(user)) co_return *known;
    const ApiRequest open = open_direct_request(user);
    const json opened = co_await call_ok(open);
    SlackChannelId id{text_field(opened.value("channel", json::object()), "id")};
    if (id.value().empty()) throw NotDone("conversations.open answered without a channel id");
    refs_.remember_direct_channel(user, id);
    co_return id;
}

awaitable<std::optional<SlackPerformer::ListedChannel>> SlackPerformer::find_listed_channel(const std::string& name) {
    std::string cursor;
    do {
        const ApiRequest list = list_channels_request(cursor);
        const json page = co_await call_ok(list);
        for (const json& channel : page.value("channels", json::array())) {
            if (text_field(channel, "name") != name) continue;
            co_return ListedChannel{SlackChannelId{text_field(channel, "id")}, channel.value("is_member", false),
                                    text_field(channel, "creator")};
        }
        cursor = text_field(page.value("response_metadata", json::object()), "next_cursor");
    } while (!cursor.empty());
    co_return std::nullopt;
}

}  // namespace warroom::slack
