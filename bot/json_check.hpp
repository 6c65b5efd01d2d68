#pragma once
// What the strict checkers of admin-written JSON share: JSON pointers, type
// descriptions, "did you mean" hints, and a parse that reports keys written
// twice. Only the checkers include this (it brings in nlohmann/json).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/clock.hpp"
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

// The base of a strict checker: every problem is collected at its JSON
// pointer, so the admin sees them all at once.
class JsonChecker {
protected:
    explicit JsonChecker(std::vector<JsonProblem>& problems) : problems_(problems) {}

    void problem(std::string path, std::string message);
    // A missing key of a present object is located where it should be.
    void require(const OrderedJson& object, const std::string& path, std::string_view key, std::string_view example);
    void unknown_key(const std::string& path, const std::string& key, const std::vector<std::string>& allowed);
    bool expect_object(const std::string& path, const OrderedJson& value, std::string_view example);
    std::optional<std::string> expect_string(const std::string& path, const OrderedJson& value,
                                             std::string_view example);
    // An interval such as "30m" within [min, max].
    std::optional<Duration> expect_interval(const std::string& path, const OrderedJson& value, Duration min,
                                            Duration max, std::string_view example = "an interval such as \"30m\"");

    std::vector<JsonProblem>& problems_;
};

}  // namespace warroom
