#include "bot/secrets.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bot/private_file.hpp"

namespace warroom {
namespace {

// Secrets are short; anything longer is not the file the operator meant.
constexpr std::size_t kMaxSecretFile = 64 * 1024;

Secret from_file(const std::string& path, const std::string& named_by) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {{}, named_by + " names " + path + ", which cannot be read"};
    if (readable_by_others(path))
        return {{}, named_by + " names " + path +
                        ", which its group or other users can read: chmod 600 it (owned by the bot's user) and start "
                        "again"};
    std::ostringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    if (value.size() > kMaxSecretFile) return {{}, named_by + " names " + path + ", which is too large for a secret"};
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    if (value.empty()) return {{}, named_by + " names " + path + ", which is empty"};
    return {std::move(value), {}};
}

}  // namespace

Secret read_secret(const std::string& variable, const EnvironmentLookup& env) {
    if (auto value = env(variable)) return {*value, {}};
    const std::string file_variable = variable + "_FILE";
    if (auto path = env(file_variable)) return from_file(*path, file_variable);
    if (auto folder = env("CREDENTIALS_DIRECTORY")) {
        const std::string path = *folder + "/" + variable;
        if (std::error_code ignored; std::filesystem::exists(path, ignored)) return from_file(path, "$CREDENTIALS_DIRECTORY/" + variable);
    }
    return {{},
            variable + " is not set (nor " + file_variable + ", nor a credential " + variable +
                " in $CREDENTIALS_DIRECTORY)",
            true};
}

Secret read_secret(const std::string& variable) { return read_secret(variable, process_environment()); }

bool secret_offered(const std::string& variable, const EnvironmentLookup& env) {
    if (env(variable) || env(variable + "_FILE")) return true;
    const auto folder = env("CREDENTIALS_DIRECTORY");
    std::error_code ignored;
    return folder && std::filesystem::exists(*folder + "/" + variable, ignored);
}

}  // namespace warroom
