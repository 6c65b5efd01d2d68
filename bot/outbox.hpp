#pragma once
// Performing committed effects. An adapter implements EffectPerformer; the
// drain loop hands it each pending job in order and, once the platform has
// done it, marks the job done in a transaction of its own. A crash between
// the two repeats the job at the next start, so performers make repeats
// harmless (Matrix transaction ids, Slack message metadata).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "bot/clock.hpp"
#include "bot/effect.hpp"
#include "bot/store.hpp"

namespace warroom {

// What became of one attempt to perform an outbox job, as every performer
// reports it (the console, Slack, Matrix, the outside destinations): done,
// not done yet and why, or refused for good. A job not done stays first in
// its lane and is repeated later; a refused one is not repeated: its draft
// says "approved, delivery failed" and the Crisis Lead is told.
struct Delivery {
    bool done = false;
    std::string problem;               // when not done: what went wrong, in words an admin can act on
    std::string reference;             // when a publish is done: where it landed, for the audit record
    // Not done, and the same attempt would fail again (an HTTP 4xx, an SMTP
    // 5xx, a missing secret): repeating it is up to a person (`/incident retry`).
    bool refused = false;
    // Not done, and the destination said when to ask again (HTTP 429 Retry-After).
    std::optional<Duration> retry_after;

    static Delivery delivered(std::string reference = {}) {
        Delivery delivery;
        delivery.done = true;
        delivery.reference = std::move(reference);
        return delivery;
    }
    static Delivery not_yet(std::string problem, std::optional<Duration> retry_after = std::nullopt) {
        Delivery delivery;
        delivery.problem = std::move(problem);
        delivery.retry_after = retry_after;
        return delivery;
    }
    static Delivery refused_for_good(std::string problem) {
        Delivery delivery;
        delivery.problem = std::move(problem);
        delivery.refused = true;
        return delivery;
    }
};

class EffectPerformer {
public:
    virtual ~EffectPerformer() = default;
    // Performs the job on the platform. A publish's reference says where it
    // landed ("" if the platform gives none).
    virtual Delivery perform(const OutboxJob& job) = 0;
};

// Commits a command's effects to the outbox: its chat effects to its lane
// (outbox_lane), each outside effect to its destination's lane.
void enqueue_effects(Transaction& tx, const std::vector<Effect>& effects, std::optional<IncidentId> incident, Time now);

// What becomes of an outside delivery (bot/effect.hpp is_outside) that
// failed: the engine gives it up when the destination refused it, or when it
// has failed for longer than the playbook's delivery_retry_for: the job is
// then done in the outbox (its lane goes on), the draft says "approved,
// delivery failed: ...", and the Crisis Lead is told. Chat effects are
// repeated until done: they are how people hear of everything else.
class DeliveryFailures {
public:
    virtual ~DeliveryFailures() = default;
    // True when the job was given up (and so is no longer pending).
    virtual bool settle_failed_delivery(const OutboxJob& job, const Delivery& delivery, Time first_failed_at) = 0;
};

// Marks a performed job done, in a transaction of its own; a Publish job also
// moves its draft to `published` and records that in the audit record with
// `reference`, the platform's message reference (Slack "CHANNEL/TS", Matrix
// "ROOM/EVENT"). For adapters that perform jobs asynchronously.
void complete_outbox_job(Store& store, const OutboxJob& job, const Clock& clock, const std::string& reference = {});

// A publish or outside delivery that could not be done yet is recorded once
// in the audit record (the first failure of its job, with the problem); it
// stays first in line and is repeated. Returns when the job first failed
// (now, for a job that had not failed before).
Time record_delivery_failure(Store& store, const OutboxJob& job, const Clock& clock, const std::string& problem);

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
    // record_delivery_failure on this queue's store, then, for an outside
    // delivery, the engine's verdict (settle_failures_with). True when the
    // job was given up: the lane goes on with its next job.
    bool failed(const OutboxJob& job, const Delivery& delivery);
    // Who decides when an outside delivery is given up (the engine); without
    // one, every job is repeated until done.
    void settle_failures_with(DeliveryFailures& failures) { failures_ = &failures; }

    const std::string& holder() const { return holder_; }
    const Clock& clock() const { return clock_; }
    Duration lease() const { return lease_; }

private:
    Store& store_;
    const Clock& clock_;
    std::string holder_;
    Duration lease_;
    DeliveryFailures* failures_ = nullptr;
};

// The host name: a replica's name unless WARROOM_REPLICA gives one.
std::string default_replica_name();

// Performs pending jobs until none is left or one fails; returns how many
// were performed. Completing a Publish job marks its draft published.
// An outside delivery that fails is given up or left for the next drain, as
// `failures` decides.
std::size_t drain_outbox(Store& store, EffectPerformer& performer, const Clock& clock,
                         DeliveryFailures* failures = nullptr);

}  // namespace warroom
