#include "bot/json_fields.hpp"

namespace warroom {

std::optional<std::string> string_field(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return std::nullopt;
    auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) return std::nullopt;
    return it->get<std::string>();
}

std::string text_field(const nlohmann::json& object, const char* key) {
    return string_field(object, key).value_or(std::string());
}

const nlohmann::json& object_field(const nlohmann::json& object, const char* key) {
    static const nlohmann::json none;
    if (!object.is_object()) return none;
    auto it = object.find(key);
    return it != object.end() && it->is_object() ? *it : none;
}

}  // namespace warroom
