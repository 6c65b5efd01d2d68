#pragma once
// A Matrix homeserver on loopback for tests: the client-server API (v3)
// endpoints warroom uses, over TLS with a CA generated for the run, with the
// specification's response shapes, error codes and limits. Its users act
// through this class as their clients would (send text, react, invite);
// fault switches make it answer 429 M_LIMIT_EXCEEDED, 5xx, expire tokens,
// cut timelines short (limited: true), answer slowly, cut answers short or
// fail TLS handshakes.
//
// It runs on its own thread; every public member is thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace warroom::matrix_sim {

struct SimEvent {
    std::string event_id;              // "$N..."
    std::string room_id;
    std::string sender;
    std::string type;
    std::optional<std::string> state_key;
    nlohmann::json content;
    std::int64_t origin_server_ts = 0;
    std::int64_t stream_position = 0;  // the server's order across all rooms
};

struct SimRoom {
    std::string room_id;               // "!N:localhost"
    std::string creator;
    std::string name;
    std::string topic;
    std::vector<std::string> aliases;  // "#inc-1-x:localhost"
    std::string join_rule;             // "invite" (private_chat) or "public"
    bool is_direct = false;
    std::set<std::string> joined;
    std::set<std::string> invited;
    nlohmann::json power_levels;       // the current m.room.power_levels content
    std::vector<std::string> pinned;   // m.room.pinned_events content.pinned
};

// One request the server answered, for assertions.
struct SimRequest {
    std::string method;
    std::string endpoint;              // the route's name: "login", "whoami", "filter", "sync", "createRoom",
                                       // "invite", "join", "leave", "state_put", "state_get", "send",
                                       // "messages", "relations", "directory", "joined_members",
                                       // "joined_rooms", "versions" (GET /_matrix/client/versions), or "unknown"
    std::string path;                  // decoded path without the query
    std::string query;                 // raw query string
    std::string user;                  // whose token it carried ("" without a valid one)
    std::string token;
    nlohmann::json body;               // null when empty or not JSON
    unsigned status = 0;
    std::string errcode;               // "" on success
};

class MatrixSimulator {
public:
    // Listens on 127.0.0.1, a free port, TLS on; server name "localhost".
    // Writes the CA it generated to a temporary file removed by the destructor.
    // The bot's account exists from the start ("@warroom:localhost").
    MatrixSimulator();
    ~MatrixSimulator();
    MatrixSimulator(const MatrixSimulator&) = delete;
    MatrixSimulator& operator=(const MatrixSimulator&) = delete;

    std::string homeserver_url() const;   // "https://localhost:PORT"
    std::string ca_file() const;
    std::string server_name() const;      // "localhost"

    std::string bot_user_id() const;      // "@warroom:localhost"
    std::string bot_password() const;
    std::string bot_token() const;        // a token issued at start, as an admin would have made

    // Accounts: "@name:localhost", with a token of their own.
    std::string add_user(const std::string& localpart, const std::string& password = "secret");
    std::string token_of(const std::string& user_id) const;
    // From now on this token gets 401 M_UNKNOWN_TOKEN (soft_logout false).
    void expire_token(const std::string& token);

    // Rooms as people made them. `members` join at once; the creator gets power 100.
    // `alias_localpart` "exec-briefing" gives "#exec-briefing:localhost".
    std::string create_room(const std::string& creator, const std::string& name,
                            const std::optional<std::string>& alias_localpart, const std::vector<std::string>& members,
                            bool is_public = false);
    // POST /createRoom with `request` as `creator`'s client sends it (power_level_content_override,
    // room_alias_name, invite, ...); returns the room id, throws std::runtime_error if refused.
    std::string create_room_as(const std::string& creator, const nlohmann::json& request);
    // An alias of another homeserver ("#x:elsewhere.example") naming `room_id`, as this server would
    // resolve it over federation for GET /directory/room and POST /join. Local aliases come from createRoom.
    void add_remote_alias(const std::string& alias, const std::string& room_id);
    // `inviter` (joined) invites `invitee`; throws std::runtime_error if the server would refuse it.
    void invite(const std::string& room_id, const std::string& inviter, const std::string& invitee);
    void join(const std::string& room_id, const std::string& user);
    // POST /rooms/{id}/leave as `user`'s client sends it; /kick and /ban as `remover`'s (joined, with the
    // power to). Each adds the m.room.member state event (membership leave or ban, sender the actor,
    // state_key the user) to the room's timeline, as /sync shows it; throws std::runtime_error if refused.
    void leave(const std::string& room_id, const std::string& user);
    void kick(const std::string& room_id, const std::string& remover, const std::string& user,
              const std::string& reason = "");
    void ban(const std::string& room_id, const std::string& remover, const std::string& user,
             const std::string& reason = "");

