#pragma once
// Slack Socket Mode frames: what arrives on the WebSocket, and the ack sent
// back. Pure text in, values out; the WebSocket client calls these.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace warroom::slack {

// The first frame of every connection; only after it is the socket ready.
struct Hello {
    int num_connections = 0;
    std::string app_id;                // connection_info.app_id, "" if absent
};

// Slack will close this socket soon: open the next connection first.
struct Disconnect {
    std::string reason;                // refresh_requested, warning, link_disabled, too_many_websockets
};

// Something for the app. Every envelope is acked by its id, whatever its type,
// or Slack redelivers it and finally shows the user an error.
struct Envelope {
    std::string envelope_id;
    std::string type;                  // slash_commands, interactive, events_api, or one Slack adds later
    nlohmann::json payload;            // null when the frame has none
    bool accepts_response_payload = false;
    int retry_attempt = 0;
    std::string retry_reason;
};

// A frame that cannot be acked or understood: log it and carry on.
struct FrameError {
    std::string message;
};

using SocketFrame = std::variant<Hello, Disconnect, Envelope, FrameError>;

SocketFrame parse_socket_frame(std::string_view text);

// The ack for an envelope, e.g. {"envelope_id":"..."} or with "payload" (a
// slash command's ephemeral answer).
std::string ack_frame(std::string_view envelope_id, const std::optional<nlohmann::json>& payload = std::nullopt);

}  // namespace warroom::slack
