#pragma once
// The fuzz targets' assertion: a violated property aborts with a message, so
// libFuzzer records the input as a crash and the replay test fails. Unlike
// assert() it stays on in release builds.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace warroom::fuzz {

[[noreturn]] inline void property_violated(std::string_view property, std::string_view detail = {}) {
    std::fprintf(stderr, "fuzz property violated: %.*s\n", static_cast<int>(property.size()), property.data());
    if (!detail.empty()) std::fprintf(stderr, "  in: %.*s\n", static_cast<int>(detail.size()), detail.data());
    std::abort();
}

inline void require(bool holds, std::string_view property, std::string_view detail = {}) {
    if (!holds) property_violated(property, detail);
}

}  // namespace warroom::fuzz