    // Users acting, each returns the new event id; throws std::runtime_error
    // if the user may not send there (not joined).
    // An m.text message; formatted_body (org.matrix.custom.html) only when given.
    std::string send_text(const std::string& user, const std::string& room_id, const std::string& body,
                          const std::optional<std::string>& formatted_body = std::nullopt);
    // An m.reaction annotating `target_event_id` with `key`.
    std::string react(const std::string& user, const std::string& room_id, const std::string& target_event_id,
                      const std::string& key);
    // Any event with any content (wrong types, huge bodies): stored and synced as given.
    std::string send_event(const std::string& user, const std::string& room_id, const std::string& type,
                           const nlohmann::json& content);
    // A timeline event exactly as given (may lack content, event_id, sender...):
    // the server adds only its stream position. For malformed-event tests.
    void inject_raw_event(const std::string& room_id, const nlohmann::json& event);

    // What exists.
    std::optional<SimRoom> room(const std::string& room_id) const;
    std::optional<SimRoom> room_by_alias(const std::string& alias) const;   // "#x:localhost"
    std::vector<SimRoom> rooms() const;
    std::vector<SimEvent> events(const std::string& room_id) const;         // whole timeline, oldest first, state included
    std::optional<SimEvent> event(const std::string& event_id) const;
    std::vector<SimRequest> requests() const;
    std::size_t syncs_answered() const;
    // Long-polling /sync requests the server holds right now (nothing new for them yet). Lets a test
    // act only once the bot is waiting, so it sees the long-poll woken rather than a plain answer.
    std::size_t syncs_waiting() const;

    // Waits until `condition` holds (checked whenever the server's state
    // changes, and at least every 50 ms) or the deadline passes; returns whether it held.
    bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const;

    // Fault switches. `endpoint` is a SimRequest::endpoint name.
    // The next `calls` requests to it get 429 M_LIMIT_EXCEEDED with retry_after_ms;
    // with `retry_after_header`, also a Retry-After header in whole seconds (rounded up).
    void rate_limit(const std::string& endpoint, int calls, std::chrono::milliseconds retry_after,
                    bool retry_after_header = false);
    // The next `calls` requests to it get `status`; a 5xx answer is an HTML page, as a proxy sends.
    void fail(const std::string& endpoint, int calls, unsigned status = 502);
    // A sync whose room has more than `events` new timeline events returns only
    // the last `events` of them, with limited: true and a prev_batch to page back from.
    // Default 50, as Synapse's default filter.
    void set_timeline_limit(std::size_t events);
    // The next `calls` answers of `endpoint` are held for `delay` before being written (a timer on the I/O
    // thread, which serves the others meanwhile); the request runs at once. A /sync is held after its long-poll.
    void slow(const std::string& endpoint, int calls, std::chrono::milliseconds delay);
    // The next `calls` answers of `endpoint` are cut short: the head and half the body (Content-Length
    // promises all of it), then the connection closes. The request has run: the client cannot tell whether it did.
    void truncate(const std::string& endpoint, int calls);
    // The next `connections` accepted TCP connections get bytes that are no TLS record instead of a
    // ServerHello and are closed, so the client's handshake fails.
    void fail_handshakes(int connections);

    // What the delivery switches above did so far.
    std::size_t answers_held() const;       // slow
    std::size_t answers_cut() const;        // truncate
    std::size_t handshakes_failed() const;  // fail_handshakes

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::matrix_sim
