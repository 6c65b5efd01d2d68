#pragma once
// Decoding what arrives in a request line, by the client-server API's rules.
// Path segments are split on '/' before decoding, so an encoded "%2F" inside a
// state key or event id stays part of its segment.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace warroom::matrix_sim {

// "/a/b%2Fc/" -> {"a", "b/c", ""}: the leading '/' starts the path, a trailing one ends an empty segment.
std::vector<std::string> decoded_path_segments(std::string_view path);

// "since=s3&filter=%7B%7D" -> {since: "s3", filter: "{}"}; a repeated key keeps its first value.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace warroom::matrix_sim
