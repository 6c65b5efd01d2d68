#pragma once
#include <string_view>

namespace warroom {

// Whether text would notify a whole channel on some platform (@channel,
// @here, @everyone, @room, Slack's <!channel>): drafts may not, unless the
// playbook allows it.
bool has_mass_mention(std::string_view text);

}  // namespace warroom
