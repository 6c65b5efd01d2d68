// The simulator's public face: lifetime (certificates, port, I/O thread) and
// the thread-safe members tests call.
#include "slack_sim/slack_simulator.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include "slack_sim/simulator_impl.hpp"
#include "slack_sim/test_ca.hpp"
#include "slack_sim/user_actions.hpp"

namespace warroom::slack_sim {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string write_temporary_pem(const std::string& pem) {
    std::string path = (std::filesystem::temp_directory_path() / "warroom-slack-sim-ca-XXXXXX.pem").string();
    int fd = ::mkstemps(path.data(), 4);
    if (fd < 0) throw std::runtime_error("slack simulator: cannot create a temporary file for the CA at " + path);
    bool written = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
    ::close(fd);
    if (!written) {
        std::remove(path.c_str());
        throw std::runtime_error("slack simulator: cannot write the CA to " + path);
    }
    return path;
}

}  // namespace

SlackSimulator::Impl::Impl() {
    TestCertificates certificates = generate_test_certificates();
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    tls.use_certificate_chain(asio::buffer(certificates.server_certificate_pem));
    tls.use_private_key(asio::buffer(certificates.server_private_key_pem), asio::ssl::context::pem);

    tcp::endpoint loopback(asio::ip::make_address("127.0.0.1"), 0);   // port 0: the kernel picks a free one
    acceptor.open(loopback.protocol());
    acceptor.bind(loopback);
    acceptor.listen();
    port = acceptor.local_endpoint().port();

    state = std::make_unique<SimState>(port);
    ca_path = write_temporary_pem(certificates.ca_certificate_pem);

    asio::co_spawn(io, accept_connections(), report_escaped_exception);
    io_thread = std::thread([this] {
        // A handler that throws is a simulator bug; report it and keep serving rather than hang the tests.
        for (;;) {
            try {
                io.run();
                return;
            } catch (...) {
                report_escaped_exception(std::current_exception());
            }
        }
    });
}

SlackSimulator::Impl::~Impl() {
    // Stopping abandons the coroutines mid-flight; destroying the io_context (after the join) frees their
    // frames and the sockets they hold, before the TLS context they refer to.
    io.stop();
    if (io_thread.joinable()) io_thread.join();
    sockets.clear();
    boost::system::error_code ignored;
    acceptor.close(ignored);
    std::error_code also_ignored;
    std::filesystem::remove(ca_path, also_ignored);
}

void SlackSimulator::Impl::post_delivery() {
    asio::post(io, [this] { deliver_pending(); });
}

SlackSimulator::SlackSimulator() : impl_(std::make_unique<Impl>()) {}

SlackSimulator::~SlackSimulator() = default;

std::string SlackSimulator::api_url() const {
    return "https://localhost:" + std::to_string(impl_->port) + "/api/";
}

std::string SlackSimulator::ca_file() const {
    return impl_->ca_path;
}

std::string SlackSimulator::app_token() const {
    return impl_->read([](const SimState& s) { return s.app_token; });
}

std::string SlackSimulator::bot_token() const {
    return impl_->read([](const SimState& s) { return s.bot_token; });
}

std::string SlackSimulator::bot_user_id() const {
    return impl_->read([](const SimState& s) { return s.workspace.bot_user_id; });
}

std::string SlackSimulator::add_user(const std::string& name) {
    return impl_->update([&](SimState& s) { return s.workspace.add_user(name); });
}

std::string SlackSimulator::add_channel(const std::string& name, bool is_private,
                                        const std::vector<std::string>& members) {
    return impl_->update([&](SimState& s) {
        const std::string& bot = s.workspace.bot_user_id;
        bool bot_in = std::find(members.begin(), members.end(), bot) != members.end();
        std::string creator = bot_in || members.empty() ? bot : members.front();
        return s.workspace.add_channel(name, is_private, members, creator);
    });
}

std::optional<SimChannel> SlackSimulator::channel(const std::string& id) const {
    return impl_->read([&](const SimState& s) -> std::optional<SimChannel> {
        const StoredChannel* stored = s.workspace.channel(id);
        return stored ? std::optional(stored->channel) : std::nullopt;
    });
}

std::optional<SimChannel> SlackSimulator::channel_by_name(const std::string& name) const {
    return impl_->read([&](const SimState& s) -> std::optional<SimChannel> {
        const StoredChannel* stored = s.workspace.channel_by_name(name);
        return stored ? std::optional(stored->channel) : std::nullopt;
    });
}

std::vector<SimChannel> SlackSimulator::channels() const {
    return impl_->read([](const SimState& s) {
        std::vector<SimChannel> all;
        for (const auto& stored : s.workspace.channels()) all.push_back(stored.channel);
        return all;
    });
}

std::vector<SimMessage> SlackSimulator::messages(const std::string& channel_id) const {
    return impl_->read([&](const SimState& s) {
        std::vector<SimMessage> in_channel;
        for (const auto& stored : s.workspace.messages())
            if (stored.message.channel == channel_id) in_channel.push_back(stored.message);
        return in_channel;
    });
}

