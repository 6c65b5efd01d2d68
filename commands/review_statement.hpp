#pragma once
// `rootcause` and `impact`: one statement each per incident, for the review.
// The latest wins; earlier ones stay on the timeline.
#include <string>
#include <string_view>

#include "commands/command.hpp"

namespace warroom {

struct ReviewStatement {
    std::string Incident::*field;      // &Incident::root_cause
    EntryKind kind;                    // EntryKind::rootcause
    std::string_view name;             // "root cause"
    std::string_view ask;              // "say what caused it: /incident rootcause ..."
};

Outcome record_review_statement(Context& ctx, const ReviewStatement& statement);

}  // namespace warroom
