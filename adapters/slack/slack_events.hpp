#pragma once
// Slack payloads in, neutral events out: slash commands (/incident, /inc),
// the buttons of warroom's approval and escalation cards, and the Events API's
// member_left_channel (someone left a channel or was removed from it).
//
// Channels: the core knows channels by NAME (inc-1-payroll), Slack sends ids.
// The adapter passes a resolver that answers from the ids warroom itself
// stored when it created or joined a channel; Slack's channel_name in the
// payload is never used, because anyone can create a public channel called
// inc-1-payroll and a renamed channel keeps its id. A channel the resolver
// does not know keeps its Slack id as its name ("C0123"): Slack names are
// lowercase, so it can never match an incident channel, and the id is still
// in SlackEvent::channel_id for the answer. Direct messages have the name "".
//
// Event ids: Slack redelivers an event it thinks was not acked, sometimes in a
// new envelope (another connection after a refresh), so the envelope_id is not
// a stable key. Slash commands use their trigger_id, unique per invocation.
// Clicks use the user and the click's action_ts: Slack stamps action_ts when
// the user clicks, so a redelivery repeats it while a second click gets a new
// one; the user is part of the key because two people can click in the same
// microsecond. Events API events use their event_id, which Slack keeps on
// every redelivery (retry_attempt) of the same event.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "adapters/slack/mrkdwn.hpp"
#include "adapters/slack/socket_mode.hpp"
#include "bot/engine.hpp"
#include "bot/event.hpp"

namespace warroom::slack {

// warroom's name for a Slack channel id, if warroom knows the channel.
using ChannelResolver = std::function<std::optional<ChannelName>(const SlackChannelId& channel)>;

// An event for the engine, with what the adapter needs to answer it.
struct SlackEvent {
    Event event;
    SlackChannelId channel_id;         // where it came from, for the answer
    std::string response_url;          // where a later answer may go (5 POSTs within 30 minutes)
};

// Not for warroom (another app's button, an Events API event) or unreadable
// (a missing field, a malformed card value). Ack it, log the reason, change nothing.
struct Ignored {
    std::string reason;
};

using Inbound = std::variant<SlackEvent, Ignored>;

// Any envelope: dispatches on its type (slash_commands, interactive, ...).
Inbound event_from_envelope(const Envelope& envelope, const ChannelResolver& resolve);
Inbound event_from_slash_command(const nlohmann::json& payload, const ChannelResolver& resolve);
Inbound event_from_block_actions(const nlohmann::json& payload, const ChannelResolver& resolve);
// An events_api payload: member_left_channel becomes MembershipLeft; other events are ignored.
Inbound event_from_events_api(const nlohmann::json& payload, const ChannelResolver& resolve);

// Slack's escaped text as the core's argument parser reads it: <@U0123|alice>
// becomes @U0123, <#C0123|ops> becomes #ops (warroom's name if it knows the
// channel), <!here> becomes @here (so the core's mass-mention check sees it),
// <https://x|label> becomes "label (https://x)", and &amp; &lt; &gt; are decoded.
std::string command_text_from_slack(std::string_view text, const ChannelResolver& resolve);

// The ack payload that answers a slash command: the reply shown only to the
// caller, mrkdwn-escaped with live mentions; none for a reply with no text.
std::optional<nlohmann::json> slash_command_payload(const Reply& reply, const ChannelIdLookup& channels = {});

// The ack that answers a slash command: the reply, mrkdwn-escaped, shown only
// to the caller. A reply with no text (a redelivered event) is a bare ack.
std::string slash_command_answer(std::string_view envelope_id, const Reply& reply);

}  // namespace warroom::slack
