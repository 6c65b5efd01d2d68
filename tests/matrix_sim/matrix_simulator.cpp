// The simulator's public face: the thread-safe members tests call, and
// starting the server (sim_common's LoopbackTlsServer: certificates, port,
// I/O thread). People act here directly on the state,
// as their own clients would through the API; held long-polls wake at once.
#include "matrix_sim/matrix_simulator.hpp"

#include <stdexcept>

#include "matrix_sim/simulator_impl.hpp"

namespace warroom::matrix_sim {

using tcp = boost::asio::ip::tcp;
using nlohmann::json;

MatrixSimulator::Impl::Impl() {
    server.start([this](tcp::socket socket) { return serve_http(std::move(socket)); });
}

MatrixSimulator::MatrixSimulator() : impl_(std::make_unique<Impl>()) {}

MatrixSimulator::~MatrixSimulator() = default;

std::string MatrixSimulator::homeserver_url() const {
    return "https://localhost:" + std::to_string(impl_->server.port());
}

std::string MatrixSimulator::ca_file() const {
    return impl_->server.ca_file();
}

std::string MatrixSimulator::server_name() const {
    return impl_->state.read([](const Homeserver& s) { return s.server_name; });
}

std::string MatrixSimulator::bot_user_id() const {
    return impl_->state.read([](const Homeserver& s) { return s.bot_user_id; });
}

std::string MatrixSimulator::bot_password() const {
    return impl_->state.read([](const Homeserver& s) { return s.bot_password; });
}

std::string MatrixSimulator::bot_token() const {
    return impl_->state.read([](const Homeserver& s) { return s.bot_token; });
}

std::string MatrixSimulator::add_user(const std::string& localpart, const std::string& password) {
    return impl_->update([&](Homeserver& s) { return s.add_user(localpart, password); });
}

std::string MatrixSimulator::token_of(const std::string& user_id) const {
    return impl_->state.read([&](const Homeserver& s) { return s.first_token_of(user_id); });
}

void MatrixSimulator::expire_token(const std::string& token) {
    impl_->update([&](Homeserver& s) { s.expire_token(token); });
}

std::string MatrixSimulator::create_room(const std::string& creator, const std::string& name,
                                         const std::optional<std::string>& alias_localpart,
                                         const std::vector<std::string>& members, bool is_public) {
    return impl_->update([&](Homeserver& s) {
        // Checked before anything is made, so a refusal leaves no half-built room.
        for (const auto& member : members)
            if (!s.account(member)) throw std::runtime_error("matrix simulator: no user " + member + " to add to " + name);
        json request = {{"name", name}, {"preset", is_public ? "public_chat" : "private_chat"}};
        if (alias_localpart) request["room_alias_name"] = *alias_localpart;
        std::string room_id = s.create_room(creator, request);
        for (const auto& member : members) {
            if (member == creator) continue;
            s.invite(room_id, creator, member);
            s.join(room_id, member);
        }
        return room_id;
    });
}

std::string MatrixSimulator::create_room_as(const std::string& creator, const nlohmann::json& request) {
    return impl_->update([&](Homeserver& s) { return s.create_room(creator, request); });
}

void MatrixSimulator::add_remote_alias(const std::string& alias, const std::string& room_id) {
    impl_->update([&](Homeserver& s) {
        const auto colon = alias.find(':');
        if (alias.empty() || alias.front() != '#' || colon == std::string::npos || alias.substr(colon + 1) == s.server_name)
            throw std::runtime_error("matrix simulator: " + alias + " is not an alias of another server");
        if (!s.find_room(room_id)) throw std::runtime_error("matrix simulator: no room " + room_id);
        s.aliases[alias] = room_id;
    });
}

void MatrixSimulator::invite(const std::string& room_id, const std::string& inviter, const std::string& invitee) {
    impl_->update([&](Homeserver& s) { s.invite(room_id, inviter, invitee); });
}

void MatrixSimulator::join(const std::string& room_id, const std::string& user) {
    impl_->update([&](Homeserver& s) { s.join(room_id, user); });
}

void MatrixSimulator::leave(const std::string& room_id, const std::string& user) {
    impl_->update([&](Homeserver& s) { s.leave(room_id, user); });
}

void MatrixSimulator::kick(const std::string& room_id, const std::string& remover, const std::string& user,
                           const std::string& reason) {
    impl_->update([&](Homeserver& s) { s.remove(room_id, remover, user, "leave", reason); });
}

void MatrixSimulator::ban(const std::string& room_id, const std::string& remover, const std::string& user,
                          const std::string& reason) {
    impl_->update([&](Homeserver& s) { s.remove(room_id, remover, user, "ban", reason); });
}

std::string MatrixSimulator::send_text(const std::string& user, const std::string& room_id, const std::string& body,
                                       const std::optional<std::string>& formatted_body) {
    json content = {{"msgtype", "m.text"}, {"body", body}};
    if (formatted_body) {
        content["format"] = "org.matrix.custom.html";
        content["formatted_body"] = *formatted_body;
    }
    return send_event(user, room_id, "m.room.message", content);
}

std::string MatrixSimulator::react(const std::string& user, const std::string& room_id,
                                   const std::string& target_event_id, const std::string& key) {
    json content = {{"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", target_event_id}, {"key", key}}}};
    return send_event(user, room_id, "m.reaction", content);
}

