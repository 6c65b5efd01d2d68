#pragma once
// What one run of the crash harness is asked for, from its command line:
// how many times to kill the bot per platform, and the seed of the moments.
#include <cstdint>

namespace warroom::test {

struct CrashSettings {
    int kills = 200;
    std::uint32_t seed = 0;   // 0: a fresh one from std::random_device
};

CrashSettings& crash_settings();

}  // namespace warroom::test
