#include "bot/incident.hpp"

#include <algorithm>

namespace warroom {

Channel* Incident::find_channel(const ChannelName& name) {
    auto it = std::find_if(channels.begin(), channels.end(), [&](const Channel& c) { return c.name == name; });
    return it == channels.end() ? nullptr : &*it;
}

const Channel* Incident::find_channel(const ChannelName& name) const {
    return const_cast<Incident*>(this)->find_channel(name);
}

Workstream* Incident::find_workstream(std::string_view name) {
    auto it = std::find_if(workstreams.begin(), workstreams.end(),
                           [&](const Workstream& w) { return w.name == name; });
    return it == workstreams.end() ? nullptr : &*it;
}

const Workstream* Incident::find_workstream(std::string_view name) const {
    return const_cast<Incident*>(this)->find_workstream(name);
}

const Workstream* Incident::workstream_of(const ChannelName& channel) const {
    auto it = std::find_if(workstreams.begin(), workstreams.end(),
                           [&](const Workstream& w) { return w.channel == channel; });
    return it == workstreams.end() ? nullptr : &*it;
}

bool Incident::is_member(const UserId& user) const {
    return std::any_of(channels.begin(), channels.end(),
                       [&](const Channel& c) { return c.members.count(user) > 0; });
}

}  // namespace warroom
