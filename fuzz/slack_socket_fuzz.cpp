// Fuzzes what arrives on Slack's Socket Mode WebSocket: parse_socket_frame,
// then the envelope's payload turned into a neutral event (slash commands,
// block_actions buttons), and the ack written back.
//
// Properties: nothing throws or crashes on any frame; the ack of an envelope
// is JSON naming the same envelope id; a produced event is keyed "slack:...",
// a command is always the canonical "/incident ...", and a channel name comes
// from warroom's own resolver or is Slack's id (never Slack's channel_name).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/slack/slack_events.hpp"
#include "adapters/slack/socket_mode.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using namespace warroom::slack;
using warroom::fuzz::require;

// The channels warroom created: an incident channel and an audience channel.
std::optional<ChannelName> known_channels(const SlackChannelId& id) {
    if (id.value() == "C0INC1") return ChannelName{"inc-1-payroll"};
    if (id.value() == "C0EXEC") return ChannelName{"exec-briefing"};
    return std::nullopt;
}

void check_event(const Inbound& inbound, const ChannelResolver& resolve, std::string_view frame) {
    const auto* slack_event = std::get_if<SlackEvent>(&inbound);
    if (!slack_event) return;
    const Event& event = slack_event->event;
    require(event.id.value().starts_with("slack:"), "an event id starts with slack:", frame);
    require(!event.user.value().empty(), "an event names its user", frame);
    if (const auto* command = std::get_if<CommandText>(&event.what))
        require(command->text.starts_with("/incident"), "a command reaches the core as /incident", frame);
    const std::string& channel = event.channel.value();
    const std::string& id = slack_event->channel_id.value();
    if (auto known = resolve ? resolve(slack_event->channel_id) : std::nullopt)
        require(event.channel == *known, "a known channel id becomes warroom's name for it", frame);
    else
        require(channel == id || (channel.empty() && (id.empty() || id.front() == 'D')),
                "an unknown channel keeps its Slack id as its name", frame);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    const SocketFrame parsed = parse_socket_frame(frame);
    const auto* envelope = std::get_if<Envelope>(&parsed);
    if (!envelope) return 0;
    require(!envelope->envelope_id.empty(), "an envelope has an id to ack", frame);

    const nlohmann::json ack = nlohmann::json::parse(ack_frame(envelope->envelope_id), nullptr, false);
    require(ack.is_object() && ack.value("envelope_id", std::string()) == envelope->envelope_id,
            "the ack is JSON naming the envelope", frame);

    const ChannelResolver resolve = known_channels;
    check_event(event_from_envelope(*envelope, resolve), resolve, frame);
    // Whatever the envelope's type says, both payload readers must cope with
    // any payload: Slack may change a type and keep a shape, or the reverse.
    check_event(event_from_slash_command(envelope->payload, resolve), resolve, frame);
    check_event(event_from_block_actions(envelope->payload, resolve), resolve, frame);
    check_event(event_from_block_actions(envelope->payload, {}), {}, frame);
    return 0;
}
