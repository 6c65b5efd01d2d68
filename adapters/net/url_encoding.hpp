#pragma once
// Percent-encoding (RFC 3986 2.1), the one copy: ids in Matrix paths, query
// parameters, Slack's form bodies, and the simulators' decoding. Built on
// Boost.URL, which only url_encoding.cpp includes (this header stays light).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warroom::net {

// Every byte but RFC 3986's unreserved ALPHA DIGIT - . _ ~ as %XX (upper-case
// hex), so a room id's '!' and ':', an alias's '#', a user id's '@' and an
// event id's '$' (or '/' in older room versions) can never change a path's
// structure: "!abc:example.org" -> "%21abc%3Aexample.org". UTF-8 byte by byte.
std::string encode_path_segment(std::string_view segment);

// A query parameter's or an application/x-www-form-urlencoded body's key or
// value: the same set as a path segment; a space is "%20" (which every form
// decoder reads as a space, as it does '+').
std::string encode_form_component(std::string_view text);

// "k1=v1&k2=v2": each key and value by encode_form_component, in the order given.
std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields);

// "%21abc%3Alocalhost" -> "!abc:localhost". '+' is a space only where asked (a
// query or a form body), literal in a path. A malformed escape ('%' without two
// hex digits after it) is kept as written; "%00" decodes to a NUL byte.
std::string decode_component(std::string_view encoded, bool plus_is_space = false);

}  // namespace warroom::net
