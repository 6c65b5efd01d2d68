#include "slack_sim/socket_mode_state.hpp"

#include <algorithm>

namespace warroom::slack_sim {

using nlohmann::json;

std::string SocketModeState::enqueue(const std::string& envelope_id, json frame) {
    Envelope envelope;
    envelope.key = envelope_id;
    envelope.frame = std::move(frame);
    envelope.order = next_order_++;
    queue_[envelope.order] = envelope_id;
    envelopes_[envelope_id] = std::move(envelope);
    return envelope_id;
}

std::string SocketModeState::enqueue_raw(const std::string& text, const std::string& internal_key) {
    Envelope envelope;
    envelope.key = internal_key;
    envelope.first_text = text;
    envelope.expects_ack = false;
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_object() && parsed.contains("envelope_id") && parsed["envelope_id"].is_string()) {
        envelope.key = parsed["envelope_id"].get<std::string>();
        envelope.expects_ack = true;
        envelope.frame = std::move(parsed);
        // A raw frame reusing a live envelope's id would make two records of one id; the newest wins.
        if (auto old = envelopes_.find(envelope.key); old != envelopes_.end()) queue_.erase(old->second.order);
    }
    envelope.order = next_order_++;
    queue_[envelope.order] = envelope.key;
    std::string id = envelope.expects_ack ? envelope.key : "";
    envelopes_[envelope.key] = std::move(envelope);
    return id;
}

json SocketModeState::open_connection(int id, const std::string& app_id) {
    connections_.push_back(ConnectionRecord{id});
    return {{"type", "hello"},
            {"num_connections", open_connections()},
            {"connection_info", {{"app_id", app_id}}},
            {"debug_info", {{"host", "sim"}, {"approximate_connection_time", 18060}}}};
}

ConnectionRecord* SocketModeState::record(int id) {
    auto it = std::find_if(connections_.begin(), connections_.end(), [&](const auto& c) { return c.id == id; });
    return it == connections_.end() ? nullptr : &*it;
}

void SocketModeState::close_connection(int id) {
    ConnectionRecord* connection = record(id);
    if (!connection || connection->closed) return;
    connection->closed = true;
    for (auto& [key, envelope] : envelopes_) {
        bool in_flight_here = envelope.connection == id && envelope.send_count > 0 && !queue_.count(envelope.order);
        if (in_flight_here && envelope.expects_ack && !envelope.acked) requeue(envelope, "connection_lost");
    }
}

std::optional<int> SocketModeState::ready_connection() const {
    for (auto it = connections_.rbegin(); it != connections_.rend(); ++it)
        if (!it->closed && !it->disconnect_sent) return it->id;
    return std::nullopt;
}

std::optional<int> SocketModeState::next_connection() {
    std::vector<int> ready;
    for (const auto& connection : connections_)
        if (!connection.closed && !connection.disconnect_sent) ready.push_back(connection.id);
    if (ready.empty()) return std::nullopt;
    return ready[deliveries_routed_++ % ready.size()];
}

bool SocketModeState::mark_disconnect(int id) {
    ConnectionRecord* connection = record(id);
    if (!connection || connection->closed || connection->disconnect_sent) return false;
    connection->disconnect_sent = true;
    return true;
}

std::optional<Delivery> SocketModeState::next_delivery(Clock::time_point now) {
    if (queue_.empty()) return std::nullopt;
    std::optional<int> target = next_connection();
    if (!target) return std::nullopt;
    ConnectionRecord* connection = record(*target);

    auto next = queue_.begin();
    Envelope& envelope = envelopes_.at(next->second);
    queue_.erase(next);
    ++envelope.send_count;
    envelope.connection = *target;
    envelope.sent_at = now;

    Delivery delivery{*target, envelope.key, envelope.send_count, "", envelope.expects_ack, false};
    if (!envelope.first_text.empty()) {
        delivery.text = std::move(envelope.first_text);
        envelope.first_text.clear();
    } else {
        delivery.text = envelope.frame.dump();
    }
    if (envelope.expects_ack) {
        ++envelopes_sent_;
        ++connection->envelopes_sent;
        if (envelopes_to_cut > 0) {
            // The socket goes with it: nothing more is routed there, and what it carried goes out again.
            --envelopes_to_cut;
            ++envelopes_cut_;
            delivery.cut = true;
            close_connection(*target);
        } else if (disconnect_every > 0 && connection->envelopes_sent % disconnect_every == 0) {
            delivery.then_disconnect = mark_disconnect(*target);
        }
    }
    return delivery;
}

void SocketModeState::requeue(Envelope& envelope, const char* reason) {
    if (envelope.frame.is_object()) {
        envelope.frame["retry_attempt"] = envelope.send_count;
        envelope.frame["retry_reason"] = reason;
    }
    queue_[envelope.order] = envelope.key;
}

bool SocketModeState::ack_timed_out(const std::string& key, int send_number) {
    auto it = envelopes_.find(key);
    if (it == envelopes_.end()) return false;
    Envelope& envelope = it->second;
    bool still_out = !envelope.acked && envelope.send_count == send_number && !queue_.count(envelope.order);
    if (!still_out) return false;
    requeue(envelope, "timeout");
    return true;
}

void SocketModeState::receive(int connection, const std::string& text, Clock::time_point now) {
    json frame = json::parse(text, nullptr, false);
    if (!frame.is_object() || !frame.contains("envelope_id") || !frame["envelope_id"].is_string()) return;
    auto it = envelopes_.find(frame["envelope_id"].get<std::string>());
    // Slack ignores acks for envelopes it never sent; so do we, without a record.
    if (it == envelopes_.end() || !it->second.expects_ack || it->second.send_count == 0) return;
    Envelope& envelope = it->second;
    envelope.acked = true;
    queue_.erase(envelope.order);   // a late ack cancels a redelivery not yet sent
    SimAck ack;
    ack.envelope_id = envelope.key;
    ack.payload = frame.contains("payload") ? frame["payload"] : json();
    ack.latency = std::chrono::duration_cast<std::chrono::milliseconds>(now - envelope.sent_at);
    ack.connection = connection;
    acks_.push_back(std::move(ack));
}

std::vector<std::string> SocketModeState::unacked() const {
    std::map<std::uint64_t, std::string> in_order;
    for (const auto& [key, envelope] : envelopes_)
        if (envelope.expects_ack && envelope.send_count > 0 && !envelope.acked) in_order[envelope.order] = key;
    std::vector<std::string> keys;
    for (auto& [order, key] : in_order) keys.push_back(key);
    return keys;
}

std::size_t SocketModeState::open_connections() const {
    return static_cast<std::size_t>(
        std::count_if(connections_.begin(), connections_.end(), [](const auto& c) { return !c.closed; }));
}

std::vector<int> SocketModeState::open_connection_ids() const {
    std::vector<int> ids;
    for (const auto& connection : connections_)
        if (!connection.closed) ids.push_back(connection.id);
    return ids;
}

}  // namespace warroom::slack_sim
