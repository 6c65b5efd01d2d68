#include "adapters/slack/socket_mode.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

std::string string_or_empty(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int int_or_zero(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

SocketFrame parse_socket_frame(std::string_view text) {
    // No exceptions: a frame Slack garbles must never take the connection down.
    json frame = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (frame.is_discarded()) return FrameError{"the frame is not JSON"};
    if (!frame.is_object()) return FrameError{"the frame is JSON but not an object"};

    const std::string type = string_or_empty(frame, "type");
    auto id = frame.find("envelope_id");
    // An envelope id takes precedence over the type: whatever Slack sends
    // with an id must be acked, including types added after this was written.
    if (id != frame.end()) {
        if (!id->is_string() || id->get<std::string>().empty())
            return FrameError{"the frame's envelope_id is not a non-empty string"};
        Envelope envelope;
        envelope.envelope_id = id->get<std::string>();
        envelope.type = type;
        if (auto payload = frame.find("payload"); payload != frame.end()) envelope.payload = *payload;
        if (auto accepts = frame.find("accepts_response_payload"); accepts != frame.end() && accepts->is_boolean())
            envelope.accepts_response_payload = accepts->get<bool>();
        envelope.retry_attempt = int_or_zero(frame, "retry_attempt");
        envelope.retry_reason = string_or_empty(frame, "retry_reason");
        return envelope;
    }
    if (type == "hello") {
        Hello hello;
        hello.num_connections = int_or_zero(frame, "num_connections");
        if (auto info = frame.find("connection_info"); info != frame.end() && info->is_object())
            hello.app_id = string_or_empty(*info, "app_id");
        return hello;
    }
    if (type == "disconnect") return Disconnect{string_or_empty(frame, "reason")};
    if (type.empty()) return FrameError{"the frame has neither a type nor an envelope_id"};
    return FrameError{"the frame's type \"" + type + "\" is unknown and it has no envelope_id to ack"};
}

std::string ack_frame(std::string_view envelope_id, const std::optional<nlohmann::json>& payload) {
    json ack = {{"envelope_id", std::string(envelope_id)}};
    if (payload) ack["payload"] = *payload;
    // Replace rather than throw on invalid UTF-8: an answer with a mangled
    // character is better than no ack, which Slack shows the user as a failure.
    return ack.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace warroom::slack
