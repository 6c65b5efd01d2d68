#include "slack_sim/sim_state.hpp"

#include <cstdio>

namespace warroom::slack_sim {

SimState::SimState() : random_(std::random_device{}()) {
    app_token = "xapp-1-" + workspace.app_id + "-" + unique_hex(12) + "-" + unique_hex(32);
    bot_token = "xoxb-" + unique_hex(12) + "-" + unique_hex(12) + "-" + unique_hex(24);
}

std::string SimState::unique_hex(std::size_t digits) {
    // A counter in the low bits makes values unique even if the generator repeated itself.
    std::string out;
    while (out.size() < digits) {
        char chunk[17];
        std::snprintf(chunk, sizeof chunk, "%016llx", static_cast<unsigned long long>(random_()));
        out += chunk;
    }
    out.resize(digits);
    char counter[17];
    std::snprintf(counter, sizeof counter, "%llx", static_cast<unsigned long long>(++unique_counter_));
    std::string suffix = counter;
    if (suffix.size() < out.size()) out.replace(out.size() - suffix.size(), suffix.size(), suffix);
    return out;
}

std::string SimState::uuid_like() {
    std::string hex = unique_hex(32);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
           hex.substr(20, 12);
}

}  // namespace warroom::slack_sim
