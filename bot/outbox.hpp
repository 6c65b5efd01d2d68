#pragma once
// Performing committed effects. An adapter implements EffectPerformer; the
// drain loop hands it each pending job in order and, once the platform has
// done it, marks the job done in a transaction of its own. A crash between
// the two repeats the job at the next start, so performers make repeats
// harmless (Matrix transaction ids, Slack message metadata).
#include <cstddef>
#include <stdexcept>
#include <string>

#include "bot/clock.hpp"
#include "bot/effect.hpp"
#include "storage/store.hpp"

namespace warroom {

// A failure to perform a job that may succeed later (network down, rate limit).
class DeliveryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class EffectPerformer {
public:
    virtual ~EffectPerformer() = default;
    // Performs the job on the platform; throws DeliveryError to leave it
    // pending. Returns where a publish landed, for the audit record ("" if
    // the platform gives no reference).
    virtual std::string perform(const OutboxJob& job) = 0;
};

// Marks a performed job done, in a transaction of its own; a Publish job also
// moves its draft to `published` and records that in the audit record with
// `reference`, the platform's message reference (Slack "CHANNEL/TS", Matrix
// "ROOM/EVENT"). For adapters that perform jobs asynchronously.
void complete_outbox_job(Store& store, const OutboxJob& job, const Clock& clock, const std::string& reference = {});

// A publish that could not be delivered yet is recorded once in the audit
// record (the first failure of its job, with the problem); it stays first in
// line and is repeated. Nothing is recorded for other jobs.
void record_delivery_failure(Store& store, const OutboxJob& job, const Clock& clock, const std::string& problem);

// Performs pending jobs until none is left or one fails; returns how many
// were performed. Completing a Publish job marks its draft published.
std::size_t drain_outbox(Store& store, EffectPerformer& performer, const Clock& clock);

}  // namespace warroom
