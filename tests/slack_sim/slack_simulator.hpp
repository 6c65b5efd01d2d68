#pragma once
// A Slack workspace on loopback for tests: the Web API methods warroom uses
// and Socket Mode's WebSocket, over TLS with a CA generated for the run,
// with Slack's response shapes, errors and limits. Its users type slash
// commands and click buttons as real clients would; fault switches make it
// drop sockets, send `disconnect`, answer 429 or 500, answer slowly, cut
// answers and envelopes short, or fail TLS handshakes.
//
// It runs on its own thread; every public member is thread-safe.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace warroom::slack_sim {

struct SimChannel {
    std::string id;                    // C... public, G... private, D... a direct message
    std::string name;                  // "" for a direct message
    bool is_private = false;
    bool is_im = false;
    std::string creator;               // user id
    std::set<std::string> members;     // user ids, the bot's among them when it is in
    std::string topic;
    std::string purpose;
    std::vector<std::string> pinned;   // message ts
};

struct SimMessage {
    std::string channel;               // id
    std::string ts;
    std::string user;                  // author's user id (the bot's for bot posts)
    std::string text;
    nlohmann::json blocks;             // null when none
    nlohmann::json metadata;           // null when none
    int edits = 0;                     // chat.update calls on it
    std::optional<std::string> ephemeral_to;  // chat.postEphemeral: only this user sees it
};

struct SimAck {
    std::string envelope_id;
    nlohmann::json payload;            // null for a bare ack
    std::chrono::milliseconds latency{};   // from the envelope's (latest) sending to its ack
    int connection = 0;                // which connection (1, 2, ...) carried it
};

// A load test's envelopes (SlackSimulator::run_load): sent by the simulator's
// I/O thread itself, at a fixed rate or as fast as acks free a window.
struct LoadPlan {
    std::vector<std::string> frames;   // whole envelope frames (slash_command_frame)
    std::size_t first_id = 0;          // frame i has the envelope id "L<first_id + i>" (ids are never reused:
                                       // a client takes a known id for a redelivery)
    double per_second = 0;             // the offered rate; 0: saturation, at most `window` unacked at once
    std::size_t window = 2000;
    std::chrono::milliseconds give_up_after{10000};   // after the last frame went out
};

// When each frame of a LoadPlan went out and was acked; a default time_point: never.
struct LoadTimes {
    std::vector<std::chrono::steady_clock::time_point> sent;
    std::vector<std::chrono::steady_clock::time_point> acked;
};

struct SimApiCall {
    std::string method;
    std::string token;                 // the bearer token presented
    nlohmann::json args;               // JSON body or form fields as an object
    unsigned http_status = 200;
    std::string error;                 // Slack's error code when ok:false, "" otherwise
};

class SlackSimulator {
public:
    // Listens on 127.0.0.1, a free port, TLS on. Writes the CA it generated
    // to a temporary file (ca_file()) removed by the destructor.
    SlackSimulator();
    ~SlackSimulator();
    SlackSimulator(const SlackSimulator&) = delete;
    SlackSimulator& operator=(const SlackSimulator&) = delete;

    std::string api_url() const;       // "https://localhost:PORT/api/"
    std::string ca_file() const;       // PEM of the CA that signed the server's certificate
    std::string app_token() const;     // "xapp-..."
    std::string bot_token() const;     // "xoxb-..."
    std::string bot_user_id() const;   // the bot's own user id (auth.test answers it)

    // The workspace.
    std::string add_user(const std::string& name);                       // returns "U..."
    // A guest of the workspace (users.info: is_restricted, or is_ultra_restricted for a single-channel guest).
    std::string add_guest(const std::string& name, bool single_channel = false);
    // How users.info describes an existing user: a guest (is_restricted, or
    // is_ultra_restricted), or of another team (team_id; "" for the workspace's).
    void describe_user(const std::string& user_id, bool is_restricted, bool is_ultra_restricted,
                       const std::string& team_id);
    // A Slack Connect user: a member of another team (users.info: that team_id) in a shared channel.
    std::string add_external_user(const std::string& name, const std::string& team_id = "T0OTHER");
    // Another app installed in the workspace; returns its bot user's id. Its messages carry its own bot_id
    // and app_id (conversations.history shows them), never warroom's.
    std::string add_app(const std::string& name);
    // Returns the channel's id (C... public, G... private), which a playbook pins audience channels by.
    std::string add_channel(const std::string& name, bool is_private, const std::vector<std::string>& members);
    // Someone in the channel adds `user_id` to it (the client's /invite, conversations.invite).
    void add_member(const std::string& channel_id, const std::string& user_id);
    // The channel is renamed (conversations.rename): it keeps its id, and its old name is free for anyone
    // to give a new channel. Throws std::invalid_argument for a bad or taken name.
    void rename_channel(const std::string& channel_id, const std::string& new_name);
    std::optional<SimChannel> channel(const std::string& id) const;
    std::optional<SimChannel> channel_by_name(const std::string& name) const;
    std::vector<SimChannel> channels() const;
    std::vector<SimMessage> messages(const std::string& channel_id) const;   // oldest first, ephemeral included
    std::optional<SimMessage> message(const std::string& channel_id, const std::string& ts) const;
    // What a Slack client shows as links in the message's blocks: every link written as markup (<@U..>,
    // <#C..>, <https://..|label>), and in mrkdwn text without "verbatim": true also what Slack links on
    // its own: bare URLs (https://, http://, www.) and the #name of an existing channel.
    std::vector<std::string> links_shown(const std::string& channel_id, const std::string& ts) const;

