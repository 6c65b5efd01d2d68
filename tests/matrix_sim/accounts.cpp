// Accounts, logins and access tokens, and the filters each user stores.
#include "matrix_sim/homeserver.hpp"

#include "matrix_sim/matrix_error.hpp"

namespace warroom::matrix_sim {

namespace {

constexpr std::string_view kTokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kDeviceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

std::string string_field(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

std::string Homeserver::add_user(const std::string& localpart, const std::string& password) {
    if (localpart.empty() || localpart.find_first_of(":@ \t") != std::string::npos)
        throw std::invalid_argument("matrix simulator: a localpart needs no ':', '@' or spaces: \"" + localpart + "\"");
    std::string user_id = "@" + localpart + ":" + server_name;
    if (accounts_.count(user_id)) throw std::invalid_argument("matrix simulator: " + user_id + " already exists");
    accounts_[user_id] = Account{user_id, password, localpart};
    first_tokens_[user_id] = open_session(user_id);
    return user_id;
}

const Account* Homeserver::account(const std::string& user_id) const {
    auto found = accounts_.find(user_id);
    return found == accounts_.end() ? nullptr : &found->second;
}

std::string Homeserver::open_session(const std::string& user_id, std::string device_id) {
    if (device_id.empty()) device_id = random_text(10, kDeviceAlphabet);
    // Shaped like Synapse's "syt_<base64 localpart>_<random>_<checksum>"; clients must not look inside.
    std::string token = "syt_" + accounts_.at(user_id).display_name + "_" + random_text(20, kTokenAlphabet);
    sessions_[token] = Session{user_id, device_id, false};
    return token;
}

nlohmann::json Homeserver::login(const nlohmann::json& body) {
    std::string type = string_field(body, "type");
    if (type != "m.login.password")
        throw MatrixError(400, "M_UNKNOWN", "Unknown login type " + (type.empty() ? std::string("(none)") : type));
    // The identifier's user (or the deprecated top-level "user"): a localpart or a full user id.
    std::string user;
    if (auto identifier = body.find("identifier"); identifier != body.end() && identifier->is_object()) {
        if (string_field(*identifier, "type") != "m.id.user")
            throw MatrixError(400, "M_UNKNOWN", "Unknown identifier type; the simulator knows m.id.user");
        user = string_field(*identifier, "user");
    } else {
        user = string_field(body, "user");
    }
    if (user.empty()) throw MatrixError(400, "M_MISSING_PARAM", "Missing identifier.user");
    std::string user_id = user.front() == '@' ? user : "@" + user + ":" + server_name;
    const Account* found = account(user_id);
    if (!found || found->password != string_field(body, "password"))
        throw forbidden("Invalid username or password");
    std::string token = open_session(user_id, string_field(body, "device_id"));
    return {{"user_id", user_id},
            {"access_token", token},
            {"device_id", sessions_.at(token).device_id},
            {"home_server", server_name}};
}

const Session* Homeserver::find_session(const std::string& token) const {
    auto found = sessions_.find(token);
    return found == sessions_.end() ? nullptr : &found->second;
}

const Session& Homeserver::authenticate(const std::string& token) const {
    if (token.empty()) throw MatrixError(401, "M_MISSING_TOKEN", "Missing access token");
    const Session* session = find_session(token);
    if (!session || session->expired) throw MatrixError(401, "M_UNKNOWN_TOKEN", "Unrecognised access token");
    return *session;
}

void Homeserver::expire_token(const std::string& token) {
    auto found = sessions_.find(token);
    if (found == sessions_.end()) throw std::invalid_argument("matrix simulator: no such access token to expire");
    found->second.expired = true;
}

std::string Homeserver::first_token_of(const std::string& user_id) const {
    auto found = first_tokens_.find(user_id);
    if (found == first_tokens_.end()) throw std::invalid_argument("matrix simulator: no such user " + user_id);
    return found->second;
}

std::string Homeserver::create_filter(const std::string& user_id, const nlohmann::json& filter) {
    auto& stored = filters_[user_id];
    std::string filter_id = std::to_string(stored.size());   // Synapse numbers each user's filters from 0
    stored[filter_id] = filter;
    return filter_id;
}

std::optional<nlohmann::json> Homeserver::filter(const std::string& user_id, const std::string& filter_id) const {
    auto user = filters_.find(user_id);
    if (user == filters_.end()) return std::nullopt;
    auto found = user->second.find(filter_id);
    if (found == user->second.end()) return std::nullopt;
    return found->second;
}

}  // namespace warroom::matrix_sim
