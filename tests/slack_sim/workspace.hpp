#pragma once
// The simulated workspace's data: users, channels, messages, and the ids and
// timestamps Slack would give them, with the JSON views the Web API and the
// interactive payloads show. Not thread-safe: the simulator holds its mutex
// around every use.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "slack_sim/slack_simulator.hpp"

namespace warroom::slack_sim {

struct SimUser {
    std::string id;
    std::string name;
    bool is_bot = false;
    std::string bot_id;                // an app's bot user: the B... its messages carry
    std::string app_id;                // and its app's A...
    bool deactivated = false;          // conversations.invite answers cant_invite for them
    bool is_restricted = false;        // a multi-channel guest
    bool is_ultra_restricted = false;  // a single-channel guest
    std::string team_id;               // another team's (a Slack Connect user); empty: the workspace's
};

// A channel with the bookkeeping Slack shows but tests need not see.
struct StoredChannel {
    SimChannel channel;
    std::int64_t created = 0;          // unix seconds
    std::string topic_set_by;
    std::int64_t topic_last_set = 0;
    std::string purpose_set_by;
    std::int64_t purpose_last_set = 0;
    std::vector<std::string> previous_names;   // oldest first, as conversations.rename left them
};

struct StoredMessage {
    SimMessage message;
    std::string thread_ts;             // "" unless posted as a thread reply
    std::string last_edit_ts;          // when chat.update last changed it
};

// Slack's answer to a channel name that breaks its rules, or "" when the name is fine.
std::string channel_name_error(const std::string& name);

class Workspace {
public:
    Workspace();

    const std::string team_id = "T0SIM";
    const std::string team_domain = "warroom-sim";
    const std::string app_id = "A0SIMAPP01";
    const std::string bot_id = "B0SIMBOT01";
    const std::string bot_name = "warroom";
    std::string bot_user_id;

    std::string add_user(const std::string& name, bool is_bot = false);
    // Another app installed in the workspace: its bot user, with a bot_id and app_id of its own.
    std::string add_app(const std::string& name);
    // Changes how users.info describes a user (guest flags, team).
    void describe_user(const std::string& id, bool is_restricted, bool is_ultra_restricted, const std::string& team);
    // Throws std::invalid_argument for a bad or taken name or an unknown member.
    std::string add_channel(const std::string& name, bool is_private, const std::vector<std::string>& members,
                            const std::string& creator);
    // conversations.rename: the id stays, the old name is free for anyone. Throws std::invalid_argument
    // for an unknown channel or a bad or taken name.
    void rename_channel(const std::string& id, const std::string& name);
    // The direct message between the bot and `user_id`, opened on first use.
    std::string open_direct_message(const std::string& user_id);

    const SimUser* user(const std::string& id) const;
    SimUser* user(const std::string& id);
    const SimUser* user_by_name(const std::string& name) const;
    StoredChannel* channel(const std::string& id);
    const StoredChannel* channel(const std::string& id) const;
    const StoredChannel* channel_by_name(const std::string& name) const;
    const std::vector<StoredChannel>& channels() const { return channels_; }

    // Whether `user_id` may see the channel at all: public channels are
    // visible to everyone in the workspace, private ones and DMs to members.
    bool can_see(const std::string& user_id, const StoredChannel& channel) const;
    bool is_member(const std::string& user_id, const StoredChannel& channel) const;

    StoredMessage& add_message(SimMessage message, const std::string& thread_ts);
    StoredMessage* message(const std::string& channel_id, const std::string& ts);
    const std::vector<StoredMessage>& messages() const { return messages_; }

    // Unique, increasing "seconds.micros" timestamps, as Slack's ts and action_ts.
    std::string next_ts();
    std::int64_t now_seconds() const;

    nlohmann::json channel_json(const StoredChannel& channel) const;   // as conversations.info shows it to the bot
    nlohmann::json message_json(const StoredMessage& message, bool include_metadata) const;
    nlohmann::json user_json(const SimUser& user) const;
    // What a Slack client shows as links in the message's blocks (see SlackSimulator::links_shown).
    std::vector<std::string> links_shown(const StoredMessage& message) const;

private:
    std::string next_id(char prefix);

    std::uint64_t id_counter_ = 0;
    std::int64_t ts_micros_ = 1764400000000000;   // the first ts is 1764400000.000100
    std::vector<SimUser> users_;
    std::vector<StoredChannel> channels_;
    std::vector<StoredMessage> messages_;          // in ts order: every ts is newer than the last
    std::map<std::string, std::string> direct_messages_;   // user id -> D... channel id
};

// "1764400000.000100" -> 1764400000000100; "" or junk -> nullopt. Accepts "1764400000" and fewer fraction digits.
std::optional<std::int64_t> ts_to_micros(const std::string& ts);

}  // namespace warroom::slack_sim
