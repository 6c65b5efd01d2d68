#pragma once
// An incident and the channels it owns.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/clock.hpp"
#include "bot/ids.hpp"
#include "bot/severity.hpp"

namespace warroom {

enum class ChannelKind { main, workstream };

struct Channel {
    ChannelName name;
    ChannelKind kind = ChannelKind::main;
    std::string workstream;            // empty for the main channel
    std::set<UserId> members;          // as invited by the bot
};

struct Workstream {
    std::string name;                  // "engineering"
    std::optional<UserId> lead;
    ChannelName channel;
    Time opened_at{};
};

struct Incident {
    IncidentId id;
    std::string title;
    Severity severity = Severity::sev4;
    Status status = Status::investigating;
    UserId lead;                       // the accountable Crisis Lead, always set
    std::optional<UserId> nominee;     // handover offered, not yet accepted
    UserId declared_by;
    Time declared_at{};
    Time lead_since{};
    std::optional<Time> resolved_at;
    std::vector<Channel> channels;     // channels[0] is the main channel
    std::vector<Workstream> workstreams;
    std::set<std::string> invited_groups;
    bool exercise = false;             // a tabletop exercise: nothing leaves its own channels
    std::string scenario;              // the exercise's scenario name (playbook key)
    std::string root_cause;            // for the review; the latest `rootcause` wins
    std::string impact;                // for the review; the latest `impact` wins

    const Channel& main_channel() const { return channels.front(); }
    Channel* find_channel(const ChannelName& name);
    const Channel* find_channel(const ChannelName& name) const;
    Workstream* find_workstream(std::string_view name);
    const Workstream* find_workstream(std::string_view name) const;
    // The workstream whose channel this is, if any.
    const Workstream* workstream_of(const ChannelName& channel) const;
    bool is_member(const UserId& user) const;   // of any of its channels
    bool is_open() const { return status != Status::resolved; }
};

}  // namespace warroom
