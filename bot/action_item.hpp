#pragma once
// A follow-up from the post-incident review: `/incident action TEXT [@owner]`.
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/ids.hpp"

namespace warroom {

struct ActionItem {
    IncidentId incident;
    int number = 0;                    // 1, 2, ... within the incident; assigned by storage
    std::string text;
    std::optional<UserId> owner;
    UserId added_by;
    Time added_at{};
};

}  // namespace warroom
