#pragma once
// Reading fields from platform payloads (Slack envelopes, Matrix events) that
// may be missing or of the wrong type, without exceptions: a malformed
// payload is a reason to ignore an event, never a crash.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace warroom {

// The field as a non-empty string, or nothing.
std::optional<std::string> string_field(const nlohmann::json& object, const char* key);

// The field as a string, "" when missing, empty or not a string: for answers
// where an absent value and an empty one mean the same.
std::string text_field(const nlohmann::json& object, const char* key);

// The field if it is an object, else a null value (so lookups can be chained).
const nlohmann::json& object_field(const nlohmann::json& object, const char* key);

}  // namespace warroom