    // `user_id` (a person, or another app's bot user) posts in the channel, as chat.postMessage with their
    // own token would, message metadata included when given; returns the message's ts. Throws
    // std::runtime_error when they are not in the channel.
    std::string post_as(const std::string& user_id, const std::string& channel_id, const std::string& text,
                        const nlohmann::json& metadata = nullptr, const nlohmann::json& blocks = nullptr);

    // Users acting. Each returns the envelope id; the envelope waits until a
    // connection has said hello, then goes to the newest such connection.
    // slash_command: `text` as typed; mentions written "@name" or "#name" are
    // sent escaped as Slack does (<@U123|name>, <#C123|name>), & < > as entities.
    std::string slash_command(const std::string& user_id, const std::string& channel_id, const std::string& text,
                              const std::string& command = "/incident");
    // Clicks the button `action_id` on a message the user can see; throws
    // std::runtime_error if the message or button does not exist or the user
    // is not in the channel (a real client could not click it).
    std::string click(const std::string& user_id, const std::string& channel_id, const std::string& message_ts,
                      const std::string& action_id);
    // `user_id` leaves the channel (as conversations.leave with their own
    // token, or the client's "Leave channel"), or `remover_id` removes them
    // (conversations.kick, "Remove from channel"). Either way Slack sends the
    // subscribed app a member_left_channel event, which does not say who
    // removed them; returns its envelope id. Throws std::runtime_error when
    // the user is not in the channel (or the remover is not either).
    std::string leave_channel(const std::string& user_id, const std::string& channel_id);
    std::string kick(const std::string& remover_id, const std::string& user_id, const std::string& channel_id);
    // Sends an Events API envelope again as Slack redelivers one (a new
    // envelope id, retry_attempt 1, the same event_id); returns the new envelope id.
    std::string redeliver_event(const std::string& envelope_id);
    // The account is deactivated: conversations.invite answers cant_invite for it.
    void deactivate_user(const std::string& user_id);
    // The same click from a client still showing the message as it was
    // (`shown_blocks`, e.g. an approval card before an update reached it).
    std::string click_as_shown(const std::string& user_id, const std::string& channel_id,
                               const std::string& message_ts, const std::string& action_id,
                               const nlohmann::json& shown_blocks);
    // The frame slash_command() would send, with `envelope_id`, built and not
    // sent: a load test's envelopes are made before the clock starts.
    std::string slash_command_frame(const std::string& envelope_id, const std::string& user_id,
                                    const std::string& channel_id, const std::string& text,
                                    const std::string& command = "/incident");
    // The frame click() would send, with `envelope_id`, built and not sent.
    std::string click_frame(const std::string& envelope_id, const std::string& user_id, const std::string& channel_id,
                            const std::string& message_ts, const std::string& action_id);
    // Sends the plan's frames over the ready sockets in turn, bypassing the
    // bookkeeping tests read (no redelivery, acks not kept in acks()): the
    // sending costs a write, the ack a substring search, so the simulator can
    // offer far more envelopes a second than a bot takes. Returns once every
    // frame was acked or `give_up_after` passed since the last went out.
    LoadTimes run_load(LoadPlan plan);

    // Sends a frame as is (malformed JSON, unknown types); returns its
    // envelope_id when it has one, else "".
    std::string send_raw_frame(const std::string& text);

    // What the bot did.
    std::vector<SimAck> acks() const;
    std::vector<std::string> unacked_envelopes() const;   // sent and not yet acked
    std::vector<SimApiCall> api_calls() const;
    std::size_t connections_opened() const;  // WebSocket connections that got hello
    std::size_t open_connections() const;
    // Every envelope sent, with how many times (redeliveries after a dropped socket count again).
    std::size_t envelopes_sent() const;

    // Waits until `condition` holds (checked whenever the simulator's state
    // changes, and at least every 50 ms) or the deadline passes; returns whether it held.
    bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const;

    // Fault switches.
    void disconnect_every(std::size_t envelopes);           // send `disconnect` (refresh_requested) after every N envelopes; 0: never
    void send_disconnect();                                 // now, on the newest connection
    void drop_sockets();                                    // close every WebSocket abruptly (TCP reset, no close frame)
    void rate_limit(const std::string& method, int calls, int retry_after_seconds = 1);  // next N calls: HTTP 429
    void fail(const std::string& method, int calls, unsigned status = 500);             // next N calls: that status
    // Slack redelivers an envelope not acked within this time (retry_attempt + 1,
    // same envelope_id), as it does for Events API; default 3 s.
    void set_ack_timeout(std::chrono::milliseconds timeout);
    // The next N answers to `method` (a Web API method, or "response_url") are held for `delay` before
    // being written (a timer on the I/O thread, which serves the others meanwhile); the call runs at once.
    void slow(const std::string& method, int calls, std::chrono::milliseconds delay);
    // The next N answers to `method` are cut short: the head and half the body (Content-Length promises
    // all of it), then the connection closes. The call has run: the client cannot tell whether it did.
    void truncate(const std::string& method, int calls);
    // The next N envelopes are cut mid-message (their first half sent as a non-final frame) and the socket
    // closed; unacked, they are redelivered on the next connection ("connection_lost").
    void truncate_envelopes(int envelopes);
    // The next N accepted TCP connections (Web API or Socket Mode) get bytes that are no TLS record
    // instead of a ServerHello and are closed, so the client's handshake fails.
    void fail_handshakes(int connections);

    // What the delivery switches above did so far.
    std::size_t answers_held() const;       // slow
    std::size_t answers_cut() const;        // truncate
    std::size_t envelopes_cut() const;      // truncate_envelopes
    std::size_t handshakes_failed() const;  // fail_handshakes

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::slack_sim
