#pragma once
// Naming and opening an incident's channels.
#include <optional>
#include <string>

#include "commands/command.hpp"

namespace warroom {

// An exercise's channels start "ex-" instead, so nobody mistakes one for a real incident.
ChannelName main_channel_name(IncidentId id, std::string_view title, bool exercise = false);  // inc-N-SLUG
ChannelName workstream_channel_name(IncidentId id, std::string_view workstream,
                                    bool exercise = false);                                // inc-N-NAME
// A workstream name: lowercase letters, digits and '-', 1 to kMaxWorkstreamNameLength characters.
bool is_valid_workstream_name(std::string_view name);

std::string channel_topic(const Incident& incident);
std::string incident_header(const Incident& incident);

// Adds workstream `name` to ctx's incident with its channel, inviting the
// Crisis Lead and the workstream lead; records it. The caller saves the incident.
void open_workstream(Context& ctx, const std::string& name, const std::optional<UserId>& lead);
// Invites users to one of the incident's channels; returns those not yet in it.
std::vector<UserId> invite_to(Context& ctx, const ChannelName& channel, const std::vector<UserId>& users);

}  // namespace warroom
