#include "bot/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/secrets.hpp"
#include "bot/text.hpp"

namespace warroom {
namespace {

constexpr const char* kLogFormatValues = "must be text (the default) or json (one JSON object a line)";

// A relative path written in the config file is relative to the file's folder;
// an absolute one, and a PostgreSQL URL, are kept as written.
std::string relative_to(const std::filesystem::path& config_file, const std::string& value) {
    if (value.empty() || value.find("://") != std::string::npos) return value;
    const std::filesystem::path path(value);
    if (path.is_absolute()) return value;
    return (config_file.parent_path() / path).lexically_normal().string();
}

}  // namespace

std::optional<std::string> parse_log_level(std::string_view name) {
    const std::string lower = ascii_lower(name);
    if (lower == "warning") return "warn";
    if (lower == "err") return "error";
    for (const char* level : {"trace", "debug", "info", "warn", "error", "critical", "off"})
        if (lower == level) return lower;
    return std::nullopt;
}

Platform platform_from(const EnvironmentLookup& env) {
    if (secret_offered("SLACK_APP_TOKEN", env)) return Platform::slack;
    if (env("MATRIX_HOMESERVER")) return Platform::matrix;
    return Platform::console;
}

EnvironmentLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value || !*value) return std::nullopt;
        return std::string(value);
    };
}

ConfigLoad load_config(const std::optional<std::string>& config_file, const EnvironmentLookup& env) {
    Config config;
    if (config_file) {
        std::ifstream in(*config_file);
        if (!in) return {std::nullopt, "cannot read the config file " + *config_file};
        std::stringstream text;
        text << in.rdbuf();
        const auto json = nlohmann::json::parse(text.str(), nullptr, false);
        if (json.is_discarded() || !json.is_object())
            return {std::nullopt, *config_file + " is not a JSON object like {\"database\": \"warroom.db\"}"};
        for (const auto& [key, value] : json.items()) {
            if (!value.is_string())
                return {std::nullopt, *config_file + ": \"" + key + "\" must be a string"};
            if (key == "database") config.database = relative_to(*config_file, value.get<std::string>());
            else if (key == "playbook") config.playbook_path = relative_to(*config_file, value.get<std::string>());
            else if (key == "log_level") {
                const auto level = parse_log_level(value.get<std::string>());
                if (!level)
                    return {std::nullopt, *config_file + ": \"log_level\" (like WARROOM_LOG_LEVEL) must be one of " +
                                              kLogLevels + " (in any case)"};
                config.log_level = *level;
            } else if (key == "log_format") {
                const auto format = parse_log_format(value.get<std::string>());
                if (!format)
                    return {std::nullopt, *config_file + ": \"log_format\" (like WARROOM_LOG_FORMAT) " +
                                              kLogFormatValues};
                config.log_format = *format;
            } else
                return {std::nullopt, *config_file + ": unknown key \"" + key +
                                          "\" (known: database, playbook, log_level, log_format; secrets go in the "
                                          "environment)"};
        }
    }
    if (auto db = env("WARROOM_DB")) config.database = *db;
    if (auto playbook = env("WARROOM_PLAYBOOK")) config.playbook_path = *playbook;
    if (auto level_name = env("WARROOM_LOG_LEVEL")) {
        // An unknown name stops the start: logs that silently go quiet are worse than no start.
        const auto level = parse_log_level(*level_name);
        if (!level)
            return {std::nullopt, std::string("WARROOM_LOG_LEVEL must be one of ") + kLogLevels +
                                      " (in any case); the logs would otherwise be lost"};
        config.log_level = *level;
    }
    if (auto format_name = env("WARROOM_LOG_FORMAT")) {
        // The value itself is not repeated: whatever was put there stays out of the output.
        const auto format = parse_log_format(*format_name);
        if (!format) return {std::nullopt, std::string("WARROOM_LOG_FORMAT ") + kLogFormatValues};
        config.log_format = *format;
    }
    config.platform = platform_from(env);
    return {config, {}};
}

}  // namespace warroom
