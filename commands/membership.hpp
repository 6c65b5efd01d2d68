#pragma once
// Membership follows the platform: someone who leaves an
// incident's channel, or is removed from it, is no longer a member of it; the
// incident's Crisis Lead is invited back instead, while they hold the role.
#include "bot/event.hpp"
#include "commands/command.hpp"

namespace warroom {

// `who` left ctx.channel (reported by the platform). ctx.caller is the bot:
// what this writes on the timeline and in the audit record is the bot's doing.
// A channel of no incident, or someone warroom never counted as a member of
// it, changes nothing; the outcome is always done (there is nobody to answer).
Outcome follow_member_left(Context& ctx, const UserId& who, const MembershipLeft& left);

}  // namespace warroom
