#include "bot/outbox.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <set>

#include "bot/audit.hpp"
#include "bot/audit_anchor.hpp"
#include "bot/metrics.hpp"

namespace warroom {
namespace {

constexpr std::size_t kBatch = 32;

constexpr std::string_view kFailureRecorded = "audit.delivery_failed";

// Lanes a drain in process takes at once; their jobs kBatch at a time.
constexpr std::size_t kLanesAtOnce = 64;

// Moves an approved draft to published and records where it went.
bool mark_published(Transaction& tx, DraftId id, const Clock& clock, const std::string& destination,
                    const std::string& reference, const std::string& text) {
    auto draft = tx.draft(id);
    if (!draft || draft->state != DraftState::approved) return false;   // a repeat of a publish already marked
    draft->state = DraftState::published;
    draft->published_at = clock.now();
    draft->delivery_problem.clear();
    tx.save(*draft);
    append_audit(tx, draft->incident, clock.now(), bot_user(), "warroom", "draft.published",
                 {{"draft", to_string(draft->id)},
                  {"revision", draft->revision},
                  {"channel", destination},
                  {"reference", reference.empty() ? nlohmann::json(nullptr) : nlohmann::json(reference)},
                  {"text", text}});
    tx.append(TimelineEntry{0, draft->incident, clock.now(), draft->decided_by.value_or(draft->author),
                             EntryKind::publication,
                             to_string(draft->id) + " published to " + destination});
    // An executive summary is a moment worth anchoring: the head
    // posted covers the draft.published entry just written.
    if (draft->is_summary) {
        if (const auto incident = tx.incident(draft->incident)) post_audit_anchor(tx, *incident, clock.now());
    }
    return true;
}

// Returns whether the job published an approved draft (not a repeat of a publish already marked).
bool complete_in(Transaction& tx, const OutboxJob& job, const Clock& clock, const std::string& reference) {
    tx.complete_job(job.id, clock.now());
    if (const auto* publish = std::get_if<Publish>(&job.effect))
        return mark_published(tx, publish->draft, clock, to_string(publish->channel), reference, publish->text);
    if (const auto* deliver = std::get_if<Deliver>(&job.effect))
        return mark_published(tx, deliver->draft, clock, deliver->destination, reference, deliver->text);
    return false;
}

// After the commit of complete_in: the job is done, for the metrics.
void count_completed(bool published) {
    metrics::outbox_job_done();
    if (published) metrics::published();
}

}  // namespace

void enqueue_effects(Transaction& tx, const std::vector<Effect>& effects, std::optional<IncidentId> incident,
                     Time now) {
    const std::string chat_lane = outbox_lane(effects, incident);
    for (const Effect& effect : effects) tx.enqueue(effect, outbox_lane(effect, chat_lane), now);
}

void complete_outbox_job(Store& store, const OutboxJob& job, const Clock& clock, const std::string& reference) {
    auto tx = store.begin();
    const bool published = complete_in(*tx, job, clock, reference);
    tx->commit();
    count_completed(published);
}

Time record_delivery_failure(Store& store, const OutboxJob& job, const Clock& clock, const std::string& problem) {
    const auto* publish = std::get_if<Publish>(&job.effect);
    if (!publish && !is_outside(job.effect)) return clock.now();
    auto tx = store.begin();
    const std::string key = std::to_string(job.id.value());
    if (const auto recorded = tx->platform_ref(kFailureRecorded, key)) {
        // The time of the first failure; "1" (written by earlier versions) reads as now.
        try {
            if (*recorded != "1") return from_unix_ms(std::stoll(*recorded));
        } catch (const std::exception&) {
        }
        return clock.now();
    }
    std::optional<DraftId> draft_id;
    if (publish) draft_id = publish->draft;
    if (const auto* deliver = std::get_if<Deliver>(&job.effect)) draft_id = deliver->draft;
    if (draft_id) {
        const auto draft = tx->draft(*draft_id);
        if (draft && draft->state == DraftState::approved)
            append_audit(*tx, draft->incident, clock.now(), bot_user(), "warroom", "draft.delivery_failed",
                         {{"draft", to_string(draft->id)},
                          {"revision", draft->revision},
                          {"channel", publish ? publish->channel.value() : std::get<Deliver>(job.effect).destination},
                          {"problem", problem}});
    }
    tx->set_platform_ref(kFailureRecorded, key, std::to_string(to_unix_ms(clock.now())));
    tx->commit();
    return clock.now();
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

bool OutboxQueue::failed(const OutboxJob& job, const Delivery& delivery) {
    metrics::outbox_failure();
    const Time first_failed_at = record_delivery_failure(store_, job, clock_, delivery.problem);
    return failures_ && is_outside(job.effect) && failures_->settle_failed_delivery(job, delivery, first_failed_at);
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

std::size_t drain_outbox(Store& store, EffectPerformer& performer, const Clock& clock, DeliveryFailures* failures) {
    // One process, performing every lane in turn until nothing more can be
    // done now: a lane whose job failed waits for the next drain, the others
    // go on (a mailbox that is down holds up no chat message).
    OutboxQueue queue(store, clock, default_replica_name());
    if (failures) queue.settle_failures_with(*failures);
    std::set<std::string> waiting;
    std::size_t performed = 0;
    for (bool progressed = true; progressed;) {
        progressed = false;
        for (const LaneJobs& lane : queue.claim(kLanesAtOnce + waiting.size(), kBatch)) {
            if (waiting.contains(lane.lane)) continue;
            for (const OutboxJob& job : lane.jobs) {
                const Delivery delivery = performer.perform(job);
                if (!delivery.done) {
                    spdlog::warn("outbox job {} not delivered yet: {}", job.id.value(), delivery.problem);
                    if (queue.failed(job, delivery)) {
                        ++performed;   // given up: done in the outbox; the lane's later jobs come in the next claim
                        progressed = true;
                    } else {
                        waiting.insert(lane.lane);
                    }
                    break;
                }
                queue.complete(job, delivery.reference, lane.all && &job == &lane.jobs.back());
                ++performed;
                progressed = true;
            }
        }
    }
    return performed;
}

}  // namespace warroom
