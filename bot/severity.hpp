#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace warroom {

// sev1 is the most severe.
enum class Severity { sev1 = 1, sev2 = 2, sev3 = 3, sev4 = 4 };

std::string to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);  // "sev1".."sev4", any case

enum class Status { investigating, mitigating, mitigated, resolved };

std::string to_string(Status status);
std::optional<Status> parse_status(std::string_view text);

}  // namespace warroom
