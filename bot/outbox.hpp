#pragma once
// Performing committed effects. An adapter implements EffectPerformer; the
// drain loop hands it each pending job in order and, once the platform has
// done it, marks the job done in a transaction of its own. A crash between
// the two repeats the job at the next start, so performers make repeats
// harmless (Matrix transaction ids, Slack message metadata).
#include <cstddef>
#include <string>
#include <vector>

#include "bot/clock.hpp"
#include "bot/effect.hpp"
#include "bot/store.hpp"

namespace warroom {

// What became of one attempt to perform an outbox job, as every performer
// reports it (the console, Slack, Matrix): done, or not done yet and why. A
// job not done stays first in its lane and is repeated later.
struct Delivery {
    bool done = false;
    std::string problem;               // when not done: what went wrong, in words an admin can act on
    std::string reference;             // when a publish is done: where it landed, for the audit record

    static Delivery delivered(std::string reference = {}) { return {true, {}, std::move(reference)}; }
    static Delivery not_yet(std::string problem) { return {false, std::move(problem), {}}; }
};

class EffectPerformer {
public:
    virtual ~EffectPerformer() = default;
    // Performs the job on the platform. A publish's reference says where it
    // landed ("" if the platform gives none).
    virtual Delivery perform(const OutboxJob& job) = 0;
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

// One performer's view of the outbox shared by every replica: it claims
// lanes (each incident's effects, in order) for a lease, performs their jobs,
// completes them, and gives a drained lane back. A lane is performed by one
// holder at a time; a holder that dies loses its lanes when the lease ends,
// and the next holder repeats at most the job that was in flight, which the
// performers make harmless.
class OutboxQueue {
public:
    // `holder` names this performer among the replicas (a replica name).
    OutboxQueue(Store& store, const Clock& clock, std::string holder, Duration lease = std::chrono::seconds(20));

    // Claims or renews up to `lanes` lanes with pending jobs, oldest first,
    // and returns up to `jobs_per_lane` of each one's jobs.
    std::vector<LaneJobs> claim(std::size_t lanes, std::size_t jobs_per_lane);
    // Whether claims made at `claimed_at` are still safely held (half the
    // lease left): a performer claims again before it goes on.
    bool still_held(Time claimed_at) const;
    // Extends the lease of every lane this holder holds (a heartbeat while a job takes long).
    void renew();
    // complete_outbox_job on this queue's store. With `last_of_lane` the
    // lane is given back in the same transaction, unless a job was added to
    // it meanwhile, so that another replica may take it at once.
    void complete(const OutboxJob& job, const std::string& reference, bool last_of_lane);
    // record_delivery_failure on this queue's store.
    void failed(const OutboxJob& job, const std::string& problem);

    const std::string& holder() const { return holder_; }
    const Clock& clock() const { return clock_; }
    Duration lease() const { return lease_; }

private:
    Store& store_;
    const Clock& clock_;
    std::string holder_;
    Duration lease_;
};

// The host name: a replica's name unless WARROOM_REPLICA gives one.
std::string default_replica_name();

// Performs pending jobs until none is left or one fails; returns how many
// were performed. Completing a Publish job marks its draft published.
std::size_t drain_outbox(Store& store, EffectPerformer& performer, const Clock& clock);

}  // namespace warroom
