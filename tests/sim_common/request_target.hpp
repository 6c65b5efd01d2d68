#pragma once
// Reading what arrives in a request line (and in form bodies), the same way
// for both simulators: the target split into path and query, percent-decoding,
// and a query's key=value pairs. Which of a repeated key's values counts is the
// API's own rule, so the pairs come back in order, repeats kept.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warroom::sim_common {

struct RequestTarget {
    std::string path;                  // still percent-encoded
    std::string query;                 // raw, after the first '?' ("" without one)
};

// "/a/b?c=d&e" -> {"/a/b", "c=d&e"}
RequestTarget split_target(std::string_view target);

// "%21abc%3Alocalhost" -> "!abc:localhost"; '+' is a space only where asked (a
// query or form body), literal in a path. A malformed escape is kept as written.
std::string percent_decode(std::string_view encoded, bool plus_is_space = false);

// "a=1&b=x%20y+z&a=2" -> {{"a","1"}, {"b","x y z"}, {"a","2"}}: decoded with '+' as a
// space; empty pairs are skipped and a key without '=' gets "".
std::vector<std::pair<std::string, std::string>> query_pairs(std::string_view query);

}  // namespace warroom::sim_common