std::string MatrixSimulator::send_event(const std::string& user, const std::string& room_id, const std::string& type,
                                        const nlohmann::json& content) {
    return impl_->update([&](Homeserver& s) { return s.send_event(room_id, user, type, content); });
}

void MatrixSimulator::inject_raw_event(const std::string& room_id, const nlohmann::json& event) {
    impl_->update([&](Homeserver& s) { s.inject_raw_event(room_id, event); });
}

std::optional<SimRoom> MatrixSimulator::room(const std::string& room_id) const {
    return impl_->state.read([&](const Homeserver& s) -> std::optional<SimRoom> {
        const RoomRecord* record = s.find_room(room_id);
        return record ? std::optional(record->room) : std::nullopt;
    });
}

std::optional<SimRoom> MatrixSimulator::room_by_alias(const std::string& alias) const {
    return impl_->state.read([&](const Homeserver& s) -> std::optional<SimRoom> {
        auto room_id = s.room_for_alias(alias);
        return room_id ? std::optional(s.find_room(*room_id)->room) : std::nullopt;
    });
}

std::vector<SimRoom> MatrixSimulator::rooms() const {
    return impl_->state.read([](const Homeserver& s) {
        std::vector<SimRoom> all;
        for (const auto& room_id : s.room_order) all.push_back(s.rooms.at(room_id).room);
        return all;
    });
}

std::vector<SimEvent> MatrixSimulator::events(const std::string& room_id) const {
    return impl_->state.read([&](const Homeserver& s) {
        std::vector<SimEvent> timeline;
        if (const RoomRecord* record = s.find_room(room_id))
            for (std::int64_t position : record->timeline) timeline.push_back(s.at(position).event);
        return timeline;
    });
}

std::optional<SimEvent> MatrixSimulator::event(const std::string& event_id) const {
    return impl_->state.read([&](const Homeserver& s) -> std::optional<SimEvent> {
        const StoredEvent* stored = s.find_event(event_id);
        return stored ? std::optional(stored->event) : std::nullopt;
    });
}

std::vector<SimRequest> MatrixSimulator::requests() const {
    return impl_->state.read([](const Homeserver& s) { return s.requests; });
}

std::size_t MatrixSimulator::syncs_answered() const {
    return impl_->state.read([](const Homeserver& s) { return s.syncs_answered; });
}

std::size_t MatrixSimulator::syncs_waiting() const {
    return impl_->state.read([](const Homeserver& s) { return s.syncs_waiting; });
}

bool MatrixSimulator::wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const {
    return impl_->state.wait_for(condition, deadline);
}

void MatrixSimulator::rate_limit(const std::string& endpoint, int calls, std::chrono::milliseconds retry_after,
                                 bool retry_after_header) {
    impl_->update([&](Homeserver& s) { s.rate_limits[endpoint] = FaultSwitch{calls, 429, retry_after, retry_after_header}; });
}

void MatrixSimulator::fail(const std::string& endpoint, int calls, unsigned status) {
    impl_->update([&](Homeserver& s) { s.failures[endpoint] = FaultSwitch{calls, status, {}, false}; });
}

void MatrixSimulator::set_timeline_limit(std::size_t events) {
    if (events == 0) throw std::invalid_argument("matrix simulator: a timeline limit of 0 would hide every event");
    impl_->update([&](Homeserver& s) { s.timeline_limit = events; });
}

void MatrixSimulator::slow(const std::string& endpoint, int calls, std::chrono::milliseconds delay) {
    impl_->update([&](Homeserver& s) { s.delivery_faults.slow(endpoint, calls, delay); });
}

void MatrixSimulator::truncate(const std::string& endpoint, int calls) {
    impl_->update([&](Homeserver& s) { s.delivery_faults.cut_short(endpoint, calls); });
}

void MatrixSimulator::fail_handshakes(int connections) {
    impl_->server.fail_handshakes(connections);
}

std::size_t MatrixSimulator::answers_held() const {
    return impl_->state.read([](const Homeserver& s) { return s.delivery_faults.answers_held(); });
}

std::size_t MatrixSimulator::answers_cut() const {
    return impl_->state.read([](const Homeserver& s) { return s.delivery_faults.answers_cut(); });
}

std::size_t MatrixSimulator::handshakes_failed() const {
    return impl_->server.handshakes_failed();
}

}  // namespace warroom::matrix_sim
