#include "bot/channel_pin.hpp"

#include <algorithm>

namespace warroom {

namespace {

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// "sigil localpart ':' server" with both parts present and no whitespace.
bool is_matrix_id_with(std::string_view text, char sigil) {
    // 255 bytes: Matrix's limit for room ids and aliases.
    if (text.size() < 4 || text.size() > 255 || text.front() != sigil) return false;
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon < 2 || colon + 1 >= text.size()) return false;
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

}  // namespace

bool is_slack_channel_id(std::string_view text) {
    // Slack's ids are a type letter and at least eight upper-case letters or digits.
    return text.size() >= 9 && text.size() <= 24 && (text.front() == 'C' || text.front() == 'G') &&
           std::all_of(text.begin() + 1, text.end(), is_upper_alnum);
}

bool is_matrix_room_id(std::string_view text) { return is_matrix_id_with(text, '!'); }
bool is_matrix_alias(std::string_view text) { return is_matrix_id_with(text, '#'); }

std::string_view matrix_server_of(std::string_view id) {
    const auto colon = id.find(':');
    return colon == std::string_view::npos ? std::string_view() : id.substr(colon + 1);
}

std::string unpinned_problem(const ChannelPins& pins, const ChannelName& channel, std::string_view audience) {
    const std::string& name = channel.value();
    const std::string where = "the playbook's channel for " + std::string(audience) + ", \"" + name + "\",";
    switch (pins.platform) {
        case ChannelPins::Platform::console:
            return {};
        case ChannelPins::Platform::slack:
            if (is_slack_channel_id(name)) return {};
            return where + " is a name, which anyone can give a channel on Slack; an admin must pin it by the "
                           "channel's ID in the playbook (\"channel\": \"C0123ABCD\", shown at the bottom of the "
                           "channel's details)";
        case ChannelPins::Platform::matrix:
            if (is_matrix_room_id(name)) return {};
            if (is_matrix_alias(name)) {
                if (matrix_server_of(name) == pins.matrix_server) return {};
                return where + " is an alias on another server than warroom's (" + pins.matrix_server +
                       "), whose admins could point it anywhere; an admin must pin the room by its id "
                       "(\"channel\": \"!abc123:example.org\") or by an alias on " + pins.matrix_server;
            }
            return where + " is a name, which anyone can give a room on Matrix; an admin must pin it in the "
                           "playbook by the room's id (\"channel\": \"!abc123:example.org\") or by an alias on " +
                   (pins.matrix_server.empty() ? std::string("warroom's server") : pins.matrix_server) +
                   " (\"channel\": \"#" + std::string(audience) + ":" +
                   (pins.matrix_server.empty() ? std::string("example.org") : pins.matrix_server) + "\")";
    }
    return {};
}

}  // namespace warroom
