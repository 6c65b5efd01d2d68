#include "bot/severity.hpp"

#include "bot/text.hpp"

namespace warroom {

std::string to_string(Severity severity) { return "sev" + std::to_string(static_cast<int>(severity)); }

std::optional<Severity> parse_severity(std::string_view text) {
    const std::string lower = ascii_lower(text);
    for (Severity s : {Severity::sev1, Severity::sev2, Severity::sev3, Severity::sev4})
        if (lower == to_string(s)) return s;
    return std::nullopt;
}

std::string to_string(Status status) {
    switch (status) {
        case Status::investigating: return "investigating";
        case Status::mitigating: return "mitigating";
        case Status::mitigated: return "mitigated";
        case Status::resolved: return "resolved";
    }
    return "investigating";
}

std::optional<Status> parse_status(std::string_view text) {
    const std::string lower = ascii_lower(text);
    for (Status s : {Status::investigating, Status::mitigating, Status::mitigated, Status::resolved})
        if (lower == to_string(s)) return s;
    return std::nullopt;
}

}  // namespace warroom
