#include "bot/outbox.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "bot/audit.hpp"
#include "bot/audit_anchor.hpp"

namespace warroom {
namespace {

constexpr std::size_t kBatch = 32;

constexpr std::string_view kFailureRecorded = "audit.delivery_failed";

}  // namespace

void complete_outbox_job(Store& store, const OutboxJob& job, const Clock& clock, const std::string& reference) {
    auto tx = store.begin();
    tx->complete_job(job.id, clock.now());
    if (const auto* publish = std::get_if<Publish>(&job.effect)) {
        if (auto draft = tx->draft(publish->draft); draft && draft->state == DraftState::approved) {
            draft->state = DraftState::published;
            draft->published_at = clock.now();
            tx->save(*draft);
            append_audit(*tx, draft->incident, clock.now(), bot_user(), "warroom", "draft.published",
                         {{"draft", to_string(draft->id)},
                          {"revision", draft->revision},
                          {"channel", publish->channel.value()},
                          {"reference", reference.empty() ? nlohmann::json(nullptr) : nlohmann::json(reference)},
                          {"text", publish->text}});
            tx->append(TimelineEntry{0, draft->incident, clock.now(), draft->decided_by.value_or(draft->author),
                                     EntryKind::publication,
                                     to_string(draft->id) + " published to " + to_string(publish->channel)});
            // An executive summary is a moment worth anchoring: the head
            // posted covers the draft.published entry just written.
            if (draft->is_summary) {
                if (const auto incident = tx->incident(draft->incident))
                    post_audit_anchor(*tx, *incident, clock.now());
            }
        }
    }
    tx->commit();
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
            std::string reference;
            try {
                reference = performer.perform(job);
            } catch (const DeliveryError& error) {
                spdlog::warn("outbox job {} not delivered yet: {}", job.id.value(), error.what());
                record_delivery_failure(store, job, clock, error.what());
                return performed;
            }
            complete_outbox_job(store, job, clock, reference);
            ++performed;
        }
    }
}

}  // namespace warroom
