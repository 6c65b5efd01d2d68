#pragma once
// The Slack app manifest an admin pastes into "Create an app → From a
// manifest": Socket Mode, /incident and /inc, interactivity for the card
// buttons, and only the bot scopes warroom uses.
#include <nlohmann/json.hpp>

namespace warroom::slack {

nlohmann::json slack_manifest();

}  // namespace warroom::slack
