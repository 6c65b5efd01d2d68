#pragma once
// Performing committed effects. An adapter implements EffectPerformer; the
// drain loop hands it each pending job in order and, once the platform has
// done it, marks the job done in a transaction of its own. A crash between
// the two repeats the job at the next start, so performers make repeats
// harmless (Matrix transaction ids, Slack message metadata).
#include <cstddef>
#include <stdexcept>

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
    // Performs the job on the platform; throws DeliveryError to leave it pending.
    virtual void perform(const OutboxJob& job) = 0;
};

// Marks a performed job done, in a transaction of its own; a Publish job also
// moves its draft to `published`. For adapters that perform jobs asynchronously.
void complete_outbox_job(Store& store, const OutboxJob& job, const Clock& clock);

// Performs pending jobs until none is left or one fails; returns how many
// were performed. Completing a Publish job marks its draft published.
std::size_t drain_outbox(Store& store, EffectPerformer& performer, const Clock& clock);

}  // namespace warroom
