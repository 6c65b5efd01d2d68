#include "slack_sim/http_args.hpp"

#include "sim_common/request_target.hpp"

namespace warroom::slack_sim {
namespace {

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

nlohmann::json parse_form(std::string_view encoded) {
    nlohmann::json fields = nlohmann::json::object();
    for (auto& [key, value] : sim_common::query_pairs(encoded)) fields[key] = std::move(value);
    return fields;
}

std::string base64_encode(std::string_view data) {
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) out += kBase64Alphabet[(n >> shift) & 63];
    }
    if (std::size_t rest = data.size() - i; rest > 0) {
        unsigned n = static_cast<unsigned char>(data[i]) << 16;
        if (rest == 2) n |= static_cast<unsigned char>(data[i + 1]) << 8;
        out += kBase64Alphabet[(n >> 18) & 63];
        out += kBase64Alphabet[(n >> 12) & 63];
        out += rest == 2 ? kBase64Alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string base64_decode(std::string_view encoded) {
    std::string out;
    unsigned n = 0;
    int bits = 0;
    for (char c : encoded) {
        if (c == '=') break;
        std::size_t value = kBase64Alphabet.find(c);
        if (value == std::string_view::npos) return "";
        n = (n << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((n >> bits) & 0xFF);
        }
    }
    return out;
}

}  // namespace warroom::slack_sim
