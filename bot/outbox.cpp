#include "bot/outbox.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "bot/audit.hpp"
#include "bot/audit_anchor.hpp"
#include "bot/metrics.hpp"

namespace warroom {
namespace {

constexpr std::size_t kBatch = 32;

constexpr std::string_view kFailureRecorded = "audit.delivery_failed";

// Lanes a drain in process takes at once; their jobs kBatch at a time.
constexpr std::size_t kLanesAtOnce = 64;

// Returns whether the job published an approved draft (not a repeat of a publish already marked).
bool complete_in(Transaction& tx, const OutboxJob& job, const Clock& clock, const std::string& reference) {
    tx.complete_job(job.id, clock.now());
    if (const auto* publish = std::get_if<Publish>(&job.effect)) {
        if (auto draft = tx.draft(publish->draft); draft && draft->state == DraftState::approved) {
            draft->state = DraftState::published;
            draft->published_at = clock.now();
            tx.save(*draft);
            append_audit(tx, draft->incident, clock.now(), bot_user(), "warroom", "draft.published",
                         {{"draft", to_string(draft->id)},
                          {"revision", draft->revision},
                          {"channel", publish->channel.value()},
                          {"reference", reference.empty() ? nlohmann::json(nullptr) : nlohmann::json(reference)},
                          {"text", publish->text}});
            tx.append(TimelineEntry{0, draft->incident, clock.now(), draft->decided_by.value_or(draft->author),
                                     EntryKind::publication,
                                     to_string(draft->id) + " published to " + to_string(publish->channel)});
            // An executive summary is a moment worth anchoring: the head
            // posted covers the draft.published entry just written.
            if (draft->is_summary) {
                if (const auto incident = tx.incident(draft->incident))
                    post_audit_anchor(tx, *incident, clock.now());
            }
            return true;
        }
    }
    return false;
}

// After the commit of complete_in: the job is done, for the metrics.
void count_completed(bool published) {
    metrics::outbox_job_done();
    if (published) metrics::published();
}

}  // namespace

void complete_outbox_job(Store& store, const OutboxJob& job, const Clock& clock, const std::string& reference) {
    auto tx = store.begin();
    const bool published = complete_in(*tx, job, clock, reference);
    tx->commit();
    count_completed(published);
}

void record_delivery_failure(Store& store, const OutboxJob& job, const Clock& clock, const std::string& problem) {
    const auto* publish = std::get_if<Publish>(&job.effect);
    if (!publish) return;
    auto tx = store.begin();
    const std::string key = std::to_string(job.id.value());
    if (tx->platform_ref(kFailureRecorded, key)) return;
    const auto draft = tx->draft(publish->draft);
    if (!draft || draft->state != DraftState::approved) return;
    append_audit(*tx, draft->incident, clock.now(), bot_user(), "warroom", "draft.delivery_failed",
                 {{"draft", to_string(draft->id)},
                  {"revision", draft->revision},
                  {"channel", publish->channel.value()},
                  {"problem", problem}});
    tx->set_platform_ref(kFailureRecorded, key, "1");
    tx->commit();
}

OutboxQueue::OutboxQueue(Store& store, const Clock& clock, std::string holder, Duration lease)
    : store_(store), clock_(clock), holder_(std::move(holder)), lease_(lease) {}

std::vector<LaneJobs> OutboxQueue::claim(std::size_t lanes, std::size_t jobs_per_lane) {
    const Time now = clock_.now();
    auto tx = store_.begin(TransactionKind::claim);
    std::vector<LaneJobs> claimed = tx->claim_jobs(holder_, now, now + lease_, lanes, jobs_per_lane);
    tx->commit();
    return claimed;
}

bool OutboxQueue::still_held(Time claimed_at) const { return clock_.now() < claimed_at + lease_ / 2; }

void OutboxQueue::renew() {
    auto tx = store_.begin(TransactionKind::claim);
    tx->renew_lanes(holder_, clock_.now() + lease_);
    tx->commit();
}

void OutboxQueue::complete(const OutboxJob& job, const std::string& reference, bool last_of_lane) {
    auto tx = store_.begin();
    const bool published = complete_in(*tx, job, clock_, reference);
    if (last_of_lane) tx->release_lane(job.lane, holder_);
    tx->commit();
    count_completed(published);
}

void OutboxQueue::failed(const OutboxJob& job, const std::string& problem) {
    metrics::outbox_failure();
    record_delivery_failure(store_, job, clock_, problem);
}

std::string default_replica_name() {
    // Asked once: the console drains after every command.
    static const std::string name = [] {
        char host[256] = {};
        if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return std::string("warroom");
        return std::string(host);
    }();
    return name;
}

std::size_t drain_outbox(Store& store, EffectPerformer& performer, const Clock& clock) {
    // One process, performing every lane in turn until the outbox is empty.
    OutboxQueue queue(store, clock, default_replica_name());
    std::size_t performed = 0;
    for (;;) {
        const auto lanes = queue.claim(kLanesAtOnce, kBatch);
        if (lanes.empty()) return performed;
        for (const LaneJobs& lane : lanes) {
            for (const OutboxJob& job : lane.jobs) {
                const Delivery delivery = performer.perform(job);
                if (!delivery.done) {
                    spdlog::warn("outbox job {} not delivered yet: {}", job.id.value(), delivery.problem);
                    queue.failed(job, delivery.problem);
                    return performed;
                }
                queue.complete(job, delivery.reference, lane.all && &job == &lane.jobs.back());
                ++performed;
            }
        }
    }
}

}  // namespace warroom
