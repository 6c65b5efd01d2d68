#include <nlohmann/json.hpp>

#include "commands/channels.hpp"

#include "bot/text.hpp"

namespace warroom {

namespace {
std::string prefix(IncidentId id, bool exercise) {
    return (exercise ? "ex-" : "inc-") + std::to_string(id.value());
}
}  // namespace

ChannelName main_channel_name(IncidentId id, std::string_view title, bool exercise) {
    const std::string head = prefix(id, exercise);
    const std::string slug = slugify(title, kMaxChannelNameLength - head.size() - 1);
    return ChannelName{slug.empty() ? head : head + "-" + slug};
}

ChannelName workstream_channel_name(IncidentId id, std::string_view workstream, bool exercise) {
    // Within kMaxChannelNameLength for any valid workstream name (the
    // static_assert in bot/limits.hpp), "-ws" included.
    return ChannelName{prefix(id, exercise) + "-" + std::string(workstream)};
}

bool is_valid_workstream_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxWorkstreamNameLength || name.front() == '-' || name.back() == '-')
        return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

std::string channel_topic(const Incident& incident) {
    return to_string(incident.id) + " · " + to_string(incident.severity) + " · " + to_string(incident.status) +
           " · Crisis Lead " + mention(incident.lead);
}

std::string incident_header(const Incident& incident) {
    std::string channels;
    for (const Channel& channel : incident.channels)
        channels += (channels.empty() ? "" : ", ") + to_string(channel.name) +
                    (channel.kind == ChannelKind::main ? " (main)" : "");
    std::string text = to_string(incident.id) + " · " + incident.title + "\n";
    text += "Severity: " + to_string(incident.severity) + " · Status: " + to_string(incident.status) + "\n";
    text += "Crisis Lead: " + mention(incident.lead) + " · declared by " + mention(incident.declared_by) + " at " +
            format_utc(incident.declared_at) + "\n";
    text += "Channels: " + channels + "\n";
    text += "Every outbound message is a draft until the Crisis Lead approves it: /incident draft AUDIENCE TEXT";
    return text;
}

void open_workstream(Context& ctx, const std::string& name, const std::optional<UserId>& lead) {
    Incident& incident = ctx.the_incident();
    ChannelName channel_name = workstream_channel_name(incident.id, name, incident.exercise);
    // A title like "Engineering" gives the main channel the name the
    // engineering workstream would take.
    if (incident.find_channel(channel_name)) channel_name = ChannelName{channel_name.value() + "-ws"};
    Channel channel{channel_name, ChannelKind::workstream, name, {incident.lead}};
    if (lead) channel.members.insert(*lead);
    incident.channels.push_back(channel);
    incident.workstreams.push_back(Workstream{name, lead, channel.name, ctx.now});

    ctx.effects.push_back(CreateChannel{channel.name, incident.id, true,
                                        to_string(incident.id) + " · workstream " + name});
    ctx.effects.push_back(InviteUsers{channel.name, {channel.members.begin(), channel.members.end()}});
    if (lead) invite_to(ctx, incident.main_channel().name, {*lead});
    ctx.post(channel.name, "Workstream " + name + " of " + to_string(incident.id) + " (" + incident.title +
                               ")\nLead: " +
                               (lead ? mention(*lead)
                                     : "none yet — the Crisis Lead sets one with /incident workstream " + name +
                                           " @user") +
                               "\nPost progress with /incident update TEXT");
    ctx.audit("workstream.opened", {{"name", name},
                                    {"channel", channel.name.value()},
                                    {"lead", lead ? nlohmann::json(lead->value()) : nlohmann::json(nullptr)}});
    ctx.record(EntryKind::workstream,
               "opened workstream " + name + (lead ? " led by " + mention(*lead) : std::string()));
}

std::vector<UserId> invite_to(Context& ctx, const ChannelName& name, const std::vector<UserId>& users) {
    Channel* channel = ctx.the_incident().find_channel(name);
    std::vector<UserId> added;
    for (const UserId& user : users)
        if (channel->members.insert(user).second) added.push_back(user);
    if (!added.empty()) ctx.effects.push_back(InviteUsers{name, added});
    return added;
}

}  // namespace warroom
