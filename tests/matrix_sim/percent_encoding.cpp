#include "matrix_sim/percent_encoding.hpp"

#include "sim_common/request_target.hpp"

namespace warroom::matrix_sim {

std::vector<std::string> decoded_path_segments(std::string_view path) {
    std::vector<std::string> segments;
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    for (;;) {
        std::size_t slash = path.find('/');
        segments.push_back(sim_common::percent_decode(path.substr(0, slash)));
        if (slash == std::string_view::npos) return segments;
        path.remove_prefix(slash + 1);
    }
}

std::map<std::string, std::string> parse_query(std::string_view query) {
    std::map<std::string, std::string> parameters;
    for (auto& [key, value] : sim_common::query_pairs(query)) parameters.emplace(std::move(key), std::move(value));
    return parameters;
}

}  // namespace warroom::matrix_sim
