#pragma once
// Secrets (chat tokens, API keys, signing secrets, passwords, routing keys)
// are read from where operators keep them, never from the playbook or the
// config file: the variable NAME, or the file NAME_FILE names (Docker
// secrets), or the file NAME in systemd's $CREDENTIALS_DIRECTORY
// (LoadCredential=), in that order. A problem names the variable and the
// file, never the value.
#include <string>

#include "bot/config.hpp"

namespace warroom {

struct Secret {
    std::string value;
    std::string problem;               // empty when found: "STATUSPAGE_API_KEY is not set (nor ..._FILE)"
    bool absent = false;               // offered nowhere (problem says so); false for a file that cannot be used
    bool found() const { return problem.empty(); }
};

// A file readable by group or others is refused: a secret shared with every
// local user is not one. One trailing newline (echo's) is dropped.
Secret read_secret(const std::string& variable, const EnvironmentLookup& env);
Secret read_secret(const std::string& variable);   // from the process's environment

// Whether NAME, NAME_FILE or the credential NAME is there at all, without
// reading it: chooses the platform before the secret is read and checked.
bool secret_offered(const std::string& variable, const EnvironmentLookup& env);

}  // namespace warroom
