#pragma once
// Where an audience's messages go must not depend on who can create or
// rename a channel: on Slack and Matrix the playbook pins each audience
// channel by what the platform cannot give to someone else.
#include <string>
#include <string_view>

#include "bot/ids.hpp"

namespace warroom {

// "C0123ABCD" (a public channel) or "G0123ABCD" (an older private one).
bool is_slack_channel_id(std::string_view text);
// "!opaque:example.org"
bool is_matrix_room_id(std::string_view text);
// "#press-office:example.org"
bool is_matrix_alias(std::string_view text);
// The server part of a Matrix id, room id or alias ("example.org"), or empty.
std::string_view matrix_server_of(std::string_view id);

// How the platform in use names the audience channels it publishes to.
struct ChannelPins {
    enum class Platform { console, slack, matrix };
    Platform platform = Platform::console;   // the console publishes to names: it has no one to squat them
    std::string matrix_server;               // the bot's own server, for aliases
};

// Why `channel`, the playbook's channel of `audience`, cannot be published to
// on the platform: what to write in the playbook instead. Empty: it can.
std::string unpinned_problem(const ChannelPins& pins, const ChannelName& channel, std::string_view audience);

}  // namespace warroom
