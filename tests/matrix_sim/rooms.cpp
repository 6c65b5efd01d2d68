// Rooms: creation with the event sequence a homeserver produces, membership
// (invite, join, leave), state and timeline events, each checked against
// membership and power levels as the specification's authorization rules do.
#include "matrix_sim/homeserver.hpp"

#include <algorithm>
#include <climits>

#include "matrix_sim/matrix_error.hpp"

namespace warroom::matrix_sim {

using nlohmann::json;

namespace {

constexpr std::size_t kEventIdRandom = 12;

// A power level field: integers (and, as old rooms allow, decimal strings) count; anything else gives `fallback`.
long long level(const json& object, const std::string& key, long long fallback) {
    if (!object.is_object()) return fallback;
    auto found = object.find(key);
    if (found == object.end()) return fallback;
    if (found->is_number_integer()) return found->get<long long>();
    if (found->is_string()) {
        try {
            std::size_t used = 0;
            const std::string& text = found->get_ref<const std::string&>();
            long long value = std::stoll(text, &used);
            if (used == text.size()) return value;
        } catch (const std::exception&) {
        }
    }
    return fallback;
}

json default_power_levels(const std::string& creator) {
    // Synapse's defaults for a new room, events map included.
    return {{"users", {{creator, 100}}},
            {"users_default", 0},
            {"events",
             {{"m.room.name", 50},
              {"m.room.power_levels", 100},
              {"m.room.history_visibility", 100},
              {"m.room.canonical_alias", 50},
              {"m.room.avatar", 50},
              {"m.room.tombstone", 100},
              {"m.room.server_acl", 100},
              {"m.room.encryption", 100}}},
            {"events_default", 0},
            {"state_default", 50},
            {"ban", 50},
            {"kick", 50},
            {"redact", 50},
            {"invite", 0},
            {"notifications", {{"room", 50}}}};
}

const json* optional_field(const json& object, const char* key, json::value_t type, const char* type_name) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return nullptr;
    if (found->type() != type) throw bad_json(std::string("createRoom: '") + key + "' must be " + type_name);
    return &*found;
}

std::vector<std::string> string_list(const json& array, const char* what) {
    std::vector<std::string> items;
    for (const auto& item : array) {
        if (!item.is_string()) throw bad_json(std::string(what) + " must hold strings");
        items.push_back(item.get<std::string>());
    }
    return items;
}

}  // namespace

RoomRecord* Homeserver::find_room(const std::string& room_id) {
    auto found = rooms.find(room_id);
    return found == rooms.end() ? nullptr : &found->second;
}

const RoomRecord* Homeserver::find_room(const std::string& room_id) const {
    auto found = rooms.find(room_id);
    return found == rooms.end() ? nullptr : &found->second;
}

const RoomRecord& Homeserver::joined_room(const std::string& room_id, const std::string& user) const {
    const RoomRecord* room = find_room(room_id);
    if (!room || membership(*room, user) != "join") throw forbidden("User " + user + " not in room " + room_id);
    return *room;
}

std::optional<std::string> Homeserver::room_for_alias(const std::string& alias) const {
    auto found = aliases.find(alias);
    if (found == aliases.end()) return std::nullopt;
    return found->second;
}

const StoredEvent* Homeserver::state_event(const RoomRecord& room, const std::string& type,
                                           const std::string& state_key) const {
    auto found = room.state.find({type, state_key});
    return found == room.state.end() ? nullptr : &at(found->second);
}

std::string Homeserver::membership(const RoomRecord& room, const std::string& user) const {
    const StoredEvent* member = state_event(room, "m.room.member", user);
    if (!member) return "";
    const json& content = member->event.content;
    return content.is_object() && content.contains("membership") && content["membership"].is_string()
               ? content["membership"].get<std::string>()
               : "";
}

std::int64_t Homeserver::membership_position(const RoomRecord& room, const std::string& user) const {
    auto found = room.state.find({"m.room.member", user});
    return found == room.state.end() ? 0 : found->second;
}

long long Homeserver::power_of(const RoomRecord& room, const std::string& user) const {
    const json& levels = room.room.power_levels;
    if (levels.is_object() && levels.contains("users")) {
        long long listed = level(levels["users"], user, LLONG_MIN);
        if (listed != LLONG_MIN) return listed;
    }
    return level(levels, "users_default", 0);
}

