#include "bot/outbox.hpp"

#include <spdlog/spdlog.h>

namespace warroom {
namespace {

constexpr std::size_t kBatch = 32;

}  // namespace

void complete_outbox_job(Store& store, const OutboxJob& job, const Clock& clock) {
    auto tx = store.begin();
    tx->complete_job(job.id, clock.now());
    if (const auto* publish = std::get_if<Publish>(&job.effect)) {
        if (auto draft = tx->draft(publish->draft); draft && draft->state == DraftState::approved) {
            draft->state = DraftState::published;
            draft->published_at = clock.now();
            tx->save(*draft);
            tx->append(TimelineEntry{0, draft->incident, clock.now(), draft->decided_by.value_or(draft->author),
                                     EntryKind::publication,
                                     to_string(draft->id) + " published to " + to_string(publish->channel)});
        }
    }
    tx->commit();
}

std::size_t drain_outbox(Store& store, EffectPerformer& performer, const Clock& clock) {
    std::size_t performed = 0;
    for (;;) {
        std::vector<OutboxJob> jobs;
        {
            auto tx = store.begin();
            jobs = tx->pending_jobs(kBatch);
        }
        if (jobs.empty()) return performed;
        for (const OutboxJob& job : jobs) {
            try {
                performer.perform(job);
            } catch (const DeliveryError& error) {
                spdlog::warn("outbox job {} not delivered yet: {}", job.id.value(), error.what());
                return performed;
            }
            complete_outbox_job(store, job, clock);
            ++performed;
        }
    }
}

}  // namespace warroom
