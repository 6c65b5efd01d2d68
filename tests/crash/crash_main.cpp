// The crash harness's main: Catch2's own command line plus `--kills N` and
// `--seed S`, so a failing run can be repeated exactly:
//   build/tests/warroom_crash "[slack]" --kills 500 --seed 1234
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "crash/crash_settings.hpp"

namespace warroom::test {

CrashSettings& crash_settings() {
    static CrashSettings settings;
    return settings;
}

}  // namespace warroom::test

int main(int argc, char* argv[]) {
    Catch::Session session;
    auto& settings = warroom::test::crash_settings();
    using Catch::clara::Opt;
    session.cli(session.cli() |
                Opt(settings.kills, "kills")["--kills"]("SIGKILLs per platform (default 200)") |
                Opt(settings.seed, "seed")["--seed"]("the seed of the kill moments (default: a fresh one)"));
    if (const int parsed = session.applyCommandLine(argc, argv); parsed != 0) return parsed;
    return session.run();
}
