// Percent-encoding (adapters/net/url_encoding.hpp): what goes into Matrix
// paths and queries and Slack's form bodies, and what the simulators decode.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "adapters/matrix/matrix_requests.hpp"
#include "adapters/net/url_encoding.hpp"
#include "sim_common/request_target.hpp"

using namespace warroom;
using net::decode_component;
using net::encode_form_component;
using net::encode_path_segment;

namespace {

// The hand-written encoder the Slack and Matrix adapters each had before
// (web_api.cpp, matrix_requests.cpp): the helper must send the same bytes.
std::string old_percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += kHex[c >> 4];
            encoded += kHex[c & 0x0F];
        }
    }
    return encoded;
}

// The hand-written decoder of matrix_events.cpp and the simulators (request_target.cpp).
std::string old_percent_decode(std::string_view encoded, bool plus_is_space) {
    const auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string decoded;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '+' && plus_is_space) {
            decoded += ' ';
        } else if (c == '%' && i + 2 < encoded.size() && hex(encoded[i + 1]) >= 0 && hex(encoded[i + 2]) >= 0) {
            decoded += static_cast<char>(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2]));
            i += 2;
        } else {
            decoded += c;
        }
    }
    return decoded;
}

std::string every_byte() {
    std::string bytes;
    for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
    return bytes;
}

const std::vector<std::string> kInputs = {
    "",
    "plain",
    "AZaz09-._~",
    "!abc:example.org",
    "#inc-1-payroll:example.org",
    "@bob:example.org",
    "$ev/ent+id",
    "$143273582443PhrSn:example.org",
    "warroom.job-17.2",
    "m.room.message",
    "s72594_4483_1934",
    "a b+c&d=e?f#g/h%i",
    "100% sure",
    "{\"types\":[\"m.room.message\"],\"lazy_load_members\":true}",
    "[{\"type\":\"actions\",\"elements\":[]}]",
    "é ü 日本語 🚨",
    "quote\"apostrophe'back\\slash",
    "tab\tnewline\ncr\r",
    std::string("nul\0byte", 8),
    every_byte(),
};

}  // namespace

TEST_CASE("encoding gives the same bytes as the hand-written encoders did", "[url-encoding]") {
    for (const std::string& input : kInputs) {
        INFO(input);
        CHECK(encode_path_segment(input) == old_percent_encode(input));
        CHECK(encode_form_component(input) == old_percent_encode(input));
    }
}

TEST_CASE("decoding gives the same text as the hand-written decoders did", "[url-encoding]") {
    std::vector<std::string> encoded = {"%", "%4", "%4G", "%G4", "abc%", "abc%2", "%%41", "%41%", "a+b%2Bc",
                                        "%zz%41%4", "%00", "%e6%97%a5", "%E6%97%A5", "+++", "%+20", "100%25 sure"};
    for (const std::string& input : kInputs) {
        encoded.push_back(input);
        encoded.push_back(old_percent_encode(input));
    }
    for (const std::string& text : encoded) {
        INFO(text);
        CHECK(decode_component(text) == old_percent_decode(text, false));
        CHECK(decode_component(text, true) == old_percent_decode(text, true));
        CHECK(sim_common::percent_decode(text, true) == old_percent_decode(text, true));
    }
}

TEST_CASE("encoding then decoding gives back any bytes", "[url-encoding]") {
    for (const std::string& input : kInputs) {
        INFO(input);
        CHECK(decode_component(encode_path_segment(input)) == input);
        CHECK(decode_component(encode_form_component(input), true) == input);
    }
}

TEST_CASE("Matrix ids are encoded so that they cannot change a path's structure", "[url-encoding][matrix]") {
    CHECK(encode_path_segment("!abc:example.org") == "%21abc%3Aexample.org");
    CHECK(encode_path_segment("#inc-1-x:example.org") == "%23inc-1-x%3Aexample.org");
    CHECK(encode_path_segment("@bob:example.org") == "%40bob%3Aexample.org");
    CHECK(encode_path_segment("$ev/ent+id") == "%24ev%2Fent%2Bid");
    CHECK(encode_path_segment("../..") == "..%2F..");
    CHECK(encode_path_segment("a?b#c") == "a%3Fb%23c");
    CHECK(matrix::join_request("!abc:example.org").path == "/_matrix/client/v3/join/%21abc%3Aexample.org");
    CHECK(matrix::messages_before_request("!r:x", "t1 2", 5).path ==
          "/_matrix/client/v3/rooms/%21r%3Ax/messages?dir=b&limit=5&from=t1%202");
    // A matrix.to link's id, as the Matrix adapter reads it.
    CHECK(decode_component("%40bob%3Aexample.org") == "@bob:example.org");
}

TEST_CASE("UTF-8 is encoded byte by byte, with upper-case hex", "[url-encoding]") {
    CHECK(encode_path_segment("é") == "%C3%A9");
    CHECK(encode_form_component("日本") == "%E6%97%A5%E6%9C%AC");
    CHECK(decode_component("%e6%97%a5%E6%9C%AC") == "日本");
    CHECK(decode_component("%F0%9F%9A%A8") == "🚨");
}

TEST_CASE("form bodies: spaces as %20, '+' a space only where asked, reserved characters escaped", "[url-encoding]") {
    CHECK(encode_form_component("a b") == "a%20b");
    CHECK(encode_form_component("a+b") == "a%2Bb");
    CHECK(encode_form_component("k=v&x") == "k%3Dv%26x");
    CHECK(net::form_body({}) == "");
    CHECK(net::form_body({{"channel", "C1"}, {"text", "a b&c=d"}, {"", ""}}) == "channel=C1&text=a%20b%26c%3Dd&=");
    CHECK(decode_component("a+b%20c") == "a+b c");
    CHECK(decode_component("a+b%20c", true) == "a b c");
    CHECK(decode_component("a%2Bb", true) == "a+b");
    // What the simulators read back from a form body the bot sent.
    const auto pairs = sim_common::query_pairs(net::form_body({{"channel", "C1"}, {"text", "x y+z"}, {"e", ""}}));
    REQUIRE(pairs.size() == 3);
    CHECK(pairs[0] == std::pair<std::string, std::string>{"channel", "C1"});
    CHECK(pairs[1] == std::pair<std::string, std::string>{"text", "x y+z"});
    CHECK(pairs[2] == std::pair<std::string, std::string>{"e", ""});
}

TEST_CASE("a malformed escape is kept as written", "[url-encoding]") {
    CHECK(decode_component("100%") == "100%");
    CHECK(decode_component("%4") == "%4");
    CHECK(decode_component("%zz%41") == "%zzA");
    CHECK(decode_component("%%41") == "%A");
    CHECK(decode_component("%00") == std::string("\0", 1));
}
