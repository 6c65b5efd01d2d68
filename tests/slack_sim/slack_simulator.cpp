// The simulator's public face: the thread-safe members tests call, and
// starting the server (sim_common's LoopbackTlsServer: certificates, port,
// I/O thread) once the state knows its port.
#include "slack_sim/slack_simulator.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/post.hpp>

#include "slack_sim/simulator_impl.hpp"
#include "slack_sim/user_actions.hpp"

namespace warroom::slack_sim {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

SlackSimulator::Impl::Impl() {
    // Before the I/O thread starts: the state's URLs name the port the server got.
    state.update([&](SimState& s) { s.authority = "localhost:" + std::to_string(server.port()); });
    server.start([this](tcp::socket socket) { return serve_http(std::move(socket)); });
}

SlackSimulator::Impl::~Impl() {
    // Before `sockets` goes: the I/O thread uses it.
    server.stop();
}

void SlackSimulator::Impl::post_delivery() {
    asio::post(server.io(), [this] { deliver_pending(); });
}

SlackSimulator::SlackSimulator() : impl_(std::make_unique<Impl>()) {}

SlackSimulator::~SlackSimulator() = default;

std::string SlackSimulator::api_url() const {
    return "https://localhost:" + std::to_string(impl_->server.port()) + "/api/";
}

std::string SlackSimulator::ca_file() const {
    return impl_->server.ca_file();
}

std::string SlackSimulator::app_token() const {
    return impl_->state.read([](const SimState& s) { return s.app_token; });
}

std::string SlackSimulator::bot_token() const {
    return impl_->state.read([](const SimState& s) { return s.bot_token; });
}

std::string SlackSimulator::bot_user_id() const {
    return impl_->state.read([](const SimState& s) { return s.workspace.bot_user_id; });
}

std::string SlackSimulator::add_user(const std::string& name) {
    return impl_->state.update([&](SimState& s) { return s.workspace.add_user(name); });
}

std::string SlackSimulator::add_guest(const std::string& name, bool single_channel) {
    return impl_->state.update([&](SimState& s) {
        std::string id = s.workspace.add_user(name);
        s.workspace.describe_user(id, !single_channel, single_channel, "");
        return id;
    });
}

void SlackSimulator::describe_user(const std::string& user_id, bool is_restricted, bool is_ultra_restricted,
                                   const std::string& team_id) {
    impl_->state.update([&](SimState& s) {
        s.workspace.describe_user(user_id, is_restricted, is_ultra_restricted, team_id);
        return 0;
    });
}

std::string SlackSimulator::add_external_user(const std::string& name, const std::string& team_id) {
    return impl_->state.update([&](SimState& s) {
        std::string id = s.workspace.add_user(name);
        s.workspace.describe_user(id, false, false, team_id);
        return id;
    });
}

std::string SlackSimulator::add_app(const std::string& name) {
    return impl_->state.update([&](SimState& s) { return s.workspace.add_app(name); });
}

std::string SlackSimulator::add_channel(const std::string& name, bool is_private,
                                        const std::vector<std::string>& members) {
    return impl_->state.update([&](SimState& s) {
        const std::string& bot = s.workspace.bot_user_id;
        bool bot_in = std::find(members.begin(), members.end(), bot) != members.end();
        std::string creator = bot_in || members.empty() ? bot : members.front();
        return s.workspace.add_channel(name, is_private, members, creator);
    });
}

void SlackSimulator::add_member(const std::string& channel_id, const std::string& user_id) {
    impl_->state.update([&](SimState& s) {
        StoredChannel* channel = s.workspace.channel(channel_id);
        if (!channel || channel->channel.is_im) throw std::runtime_error("slack simulator: no channel " + channel_id);
        if (!s.workspace.user(user_id)) throw std::runtime_error("slack simulator: no user " + user_id);
        channel->channel.members.insert(user_id);
    });
}

void SlackSimulator::rename_channel(const std::string& channel_id, const std::string& new_name) {
    impl_->state.update([&](SimState& s) { s.workspace.rename_channel(channel_id, new_name); });
}

std::optional<SimChannel> SlackSimulator::channel(const std::string& id) const {
    return impl_->state.read([&](const SimState& s) -> std::optional<SimChannel> {
        const StoredChannel* stored = s.workspace.channel(id);
        return stored ? std::optional(stored->channel) : std::nullopt;
    });
}

std::optional<SimChannel> SlackSimulator::channel_by_name(const std::string& name) const {
    return impl_->state.read([&](const SimState& s) -> std::optional<SimChannel> {
        const StoredChannel* stored = s.workspace.channel_by_name(name);
        return stored ? std::optional(stored->channel) : std::nullopt;
    });
}

std::vector<SimChannel> SlackSimulator::channels() const {
    return impl_->state.read([](const SimState& s) {
        std::vector<SimChannel> all;
        for (const auto& stored : s.workspace.channels()) all.push_back(stored.channel);
        return all;
    });
}

std::vector<SimMessage> SlackSimulator::messages(const std::string& channel_id) const {
    return impl_->state.read([&](const SimState& s) {
        std::vector<SimMessage> in_channel;
        for (const auto& stored : s.workspace.messages())
            if (stored.message.channel == channel_id) in_channel.push_back(stored.message);
        return in_channel;
    });
}

std::optional<SimMessage> SlackSimulator::message(const std::string& channel_id, const std::string& ts) const {
    return impl_->state.read([&](const SimState& s) -> std::optional<SimMessage> {
        for (const auto& stored : s.workspace.messages())
            if (stored.message.channel == channel_id && stored.message.ts == ts) return stored.message;
        return std::nullopt;
    });
}

std::vector<std::string> SlackSimulator::links_shown(const std::string& channel_id, const std::string& ts) const {
    return impl_->state.read([&](const SimState& s) {
        for (const auto& stored : s.workspace.messages())
            if (stored.message.channel == channel_id && stored.message.ts == ts) return s.workspace.links_shown(stored);
        throw std::runtime_error("slack simulator: no message " + ts + " in " + channel_id);
    });
}

std::string SlackSimulator::post_as(const std::string& user_id, const std::string& channel_id,
                                    const std::string& text, const nlohmann::json& metadata,
                                    const nlohmann::json& blocks) {
    return impl_->state.update([&](SimState& s) {
        const StoredChannel* channel = s.workspace.channel(channel_id);
        if (!channel || !s.workspace.is_member(user_id, *channel))
            throw std::runtime_error("slack simulator: " + user_id + " is not in " + channel_id + " and cannot post there");
        SimMessage message;
        message.channel = channel_id;
        message.ts = s.workspace.next_ts();
        message.user = user_id;
        message.text = text;
        message.metadata = metadata;
        message.blocks = blocks;
        return s.workspace.add_message(std::move(message), "").message.ts;
    });
}

std::string SlackSimulator::slash_command(const std::string& user_id, const std::string& channel_id,
                                          const std::string& text, const std::string& command) {
    std::string id = impl_->state.update([&](SimState& s) {
        nlohmann::json envelope = slash_command_envelope(s, user_id, channel_id, text, command);
        std::string envelope_id = envelope["envelope_id"];
        return s.socket_mode.enqueue(envelope_id, std::move(envelope));
    });
    impl_->post_delivery();
    return id;
}

std::string SlackSimulator::click(const std::string& user_id, const std::string& channel_id,
                                  const std::string& message_ts, const std::string& action_id) {
    std::string id = impl_->state.update([&](SimState& s) {
        nlohmann::json envelope = button_click_envelope(s, user_id, channel_id, message_ts, action_id);
        std::string envelope_id = envelope["envelope_id"];
        return s.socket_mode.enqueue(envelope_id, std::move(envelope));
    });
    impl_->post_delivery();
    return id;
}

namespace {

// Takes `user_id` out of the channel and queues the member_left_channel event Slack sends for it.
std::string remove_member(SimState& s, const std::string& user_id, const std::string& channel_id) {
    StoredChannel* channel = s.workspace.channel(channel_id);
    if (!channel) throw std::runtime_error("slack simulator: no channel " + channel_id);
    if (!channel->channel.members.erase(user_id))
        throw std::runtime_error("slack simulator: " + user_id + " is not in " + channel_id);
    nlohmann::json envelope = member_left_envelope(s, user_id, channel_id);
    std::string envelope_id = envelope["envelope_id"];
    s.event_envelopes[envelope_id] = envelope;
    return s.socket_mode.enqueue(envelope_id, std::move(envelope));
}

}  // namespace

std::string SlackSimulator::leave_channel(const std::string& user_id, const std::string& channel_id) {
    std::string id = impl_->state.update([&](SimState& s) { return remove_member(s, user_id, channel_id); });
    impl_->post_delivery();
    return id;
}

std::string SlackSimulator::kick(const std::string& remover_id, const std::string& user_id,
                                 const std::string& channel_id) {
    std::string id = impl_->state.update([&](SimState& s) {
        const StoredChannel* channel = s.workspace.channel(channel_id);
        if (!channel || !s.workspace.is_member(remover_id, *channel))
            throw std::runtime_error("slack simulator: " + remover_id + " is not in " + channel_id +
                                     " and cannot remove anyone from it");
        return remove_member(s, user_id, channel_id);
    });
    impl_->post_delivery();
    return id;
}

std::string SlackSimulator::click_as_shown(const std::string& user_id, const std::string& channel_id,
                                          const std::string& message_ts, const std::string& action_id,
                                          const nlohmann::json& shown_blocks) {
    std::string id = impl_->state.update([&](SimState& s) {
        nlohmann::json envelope = button_click_envelope(s, user_id, channel_id, message_ts, action_id, &shown_blocks);
        std::string envelope_id = envelope["envelope_id"];
        return s.socket_mode.enqueue(envelope_id, std::move(envelope));
    });
    impl_->post_delivery();
    return id;
}

std::string SlackSimulator::redeliver_event(const std::string& envelope_id) {
    std::string id = impl_->state.update([&](SimState& s) {
        auto sent = s.event_envelopes.find(envelope_id);
        if (sent == s.event_envelopes.end())
            throw std::runtime_error("slack simulator: no events_api envelope " + envelope_id + " was sent");
        nlohmann::json again = sent->second;
        again["envelope_id"] = s.uuid_like();
        again["retry_attempt"] = 1;
        again["retry_reason"] = "timeout";
        std::string again_id = again["envelope_id"];
        s.event_envelopes[again_id] = again;
        return s.socket_mode.enqueue(again_id, std::move(again));
    });
    impl_->post_delivery();
    return id;
}

void SlackSimulator::deactivate_user(const std::string& user_id) {
    impl_->state.update([&](SimState& s) {
        SimUser* user = s.workspace.user(user_id);
        if (!user) throw std::runtime_error("slack simulator: no user " + user_id);
        user->deactivated = true;
    });
}

std::string SlackSimulator::send_raw_frame(const std::string& text) {
    std::string id =
        impl_->state.update([&](SimState& s) { return s.socket_mode.enqueue_raw(text, "raw-frame-" + s.uuid_like()); });
    impl_->post_delivery();
    return id;
}

std::vector<SimAck> SlackSimulator::acks() const {
    return impl_->state.read([](const SimState& s) { return s.socket_mode.acks(); });
}

std::vector<std::string> SlackSimulator::unacked_envelopes() const {
    return impl_->state.read([](const SimState& s) { return s.socket_mode.unacked(); });
}

std::vector<SimApiCall> SlackSimulator::api_calls() const {
    return impl_->state.read([](const SimState& s) { return s.api_calls; });
}

std::size_t SlackSimulator::connections_opened() const {
    return impl_->state.read([](const SimState& s) { return s.socket_mode.connections_opened(); });
}

std::size_t SlackSimulator::open_connections() const {
    return impl_->state.read([](const SimState& s) { return s.socket_mode.open_connections(); });
}

std::size_t SlackSimulator::envelopes_sent() const {
    return impl_->state.read([](const SimState& s) { return s.socket_mode.envelopes_sent(); });
}

bool SlackSimulator::wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const {
    return impl_->state.wait_for(condition, deadline);
}

void SlackSimulator::disconnect_every(std::size_t envelopes) {
    impl_->state.update([&](SimState& s) { s.socket_mode.disconnect_every = envelopes; });
}

void SlackSimulator::send_disconnect() {
    // Recorded now, so nothing more is routed to that socket even before the frame leaves.
    auto target = impl_->state.update([](SimState& s) -> std::optional<int> {
        auto ready = s.socket_mode.ready_connection();
        if (ready && s.socket_mode.mark_disconnect(*ready)) return ready;
        return std::nullopt;
    });
    if (target) asio::post(impl_->server.io(), [impl = impl_.get(), id = *target] { impl->send_disconnect_to(id); });
}

void SlackSimulator::drop_sockets() {
    // Recorded as closed now (what they carried unacked is queued again); the sockets are reset on the I/O thread.
    auto dropped = impl_->state.update([](SimState& s) {
        std::vector<int> ids = s.socket_mode.open_connection_ids();
        for (int id : ids) s.socket_mode.close_connection(id);
        return ids;
    });
    asio::post(impl_->server.io(), [impl = impl_.get(), dropped] { impl->drop_sockets(dropped); });
}

void SlackSimulator::rate_limit(const std::string& method, int calls, int retry_after_seconds) {
    impl_->state.update([&](SimState& s) { s.rate_limits[method] = FaultSwitch{calls, 429, retry_after_seconds}; });
}

void SlackSimulator::fail(const std::string& method, int calls, unsigned status) {
    impl_->state.update([&](SimState& s) { s.failures[method] = FaultSwitch{calls, status, 0}; });
}

void SlackSimulator::set_ack_timeout(std::chrono::milliseconds timeout) {
    impl_->state.update([&](SimState& s) { s.socket_mode.ack_timeout = timeout; });
}

void SlackSimulator::slow(const std::string& method, int calls, std::chrono::milliseconds delay) {
    impl_->state.update([&](SimState& s) { s.delivery_faults.slow(method, calls, delay); });
}

void SlackSimulator::truncate(const std::string& method, int calls) {
    impl_->state.update([&](SimState& s) { s.delivery_faults.cut_short(method, calls); });
}

void SlackSimulator::truncate_envelopes(int envelopes) {
    impl_->state.update([&](SimState& s) { s.socket_mode.envelopes_to_cut = envelopes; });
}

void SlackSimulator::fail_handshakes(int connections) {
    impl_->server.fail_handshakes(connections);
}

std::size_t SlackSimulator::answers_held() const {
    return impl_->state.read([](const SimState& s) { return s.delivery_faults.answers_held(); });
}

std::size_t SlackSimulator::answers_cut() const {
    return impl_->state.read([](const SimState& s) { return s.delivery_faults.answers_cut(); });
}

std::size_t SlackSimulator::envelopes_cut() const {
    return impl_->state.read([](const SimState& s) { return s.socket_mode.envelopes_cut(); });
}

std::size_t SlackSimulator::handshakes_failed() const {
    return impl_->server.handshakes_failed();
}

}  // namespace warroom::slack_sim
