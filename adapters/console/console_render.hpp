#pragma once
// Rendering effects and replies as console transcript lines. Every line
// starts with where it happens: "#channel" or "@user" (a direct message).
#include <string>
#include <string_view>
#include <vector>

#include "bot/effect.hpp"

namespace warroom::console {

std::vector<std::string> render_effect(const Effect& effect);
// The answer to whoever typed a command, shown only to them.
std::vector<std::string> render_reply(const UserId& user, bool ok, std::string_view text);
// What a person typed, echoed into a script's transcript.
std::string render_input(std::string_view channel, const UserId& user, std::string_view text);

}  // namespace warroom::console
