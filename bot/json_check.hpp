#pragma once
// What the strict checkers of admin-written JSON share: JSON pointers, type
// descriptions, "did you mean" hints, and a parse that reports keys written
// twice. Only the checkers include this (it brings in nlohmann/json).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/json_problem.hpp"

namespace warroom {

// ordered_json keeps the file's key order, so problems come out in the order
// the admin reads the file.
using OrderedJson = nlohmann::ordered_json;

// RFC 6901: '~' and '/' inside a key are escaped in a JSON pointer.
std::string pointer_token(std::string_view key);
std::string child(const std::string& path, std::string_view key);
std::string child(const std::string& path, std::size_t index);
std::string in_quotes(std::string_view text);
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");
// "a string", "an array"...: for "must be X, not Y" messages.
std::string describe_type(const OrderedJson& value);

// Unknown keys are mostly typos ("adminz") or abbreviations ("desc"): the
// message names the key probably meant and lists the allowed ones.
std::string unknown_key_message(const std::string& key, const std::vector<std::string>& allowed);

// Parses `text` (`what` names it in messages: "the playbook"). Every object
// key written twice is reported, since the parser would silently keep only
// the last; a syntax error replaces all other problems and yields nothing.
std::optional<OrderedJson> parse_checked(std::string_view text, std::string_view what,
                                         std::vector<JsonProblem>& problems);

}  // namespace warroom
