#pragma once
// Everything the homeserver knows, guarded as one by the simulator's mutex:
// accounts and their sessions (accounts.cpp), rooms and the event stream
// (rooms.cpp), filters, transaction ids, fault switches and the requests it
// answered. Operations refuse as the specification does, by throwing
// MatrixError; none of this knows about HTTP.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "matrix_sim/matrix_simulator.hpp"
#include "sim_common/delivery_faults.hpp"

namespace warroom::matrix_sim {

struct Account {
    std::string user_id;               // "@alice:localhost"
    std::string password;
    std::string display_name;          // the localpart
};

// One access token: a login on one device.
struct Session {
    std::string user_id;
    std::string device_id;
    bool expired = false;
};

struct StoredEvent {
    SimEvent event;                    // for raw events, whatever of it the raw JSON says
    std::optional<nlohmann::json> raw; // inject_raw_event: sent to clients exactly as given
    std::string sent_with_token;       // the access token of a client send, for unsigned.transaction_id
    std::string transaction_id;
    std::optional<nlohmann::json> prev_content;   // a state event's predecessor, for unsigned
    std::string replaces_state;
};

struct RoomRecord {
    SimRoom room;
    std::vector<std::int64_t> timeline;   // stream positions, oldest first (state and raw events included)
    std::map<std::pair<std::string, std::string>, std::int64_t> state;   // (type, state_key) -> stream position
};

struct FaultSwitch {
    int calls_left = 0;
    unsigned status = 0;
    std::chrono::milliseconds retry_after{0};
    bool retry_after_header = false;
};

// A PUT /send is idempotent per device (the specification since v1.7; per
// access token before): the same device, room, type and txnId give the first event back.
using TransactionKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;

class Homeserver {
public:
    Homeserver();

    const std::string server_name = "localhost";
    std::string bot_user_id;
    std::string bot_password;
    std::string bot_token;

    // --- accounts.cpp ---
    std::string add_user(const std::string& localpart, const std::string& password);
    const Account* account(const std::string& user_id) const;
    // A new access token for the user; an empty device_id makes a new device.
    std::string open_session(const std::string& user_id, std::string device_id = "");
    // POST /login's answer for its body; 403 M_FORBIDDEN for a wrong user or password.
    nlohmann::json login(const nlohmann::json& body);
    // The token's session; 401 M_MISSING_TOKEN for "", M_UNKNOWN_TOKEN for an unknown or expired one.
    const Session& authenticate(const std::string& token) const;
    const Session* find_session(const std::string& token) const;
    void expire_token(const std::string& token);
    std::string first_token_of(const std::string& user_id) const;
    std::string create_filter(const std::string& user_id, const nlohmann::json& filter);
    std::optional<nlohmann::json> filter(const std::string& user_id, const std::string& filter_id) const;

    // --- rooms.cpp ---
    // `request` is a /createRoom body (checked here); returns the room id.
    std::string create_room(const std::string& creator, const nlohmann::json& request);
    void invite(const std::string& room_id, const std::string& inviter, const std::string& invitee);
    // `room_or_alias` is "!id:localhost" or "#alias:localhost"; returns the room id.
    std::string join(const std::string& room_or_alias, const std::string& user);
    void leave(const std::string& room_id, const std::string& user);
    // POST /kick ("leave") and /ban ("ban"): `remover`, joined with the power the room asks for (50 by
    // default) and above `user`'s, changes `user`'s membership; the event's sender is the remover.
    void remove(const std::string& room_id, const std::string& remover, const std::string& user,
                const std::string& membership_after, const std::string& reason);
    // Returns the event id (the current event's, when the same sender sets the same content again).
    std::string put_state(const std::string& room_id, const std::string& sender, const std::string& type,
                          const std::string& state_key, const nlohmann::json& content);
    // A timeline event from a joined sender with the power to send it.
    std::string send_event(const std::string& room_id, const std::string& sender, const std::string& type,
                           const nlohmann::json& content, const std::string& token = "",
                           const std::string& transaction_id = "");
    void inject_raw_event(const std::string& room_id, const nlohmann::json& event);

    RoomRecord* find_room(const std::string& room_id);
    const RoomRecord* find_room(const std::string& room_id) const;
    // The room the user may act in: 403 M_FORBIDDEN unless joined (an unknown room looks the same, as on Synapse).
    const RoomRecord& joined_room(const std::string& room_id, const std::string& user) const;
    std::optional<std::string> room_for_alias(const std::string& alias) const;
    // "join", "invite", "leave" or "" (never a member).
    std::string membership(const RoomRecord& room, const std::string& user) const;
    // The stream position of the user's current m.room.member event, 0 when none.
    std::int64_t membership_position(const RoomRecord& room, const std::string& user) const;
    const StoredEvent* state_event(const RoomRecord& room, const std::string& type, const std::string& state_key) const;
    long long power_of(const RoomRecord& room, const std::string& user) const;

    // --- the stream ---
    std::int64_t head() const { return static_cast<std::int64_t>(events.size()); }
    const StoredEvent& at(std::int64_t position) const { return events.at(static_cast<std::size_t>(position - 1)); }
    const StoredEvent* find_event(const std::string& event_id) const;
    std::int64_t now_ms();

    std::vector<StoredEvent> events;                    // stream position N is events[N - 1]
    std::vector<std::string> room_order;                // room ids as created
    std::map<std::string, RoomRecord> rooms;
    std::map<std::string, std::string> aliases;         // "#a:localhost" -> room id
    std::map<TransactionKey, std::string> transactions; // -> event id
    std::map<std::string, FaultSwitch> rate_limits;     // by endpoint name
    std::map<std::string, FaultSwitch> failures;        // by endpoint name
    sim_common::DeliveryFaultSwitches delivery_faults;  // by endpoint name
    std::vector<SimRequest> requests;
    std::size_t syncs_answered = 0;
    std::size_t syncs_waiting = 0;                      // long-polls held now
    std::size_t timeline_limit = 50;

private:
    std::string random_text(std::size_t length, std::string_view alphabet);
    std::int64_t append_event(RoomRecord& room, const std::string& sender, const std::string& type,
                              const std::optional<std::string>& state_key, nlohmann::json content);
    void apply_state(RoomRecord& room, const SimEvent& event);
    void check_may_send(const RoomRecord& room, const std::string& sender, const std::string& type, bool is_state) const;
    std::string new_room_id();

    std::map<std::string, Account> accounts_;
    std::map<std::string, Session> sessions_;           // by access token
    std::map<std::string, std::string> first_tokens_;   // user -> the token add_user issued
    std::map<std::string, std::map<std::string, nlohmann::json>> filters_;   // user -> filter id -> filter
    std::map<std::string, std::int64_t> event_positions_;                    // event id -> stream position
    std::mt19937_64 random_;
    std::uint64_t rooms_created_ = 0;
    std::int64_t last_timestamp_ = 0;
};

}  // namespace warroom::matrix_sim
