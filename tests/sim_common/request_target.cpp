#include "sim_common/request_target.hpp"

#include "adapters/net/url_encoding.hpp"

namespace warroom::sim_common {

RequestTarget split_target(std::string_view target) {
    std::size_t question = target.find('?');
    if (question == std::string_view::npos) return {std::string(target), ""};
    return {std::string(target.substr(0, question)), std::string(target.substr(question + 1))};
}

std::string percent_decode(std::string_view encoded, bool plus_is_space) {
    return net::decode_component(encoded, plus_is_space);
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
