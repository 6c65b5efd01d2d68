#pragma once
// Runtime configuration: a JSON file (--config) and environment variables;
// the environment wins. Secrets are read but never printed.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "bot/log_format.hpp"

namespace warroom {

enum class Platform { console, slack, matrix };

struct Config {
    Platform platform = Platform::console;
    std::string database = "warroom.db";       // WARROOM_DB: SQLite path (or postgresql:// later)
    std::optional<std::string> playbook_path;  // WARROOM_PLAYBOOK; the bundled playbook when unset
    std::string log_level = "warn";            // WARROOM_LOG_LEVEL, one of kLogLevels (lower case)
    LogFormat log_format = LogFormat::text;    // WARROOM_LOG_FORMAT: text or json (one object a line)
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvironmentLookup process_environment();

// The log levels WARROOM_LOG_LEVEL and "log_level" accept, quietest last.
inline constexpr const char* kLogLevels = "trace, debug, info, warn, error, critical or off";
// The level in lower case ("WARN" -> "warn", "warning" -> "warn"), or nothing
// for a name that is not a level: a typo must never turn the logs off.
std::optional<std::string> parse_log_level(std::string_view name);

// Which platform the environment chooses: Slack when a Slack app token is
// offered (SLACK_APP_TOKEN, SLACK_APP_TOKEN_FILE or the credential), else
// Matrix when MATRIX_HOMESERVER is set, else the console.
Platform platform_from(const EnvironmentLookup& env);

struct ConfigLoad {
    std::optional<Config> config;
    std::string error;                         // what to fix, when config is empty
};

// Reads `config_file` (if any), then applies the environment. Relative paths
// in the file (playbook, a SQLite database) are relative to the file's folder,
// so the file means the same whatever directory the bot starts in.
ConfigLoad load_config(const std::optional<std::string>& config_file, const EnvironmentLookup& env);

}  // namespace warroom
