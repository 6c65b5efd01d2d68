#pragma once
// Effects as JSON, so the outbox can hold them as text: {"type": "post", ...}.
// Times are unix milliseconds. The format is read back after upgrades, so
// fields are only ever added (with defaults), never renamed.
#include <string>
#include <string_view>

#include "bot/effect.hpp"

namespace warroom {

std::string encode_effect(const Effect& effect);
// Throws StorageError when `json` is not an effect this build understands.
Effect decode_effect(std::string_view json);

}  // namespace warroom
