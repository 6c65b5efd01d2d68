// Fuzzes the playbook checker: parse_playbook on any text an admin might
// write (scenario files it names are not read: only named, never opened).
//
// Properties: nothing throws or crashes; a playbook comes back exactly when
// there are no problems, and then it has a policy for every severity; every
// problem says what is wrong at a JSON pointer ("" or "/...").
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bot/playbook.hpp"
#include "fuzz/fuzz_check.hpp"

using warroom::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const warroom::PlaybookLoad load = warroom::parse_playbook(text);
    require(load.playbook.has_value() == load.problems.empty(), "a playbook is loaded exactly when it has no problem",
            text);
    for (const auto& problem : load.problems) {
        require(!problem.message.empty(), "a problem says what is wrong", text);
        require(problem.path.empty() || problem.path.front() == '/', "a problem is located by a JSON pointer", text);
    }
    if (load.playbook) {
        for (auto severity : {warroom::Severity::sev1, warroom::Severity::sev2, warroom::Severity::sev3,
                              warroom::Severity::sev4})
            require(load.playbook->severities.contains(severity), "a loaded playbook has every severity", text);
        (void)load.playbook->audience_names();
    }
    return 0;
}
