#pragma once
// What a Slack client sends when a user types a slash command or clicks a
// button: the payloads of Socket Mode's slash_commands and interactive
// envelopes, built from the simulated workspace.
#include <string>

#include <nlohmann/json.hpp>

#include "slack_sim/sim_state.hpp"

namespace warroom::slack_sim {

// The text as Slack forwards it with should_escape on: & < > as entities first,
// then "@name" of a known user as <@U..|name>, "#name" of a known channel as
// <#C..|name>, and @here / @channel / @everyone as <!here> and so on.
std::string escape_command_text(const Workspace& workspace, const std::string& typed);

// The envelope (type slash_commands) for `command` typed in `channel_id`.
// Throws std::runtime_error when the user or channel is unknown or the user cannot see the channel.
nlohmann::json slash_command_envelope(SimState& state, const std::string& user_id, const std::string& channel_id,
                                      const std::string& text, const std::string& command);

// The envelope (type interactive, block_actions) for a click on button `action_id`.
// Throws std::runtime_error when the message or button is missing or the user is not in the channel.
nlohmann::json button_click_envelope(SimState& state, const std::string& user_id, const std::string& channel_id,
                                     const std::string& message_ts, const std::string& action_id,
                                     const nlohmann::json* shown_blocks = nullptr);   // as a stale client shows it

// The envelope (type events_api) Slack sends to an app subscribed to
// member_left_channel once `user_id` is no longer in `channel_id`: for someone
// leaving and for someone removed alike (the event does not say who removed them).
nlohmann::json member_left_envelope(SimState& state, const std::string& user_id, const std::string& channel_id);

}  // namespace warroom::slack_sim
