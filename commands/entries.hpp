#pragma once
// update, note and decision: text from a member that lands on the timeline
// and is echoed into the channel (slash commands are invisible to others).
#include "commands/command.hpp"

namespace warroom {

enum class EntryCommand { update, note, decision };
Outcome record_entry(Context& ctx, EntryCommand which);

}  // namespace warroom
