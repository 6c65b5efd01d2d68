#include "bot/config.hpp"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace warroom {
namespace {

constexpr const char* kLogFormatValues = "must be text (the default) or json (one JSON object a line)";

}  // namespace

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
            if (key == "database") config.database = value.get<std::string>();
            else if (key == "playbook") config.playbook_path = value.get<std::string>();
            else if (key == "log_level") config.log_level = value.get<std::string>();
            else if (key == "log_format") {
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
    if (auto level = env("WARROOM_LOG_LEVEL")) config.log_level = *level;
    if (auto format_name = env("WARROOM_LOG_FORMAT")) {
        // The value itself is not repeated: whatever was put there stays out of the output.
        const auto format = parse_log_format(*format_name);
        if (!format) return {std::nullopt, std::string("WARROOM_LOG_FORMAT ") + kLogFormatValues};
        config.log_format = *format;
    }
    if (env("SLACK_APP_TOKEN")) config.platform = Platform::slack;
    else if (env("MATRIX_HOMESERVER")) config.platform = Platform::matrix;
    return {config, {}};
}

}  // namespace warroom
