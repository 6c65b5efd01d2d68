#pragma once
// What the Slack adapter learned from Slack and must remember across
// restarts, kept in storage's platform_refs: which Slack channel is which
// warroom channel (both ways), where each card was posted, the direct-message
// channel per user, and which jobs have posted before (so a repeat checks
// the channel's history first).
//
// Channel ids are asked for on every event (which incident channel is this?)
// and for every channel name in a post (to link it), so known pairs are also
// kept in memory: a pair never changes once Slack has made the channel.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/net/stored_refs.hpp"
#include "adapters/slack/mrkdwn.hpp"
#include "adapters/slack/slack_requests.hpp"
#include "bot/platform_records.hpp"

namespace warroom::slack {

// A message's place: its channel and ts.
struct MessageRef {
    SlackChannelId channel;
    MessageTs ts;
};

class SlackRefs : private net::StoredRefs {
public:
    explicit SlackRefs(PlatformRecords& records) : StoredRefs(records) {}

    std::optional<SlackChannelId> channel_id(const ChannelName& name);
    std::optional<ChannelName> channel_name(const SlackChannelId& id);
    void remember_channel(const ChannelName& name, const SlackChannelId& id);

    std::optional<SlackChannelId> direct_channel(const UserId& user);
    void remember_direct_channel(const UserId& user, const SlackChannelId& id);

    // Each revision of a draft has its own card (refs stored before revisions
    // were kept, under the bare draft id, are revision 1's).
    std::optional<MessageRef> card(const DraftRevision& draft);
    void remember_card(const DraftRevision& draft, const MessageRef& where);
    std::optional<MessageRef> escalation_card(const EscalationId& escalation);
    void remember_escalation_card(const EscalationId& escalation, const MessageRef& where);

    // A job that sent a post at least once may have it in the channel already.
    bool post_attempted(OutboxJobId job);
    void mark_post_attempted(OutboxJobId job);

    // How many pieces of a long post are already posted (0 when none).
    std::size_t pieces_posted(OutboxJobId job);
    void mark_pieces_posted(OutboxJobId job, std::size_t pieces);

private:
    std::map<ChannelName, SlackChannelId> ids_by_name_;
    std::map<SlackChannelId, ChannelName> names_by_id_;
};

}  // namespace warroom::slack