void Homeserver::check_may_send(const RoomRecord& room, const std::string& sender, const std::string& type,
                                bool is_state) const {
    if (membership(room, sender) != "join") throw forbidden("User " + sender + " not in room " + room.room.room_id);
    const json& levels = room.room.power_levels;
    long long needed = is_state ? level(levels, "state_default", 50) : level(levels, "events_default", 0);
    if (levels.is_object() && levels.contains("events")) needed = level(levels["events"], type, needed);
    long long has = power_of(room, sender);
    if (has < needed)
        throw forbidden("You don't have permission to post that to the room. user_level (" + std::to_string(has) +
                        ") < send_level (" + std::to_string(needed) + ")");
}

std::int64_t Homeserver::append_event(RoomRecord& room, const std::string& sender, const std::string& type,
                                      const std::optional<std::string>& state_key, json content) {
    std::int64_t position = head() + 1;
    StoredEvent stored;
    stored.event.event_id = "$" + std::to_string(position) +
                            random_text(kEventIdRandom, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    stored.event.room_id = room.room.room_id;
    stored.event.sender = sender;
    stored.event.type = type;
    stored.event.state_key = state_key;
    stored.event.content = std::move(content);
    stored.event.origin_server_ts = now_ms();
    stored.event.stream_position = position;
    if (state_key) {
        auto key = std::make_pair(type, *state_key);
        if (auto previous = room.state.find(key); previous != room.state.end()) {
            stored.prev_content = at(previous->second).event.content;
            stored.replaces_state = at(previous->second).event.event_id;
        }
        room.state[key] = position;
        apply_state(room, stored.event);
    }
    event_positions_[stored.event.event_id] = position;
    events.push_back(std::move(stored));
    room.timeline.push_back(position);
    return position;
}

void Homeserver::apply_state(RoomRecord& record, const SimEvent& event) {
    SimRoom& room = record.room;
    const json& content = event.content;
    auto text = [&](const char* key) {
        return content.is_object() && content.contains(key) && content[key].is_string() ? content[key].get<std::string>()
                                                                                        : std::string();
    };
    if (event.type == "m.room.member") {
        const std::string& user = *event.state_key;
        std::string membership = text("membership");
        room.joined.erase(user);
        room.invited.erase(user);
        if (membership == "join") room.joined.insert(user);
        if (membership == "invite") room.invited.insert(user);
    } else if (event.type == "m.room.name") {
        room.name = text("name");
    } else if (event.type == "m.room.topic") {
        room.topic = text("topic");
    } else if (event.type == "m.room.power_levels") {
        room.power_levels = content;
    } else if (event.type == "m.room.join_rules") {
        room.join_rule = text("join_rule");
    } else if (event.type == "m.room.pinned_events") {
        room.pinned.clear();
        if (content.is_object() && content.contains("pinned") && content["pinned"].is_array())
            for (const auto& pinned : content["pinned"])
                if (pinned.is_string()) room.pinned.push_back(pinned.get<std::string>());
    }
}

std::string Homeserver::create_room(const std::string& creator, const json& request) {
    if (!request.is_object()) throw bad_json("createRoom: the body must be a JSON object");
    const Account* creator_account = account(creator);
    if (!creator_account) throw not_found("Unknown user " + creator);

    const json* visibility = optional_field(request, "visibility", json::value_t::string, "a string");
    std::string preset = visibility && *visibility == "public" ? "public_chat" : "private_chat";
    if (const json* given = optional_field(request, "preset", json::value_t::string, "a string")) preset = *given;
    if (preset != "private_chat" && preset != "public_chat" && preset != "trusted_private_chat")
        throw invalid_param("createRoom: unknown preset " + preset);
    const json* name = optional_field(request, "name", json::value_t::string, "a string");
    const json* topic = optional_field(request, "topic", json::value_t::string, "a string");
    const json* invite_list = optional_field(request, "invite", json::value_t::array, "an array of user ids");
    std::vector<std::string> invitees = invite_list ? string_list(*invite_list, "createRoom: 'invite'") : std::vector<std::string>{};
    const json* is_direct = optional_field(request, "is_direct", json::value_t::boolean, "a boolean");
    const json* override_levels =
        optional_field(request, "power_level_content_override", json::value_t::object, "an object");
    const json* creation_content = optional_field(request, "creation_content", json::value_t::object, "an object");
    const json* initial_state = optional_field(request, "initial_state", json::value_t::array, "an array");
    if (initial_state)
        for (const auto& item : *initial_state)
            if (!item.is_object() || !item.contains("type") || !item["type"].is_string() ||
                !item.contains("content") || !item["content"].is_object() ||
                (item.contains("state_key") && !item["state_key"].is_string()))
                throw bad_json("createRoom: each initial_state item needs a string type, an object content and a "
                               "string state_key if any");

    std::optional<std::string> alias;
    if (const json* alias_name = optional_field(request, "room_alias_name", json::value_t::string, "a string")) {
        std::string localpart = *alias_name;
        if (localpart.empty() || localpart.find_first_of(":# \t\n") != std::string::npos)
            throw invalid_param("Invalid characters in room alias: \"" + localpart + "\"");
        alias = "#" + localpart + ":" + server_name;
        if (aliases.count(*alias)) throw MatrixError(400, "M_ROOM_IN_USE", "Room alias already taken");
    }
    for (const auto& invitee : invitees)
        if (!account(invitee)) throw not_found("Unknown user " + invitee);

    // Checked: now the room and its events, in the order a homeserver makes them.
    std::string room_id = new_room_id();
    RoomRecord& record = rooms[room_id];
    room_order.push_back(room_id);
    record.room.room_id = room_id;
    record.room.creator = creator;
    record.room.is_direct = is_direct && is_direct->get<bool>();

    json create = creation_content ? *creation_content : json::object();
    create["creator"] = creator;
    create["room_version"] = "10";
    append_event(record, creator, "m.room.create", "", create);
    append_event(record, creator, "m.room.member", creator,
                 {{"membership", "join"}, {"displayname", creator_account->display_name}});

    json levels = default_power_levels(creator);
    if (preset == "trusted_private_chat")
        for (const auto& invitee : invitees) levels["users"][invitee] = 100;
    if (override_levels)   // top-level keys replace: an override's "users" is the whole map
        for (const auto& [key, value] : override_levels->items()) levels[key] = value;
    append_event(record, creator, "m.room.power_levels", "", levels);
    append_event(record, creator, "m.room.join_rules", "", {{"join_rule", preset == "public_chat" ? "public" : "invite"}});
    append_event(record, creator, "m.room.history_visibility", "", {{"history_visibility", "shared"}});
    if (name) append_event(record, creator, "m.room.name", "", {{"name", *name}});
    if (topic) append_event(record, creator, "m.room.topic", "", {{"topic", *topic}});
    if (alias) {
        aliases[*alias] = room_id;
        record.room.aliases.push_back(*alias);
        append_event(record, creator, "m.room.canonical_alias", "", {{"alias", *alias}});
    }
    if (initial_state)
        for (const auto& item : *initial_state)
            append_event(record, creator, item["type"].get<std::string>(), item.value("state_key", ""),
                         item["content"]);
    for (const auto& invitee : invitees) {
        if (invitee == creator || membership(record, invitee) == "invite") continue;
        json content = {{"membership", "invite"}, {"displayname", account(invitee)->display_name}};
        if (record.room.is_direct) content["is_direct"] = true;
        append_event(record, creator, "m.room.member", invitee, content);
    }
    return room_id;
}

void Homeserver::invite(const std::string& room_id, const std::string& inviter, const std::string& invitee) {
    RoomRecord* room = find_room(room_id);
    if (!room || membership(*room, inviter) != "join") throw forbidden(inviter + " not in room " + room_id);
    long long needed = level(room->room.power_levels, "invite", 0);
    if (power_of(*room, inviter) < needed) throw forbidden("You don't have permission to invite users");
    const Account* invited = account(invitee);
    if (!invited) throw not_found("Unknown user " + invitee);
    std::string current = membership(*room, invitee);
    if (current == "join") throw forbidden(invitee + " is already in the room.");
    if (current == "ban") throw forbidden(invitee + " is banned from the room");
    if (current == "invite") return;   // already invited: nothing new, as Synapse answers a repeated invite
    append_event(*room, inviter, "m.room.member", invitee,
                 {{"membership", "invite"}, {"displayname", invited->display_name}});
}

std::string Homeserver::join(const std::string& room_or_alias, const std::string& user) {
    std::string room_id = room_or_alias;
    if (!room_or_alias.empty() && room_or_alias.front() == '#') {
        auto resolved = room_for_alias(room_or_alias);
        if (!resolved) throw not_found("Room alias " + room_or_alias + " not found");
        room_id = *resolved;
    } else if (room_or_alias.empty() || room_or_alias.front() != '!') {
        throw invalid_param(room_or_alias + " is neither a room id nor a room alias");
    }
    RoomRecord* room = find_room(room_id);
    if (!room) throw not_found("No known servers for " + room_id);
    const Account* joining = account(user);
    if (!joining) throw not_found("Unknown user " + user);
    std::string current = membership(*room, user);
    if (current == "join") return room_id;   // already in: no new event
    if (current != "invite" && room->room.join_rule != "public") throw forbidden("You are not invited to this room.");
    append_event(*room, user, "m.room.member", user, {{"membership", "join"}, {"displayname", joining->display_name}});
    return room_id;
}

void Homeserver::leave(const std::string& room_id, const std::string& user) {
    RoomRecord* room = find_room(room_id);
    std::string current = room ? membership(*room, user) : "";
    if (current != "join" && current != "invite") throw forbidden("User " + user + " not in room " + room_id);
    append_event(*room, user, "m.room.member", user, {{"membership", "leave"}});
}

void Homeserver::remove(const std::string& room_id, const std::string& remover, const std::string& user,
                        const std::string& membership_after, const std::string& reason) {
    RoomRecord* room = find_room(room_id);
    if (!room || membership(*room, remover) != "join") throw forbidden("User " + remover + " not in room " + room_id);
    const std::string action = membership_after == "ban" ? "ban" : "kick";
    if (power_of(*room, remover) < level(room->room.power_levels, action, 50))
        throw forbidden("You don't have permission to " + action + " users");
    const std::string current = membership(*room, user);
    if (membership_after == "leave" && current != "join" && current != "invite")
        throw forbidden("The target user is not in the room");
    if (membership_after == "ban" && current == "ban") return;   // banned already: no new event
    if (power_of(*room, user) >= power_of(*room, remover))
        throw forbidden("You cannot " + action + " a user whose power level is not below yours");
    json content = {{"membership", membership_after}};
    if (!reason.empty()) content["reason"] = reason;
    append_event(*room, remover, "m.room.member", user, std::move(content));
}

std::string Homeserver::put_state(const std::string& room_id, const std::string& sender, const std::string& type,
                                  const std::string& state_key, const json& content) {
    RoomRecord* room = find_room(room_id);
    if (!room) throw forbidden("User " + sender + " not in room " + room_id);
    if (type == "m.room.member")
        throw forbidden("the simulator changes membership only through /invite, /join and /leave");
    check_may_send(*room, sender, type, true);
    if (type == "m.room.canonical_alias") {
        std::vector<std::string> named;
        if (content.contains("alias") && content["alias"].is_string()) named.push_back(content["alias"].get<std::string>());
        if (content.contains("alt_aliases") && content["alt_aliases"].is_array())
            for (const auto& alt : content["alt_aliases"])
                if (alt.is_string()) named.push_back(alt.get<std::string>());
        for (const auto& alias : named)
            if (room_for_alias(alias) != room_id)
                throw MatrixError(400, "M_BAD_ALIAS", "Room alias " + alias + " does not point to the room");
    }
    // The same state again from the same sender is not a new event (Synapse answers with the current one).
    if (const StoredEvent* current = state_event(*room, type, state_key);
        current && current->event.sender == sender && current->event.content == content)
        return current->event.event_id;
    return at(append_event(*room, sender, type, state_key, content)).event.event_id;
}

std::string Homeserver::send_event(const std::string& room_id, const std::string& sender, const std::string& type,
                                   const json& content, const std::string& token, const std::string& transaction_id) {
    RoomRecord* room = find_room(room_id);
    if (!room) throw forbidden("User " + sender + " not in room " + room_id);
    check_may_send(*room, sender, type, false);
    std::int64_t position = append_event(*room, sender, type, std::nullopt, content);
    StoredEvent& stored = events.at(static_cast<std::size_t>(position - 1));
    stored.sent_with_token = token;
    stored.transaction_id = transaction_id;
    return stored.event.event_id;
}

void Homeserver::inject_raw_event(const std::string& room_id, const json& event) {
    RoomRecord* room = find_room(room_id);
    if (!room) throw std::invalid_argument("matrix simulator: no room " + room_id + " to inject an event into");
    std::int64_t position = head() + 1;
    StoredEvent stored;
    stored.raw = event;
    // What tests can see of it; the raw JSON is not state, whatever its fields say.
    auto text = [&](const char* key) {
        return event.is_object() && event.contains(key) && event[key].is_string() ? event[key].get<std::string>()
                                                                                  : std::string();
    };
    stored.event.event_id = text("event_id");
    stored.event.room_id = room_id;
    stored.event.sender = text("sender");
    stored.event.type = text("type");
    if (event.is_object() && event.contains("state_key") && event["state_key"].is_string())
        stored.event.state_key = event["state_key"].get<std::string>();
    if (event.is_object() && event.contains("content")) stored.event.content = event["content"];
    if (event.is_object() && event.contains("origin_server_ts") && event["origin_server_ts"].is_number_integer())
        stored.event.origin_server_ts = event["origin_server_ts"].get<std::int64_t>();
    stored.event.stream_position = position;
    if (!stored.event.event_id.empty() && !event_positions_.count(stored.event.event_id))
        event_positions_[stored.event.event_id] = position;
    events.push_back(std::move(stored));
    room->timeline.push_back(position);
}

}  // namespace warroom::matrix_sim
