#include "sim_common/request_target.hpp"

namespace warroom::sim_common {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

RequestTarget split_target(std::string_view target) {
    std::size_t question = target.find('?');
    if (question == std::string_view::npos) return {std::string(target), ""};
    return {std::string(target.substr(0, question)), std::string(target.substr(question + 1))};
}

std::string percent_decode(std::string_view encoded, bool plus_is_space) {
    std::string decoded;
    decoded.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '+' && plus_is_space) {
            decoded += ' ';
        } else if (c == '%' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 &&
                   hex_value(encoded[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
            i += 2;
        } else {
            decoded += c;
        }
    }
    return decoded;
}

std::vector<std::pair<std::string, std::string>> query_pairs(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    while (!query.empty()) {
        std::size_t end = query.find('&');
        std::string_view pair = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
        if (pair.empty()) continue;
        std::size_t equals = pair.find('=');
        std::string key = percent_decode(pair.substr(0, equals), true);
        std::string value = equals == std::string_view::npos ? "" : percent_decode(pair.substr(equals + 1), true);
        pairs.emplace_back(std::move(key), std::move(value));
    }
    return pairs;
}

}  // namespace warroom::sim_common
