#include "matrix_sim/event_filter.hpp"

#include <algorithm>

#include "matrix_sim/event_format.hpp"
#include "matrix_sim/matrix_error.hpp"

namespace warroom::matrix_sim {

using nlohmann::json;

namespace {

std::optional<std::vector<std::string>> string_list(const json& object, const char* key, const std::string& where) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return std::nullopt;
    if (!found->is_array()) throw bad_json("filter: " + where + key + " must be an array of strings");
    std::vector<std::string> items;
    for (const auto& item : *found) {
        if (!item.is_string()) throw bad_json("filter: " + where + key + " must be an array of strings");
        items.push_back(item.get<std::string>());
    }
    return items;
}

const json& object_or_empty(const json& object, const char* key, const std::string& where) {
    static const json empty = json::object();
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return empty;
    if (!found->is_object()) throw bad_json("filter: " + where + key + " must be an object");
    return *found;
}

}  // namespace

bool type_matches(const std::string& pattern, const std::string& type) {
    // Glob with '*' only: split on stars, each piece in order.
    std::size_t position = 0;
    std::size_t start = 0;
    bool anchored = true;
    for (;;) {
        std::size_t star = pattern.find('*', start);
        std::string piece = pattern.substr(start, star == std::string::npos ? std::string::npos : star - start);
        if (star == std::string::npos) {
            if (anchored) return type.substr(position) == piece;
            return type.size() >= position + piece.size() && type.compare(type.size() - piece.size(), piece.size(), piece) == 0;
        }
        if (anchored) {
            if (type.compare(position, piece.size(), piece) != 0) return false;
            position += piece.size();
        } else {
            std::size_t found = type.find(piece, position);
            if (found == std::string::npos) return false;
            position = found + piece.size();
        }
        anchored = false;
        start = star + 1;
    }
}

bool EventFilter::matches(const StoredEvent& stored) const {
    const std::string* type = event_type(stored);
    if (!type) return true;
    auto matches_type = [&](const std::string& pattern) { return type_matches(pattern, *type); };
    if (std::any_of(not_types.begin(), not_types.end(), matches_type)) return false;
    return !types || std::any_of(types->begin(), types->end(), matches_type);
}

bool SyncFilter::includes_room(const std::string& room_id) const {
    if (std::find(not_rooms.begin(), not_rooms.end(), room_id) != not_rooms.end()) return false;
    return !rooms || std::find(rooms->begin(), rooms->end(), room_id) != rooms->end();
}

namespace {

// "content.m\\.relates_to" -> {"content", "m.relates_to"}.
std::vector<std::string> field_path(const std::string& field) {
    std::vector<std::string> path(1);
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 1 < field.size()) {
            path.back() += field[++i];
        } else if (field[i] == '.') {
            path.emplace_back();
        } else {
            path.back() += field[i];
        }
    }
    return path;
}

}  // namespace

json SyncFilter::shaped(json event) const {
    if (!event_fields || !event.is_object()) return event;
    json kept = json::object();
    for (const std::string& field : *event_fields) {
        const std::vector<std::string> path = field_path(field);
        // The value at the path, if every step exists (nothing is made for a path that does not).
        const json* from = &event;
        for (const std::string& step : path) {
            from = from->is_object() && from->contains(step) ? &(*from)[step] : nullptr;
            if (!from) break;
        }
        if (!from) continue;
        json* into = &kept;
        for (std::size_t depth = 0; depth + 1 < path.size(); ++depth) {
            if (!into->contains(path[depth])) (*into)[path[depth]] = json::object();
            into = &(*into)[path[depth]];
        }
        (*into)[path.back()] = *from;
    }
    return kept;
}

EventFilter parse_event_filter(const json& filter, const std::string& where) {
    if (!filter.is_object()) throw bad_json("filter: " + where + " must be an object");
    EventFilter parsed;
    parsed.types = string_list(filter, "types", where + ".");
    parsed.not_types = string_list(filter, "not_types", where + ".").value_or(std::vector<std::string>{});
    if (auto limit = filter.find("limit"); limit != filter.end() && !limit->is_null()) {
        if (!limit->is_number_integer() || limit->get<long long>() < 0)
            throw bad_json("filter: " + where + ".limit must be a non-negative integer");
        parsed.limit = limit->get<std::size_t>();
    }
    return parsed;
}

SyncFilter parse_sync_filter(const json& filter) {
    if (!filter.is_object()) throw bad_json("filter: must be a JSON object");
    const json& room = object_or_empty(filter, "room", "");
    SyncFilter parsed;
    parsed.timeline = parse_event_filter(object_or_empty(room, "timeline", "room."), "room.timeline");
    parsed.state = parse_event_filter(object_or_empty(room, "state", "room."), "room.state");
    parsed.rooms = string_list(room, "rooms", "room.");
    parsed.not_rooms = string_list(room, "not_rooms", "room.").value_or(std::vector<std::string>{});
    parsed.event_fields = string_list(filter, "event_fields", "");
    return parsed;
}

}  // namespace warroom::matrix_sim
