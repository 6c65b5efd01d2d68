#include "bot/secrets.hpp"

#include <cstdlib>
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
        return {{}, named_by + " names " + path + ", which other users can read: chmod 600 it (or 640 with a group "
                                                  "only warroom is in) and start again"};
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

Secret read_secret(const std::string& variable) {
    if (const char* value = std::getenv(variable.c_str()); value && *value) return {value, {}};
    const std::string file_variable = variable + "_FILE";
    if (const char* path = std::getenv(file_variable.c_str()); path && *path) return from_file(path, file_variable);
    if (const char* folder = std::getenv("CREDENTIALS_DIRECTORY"); folder && *folder) {
        const std::string path = std::string(folder) + "/" + variable;
        if (std::ifstream(path)) return from_file(path, "$CREDENTIALS_DIRECTORY/" + variable);
    }
    return {{}, variable + " is not set (nor " + file_variable + ", nor a credential " + variable +
                    " in $CREDENTIALS_DIRECTORY)"};
}

}  // namespace warroom