std::optional<SimMessage> SlackSimulator::message(const std::string& channel_id, const std::string& ts) const {
    return impl_->read([&](const SimState& s) -> std::optional<SimMessage> {
        for (const auto& stored : s.workspace.messages())
            if (stored.message.channel == channel_id && stored.message.ts == ts) return stored.message;
        return std::nullopt;
    });
}

std::string SlackSimulator::slash_command(const std::string& user_id, const std::string& channel_id,
                                          const std::string& text, const std::string& command) {
    std::string id = impl_->update([&](SimState& s) {
        nlohmann::json envelope = slash_command_envelope(s, user_id, channel_id, text, command);
        std::string envelope_id = envelope["envelope_id"];
        return s.socket_mode.enqueue(envelope_id, std::move(envelope));
    });
    impl_->post_delivery();
    return id;
}

std::string SlackSimulator::click(const std::string& user_id, const std::string& channel_id,
                                  const std::string& message_ts, const std::string& action_id) {
    std::string id = impl_->update([&](SimState& s) {
        nlohmann::json envelope = button_click_envelope(s, user_id, channel_id, message_ts, action_id);
        std::string envelope_id = envelope["envelope_id"];
        return s.socket_mode.enqueue(envelope_id, std::move(envelope));
    });
    impl_->post_delivery();
    return id;
}

std::string SlackSimulator::send_raw_frame(const std::string& text) {
    std::string id =
        impl_->update([&](SimState& s) { return s.socket_mode.enqueue_raw(text, "raw-frame-" + s.uuid_like()); });
    impl_->post_delivery();
    return id;
}

std::vector<SimAck> SlackSimulator::acks() const {
    return impl_->read([](const SimState& s) { return s.socket_mode.acks(); });
}

std::vector<std::string> SlackSimulator::unacked_envelopes() const {
    return impl_->read([](const SimState& s) { return s.socket_mode.unacked(); });
}

std::vector<SimApiCall> SlackSimulator::api_calls() const {
    return impl_->read([](const SimState& s) { return s.api_calls; });
}

std::size_t SlackSimulator::connections_opened() const {
    return impl_->read([](const SimState& s) { return s.socket_mode.connections_opened(); });
}

std::size_t SlackSimulator::open_connections() const {
    return impl_->read([](const SimState& s) { return s.socket_mode.open_connections(); });
}

std::size_t SlackSimulator::envelopes_sent() const {
    return impl_->read([](const SimState& s) { return s.socket_mode.envelopes_sent(); });
}

bool SlackSimulator::wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const {
    constexpr std::chrono::milliseconds kRecheck{50};
    auto give_up_at = std::chrono::steady_clock::now() + deadline;
    for (;;) {
        std::uint64_t seen = impl_->read([&](const SimState&) { return impl_->version; });
        // Evaluated without the mutex: the condition calls the public getters, which take it.
        if (condition()) return true;
        auto now = std::chrono::steady_clock::now();
        if (now >= give_up_at) return false;
        std::unique_lock lock(impl_->mutex);
        impl_->changed.wait_until(lock, std::min(give_up_at, now + kRecheck), [&] { return impl_->version != seen; });
    }
}

void SlackSimulator::disconnect_every(std::size_t envelopes) {
    impl_->update([&](SimState& s) { s.socket_mode.disconnect_every = envelopes; });
}

void SlackSimulator::send_disconnect() {
    // Recorded now, so nothing more is routed to that socket even before the frame leaves.
    auto target = impl_->update([](SimState& s) -> std::optional<int> {
        auto ready = s.socket_mode.ready_connection();
        if (ready && s.socket_mode.mark_disconnect(*ready)) return ready;
        return std::nullopt;
    });
    if (target) asio::post(impl_->io, [impl = impl_.get(), id = *target] { impl->send_disconnect_to(id); });
}

void SlackSimulator::drop_sockets() {
    // Recorded as closed now (what they carried unacked is queued again); the sockets are reset on the I/O thread.
    auto dropped = impl_->update([](SimState& s) {
        std::vector<int> ids = s.socket_mode.open_connection_ids();
        for (int id : ids) s.socket_mode.close_connection(id);
        return ids;
    });
    asio::post(impl_->io, [impl = impl_.get(), dropped] { impl->drop_sockets(dropped); });
}

void SlackSimulator::rate_limit(const std::string& method, int calls, int retry_after_seconds) {
    impl_->update([&](SimState& s) { s.rate_limits[method] = FaultSwitch{calls, 429, retry_after_seconds}; });
}

void SlackSimulator::fail(const std::string& method, int calls, unsigned status) {
    impl_->update([&](SimState& s) { s.failures[method] = FaultSwitch{calls, status, 0}; });
}

void SlackSimulator::set_ack_timeout(std::chrono::milliseconds timeout) {
    impl_->update([&](SimState& s) { s.socket_mode.ack_timeout = timeout; });
}

}  // namespace warroom::slack_sim
