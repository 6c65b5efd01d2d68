#pragma once
// Pagination and sync tokens. Clients treat them as opaque; here "s<N>" names
// the point just after stream position N (the server's order of all events,
// across rooms, starting at 1). So next_batch "s42" means "seen everything up
// to event 42", and a prev_batch "s17" pages back from event 17 inclusive.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warroom::matrix_sim {

inline std::string stream_token(std::int64_t position) { return "s" + std::to_string(position); }

// nullopt unless `token` is "s" followed by a non-negative decimal number.
inline std::optional<std::int64_t> parse_stream_token(std::string_view token) {
    if (token.size() < 2 || token.front() != 's') return std::nullopt;
    std::int64_t position = 0;
    auto [end, error] = std::from_chars(token.data() + 1, token.data() + token.size(), position);
    if (error != std::errc() || end != token.data() + token.size() || position < 0) return std::nullopt;
    return position;
}

}  // namespace warroom::matrix_sim
