#pragma once
// What warroom does when a delivery to an outside destination is given up
// (bot/outbox.hpp DeliveryFailures): the draft says "approved, delivery
// failed: ...", the record and the timeline say why, and the incident's
// channel and its Crisis Lead are told how to retry.
#include <string>

#include "bot/effect.hpp"
#include "commands/command.hpp"

namespace warroom {

// `effect` is an outside one (Deliver, ResolveStatusPage, Page); ctx.incident is its incident.
void give_up_delivery(Context& ctx, const Effect& effect, const std::string& problem);

}  // namespace warroom
