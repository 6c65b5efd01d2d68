#pragma once
// Socket Mode's bookkeeping, apart from the sockets themselves: which
// connections said hello, which envelopes wait, went out, were acked, and
// when one is due again. Not thread-safe: the simulator holds its mutex.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "slack_sim/slack_simulator.hpp"

namespace warroom::slack_sim {

using Clock = std::chrono::steady_clock;

struct Envelope {
    std::string key;                   // the envelope_id; an internal key for a raw frame that has none
    bool expects_ack = true;           // false for raw frames without an envelope_id
    nlohmann::json frame;              // what a redelivery sends (retry fields updated)
    std::string first_text;            // a raw frame's text, sent verbatim the first time
    std::uint64_t order = 0;           // redeliveries keep their place in the queue
    int send_count = 0;
    int connection = 0;                // carried by, at the latest sending
    Clock::time_point sent_at;
    bool acked = false;
};

struct ConnectionRecord {
    int id = 0;
    bool disconnect_sent = false;      // no more envelopes go to it
    bool closed = false;
    std::size_t envelopes_sent = 0;
};

// One envelope to write now, on one connection.
struct Delivery {
    int connection = 0;
    std::string key;
    int send_number = 0;               // which sending this is, to match its ack timer
    std::string text;
    bool expects_ack = true;
    bool then_disconnect = false;      // disconnect_every reached on this connection
    bool cut = false;                  // truncate_envelopes: cut mid-message and the socket closed
};

class SocketModeState {
public:
    std::chrono::milliseconds ack_timeout{3000};
    std::size_t disconnect_every = 0;
    int envelopes_to_cut = 0;          // truncate_envelopes: the next N envelopes sent are cut

    // Queues an envelope; returns its envelope_id.
    std::string enqueue(const std::string& envelope_id, nlohmann::json frame);
    // Queues a frame as is; returns its envelope_id when it is a JSON object carrying one, else "".
    std::string enqueue_raw(const std::string& text, const std::string& internal_key);

    // Registers a connection that is about to get hello; returns its hello frame.
    nlohmann::json open_connection(int id, const std::string& app_id);
    // The socket is gone: everything it carried and nobody acked goes out again ("connection_lost").
    void close_connection(int id);
    // The newest connection that got hello and no disconnect; nullopt when none.
    std::optional<int> ready_connection() const;
    // Where the next envelope goes: as Slack does, each envelope to one of the
    // app's connections that got hello and no disconnect, taking them in turn
    // (several bot processes, or one during a refresh); nullopt when none.
    std::optional<int> next_connection();
    // Marks `id` as told to disconnect; false when it is closed or was told already.
    bool mark_disconnect(int id);

    std::optional<Delivery> next_delivery(Clock::time_point now);
    // The ack timer of sending `send_number` ran out; queues a redelivery ("timeout") if still unacked.
    bool ack_timed_out(const std::string& key, int send_number);
    // A frame from the bot; records the ack when it names an envelope we sent.
    void receive(int connection, const std::string& text, Clock::time_point now);

    const std::vector<SimAck>& acks() const { return acks_; }
    std::vector<std::string> unacked() const;
    std::size_t connections_opened() const { return connections_.size(); }
    std::size_t open_connections() const;
    std::vector<int> open_connection_ids() const;
    std::size_t envelopes_sent() const { return envelopes_sent_; }
    std::size_t envelopes_cut() const { return envelopes_cut_; }
    bool has_queued() const { return !queue_.empty(); }

private:
    void requeue(Envelope& envelope, const char* reason);
    ConnectionRecord* record(int id);

    std::map<std::string, Envelope> envelopes_;
    std::map<std::uint64_t, std::string> queue_;   // order -> key
    std::uint64_t next_order_ = 0;
    std::size_t deliveries_routed_ = 0;    // turns taken by next_connection
    std::vector<ConnectionRecord> connections_;
    std::vector<SimAck> acks_;
    std::size_t envelopes_sent_ = 0;
    std::size_t envelopes_cut_ = 0;
};

}  // namespace warroom::slack_sim
