#pragma once
// Runtime configuration: a JSON file (--config) and environment variables;
// the environment wins (SPEC.md §7). Secrets are read but never printed.
#include <functional>
#include <optional>
#include <string>

#include "bot/log_format.hpp"

namespace warroom {

enum class Platform { console, slack, matrix };

struct Config {
    Platform platform = Platform::console;
    std::string database = "warroom.db";       // WARROOM_DB: SQLite path (or postgresql:// later)
    std::optional<std::string> playbook_path;  // WARROOM_PLAYBOOK; the bundled playbook when unset
    std::string log_level = "warn";            // WARROOM_LOG_LEVEL
    LogFormat log_format = LogFormat::text;    // WARROOM_LOG_FORMAT: text or json (one object a line)
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvironmentLookup process_environment();

struct ConfigLoad {
    std::optional<Config> config;
    std::string error;                         // what to fix, when config is empty
};

// Reads `config_file` (if any), then applies the environment.
ConfigLoad load_config(const std::optional<std::string>& config_file, const EnvironmentLookup& env);

}  // namespace warroom
