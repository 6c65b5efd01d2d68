#pragma once
// An environment of the test's choosing for code that takes an
// EnvironmentLookup, so no test depends on (or changes) the process's own.
#include <map>
#include <optional>
#include <string>

#include "bot/config.hpp"

namespace warroom::test {

inline EnvironmentLookup fake_environment(std::map<std::string, std::string> variables) {
    return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
        if (auto found = variables.find(name); found != variables.end() && !found->second.empty()) return found->second;
        return std::nullopt;
    };
}

}  // namespace warroom::test
