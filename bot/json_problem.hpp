#pragma once
// A problem in a JSON file an admin writes (the playbook, a scenario),
// located by its JSON pointer ("/severities/sev1/workstreams/0").
#include <string>

namespace warroom {

struct JsonProblem {
    std::string path;
    std::string message;               // says what to write instead
};

}  // namespace warroom
