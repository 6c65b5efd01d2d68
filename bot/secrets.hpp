#pragma once
// Secrets (API keys, signing secrets, passwords, routing keys) are read from
// where operators keep them, never from the playbook: the variable NAME, or
// the file NAME_FILE names (Docker secrets), or the file NAME in systemd's
// $CREDENTIALS_DIRECTORY (LoadCredential=). A problem names the variable and
// the file, never the value.
#include <string>

namespace warroom {

struct Secret {
    std::string value;
    std::string problem;               // empty when found: "STATUSPAGE_API_KEY is not set (nor ..._FILE)"
    bool found() const { return problem.empty(); }
};

// A file readable by group or others is refused: a secret shared with every
// local user is not one. One trailing newline (echo's) is dropped.
Secret read_secret(const std::string& variable);

}  // namespace warroom
