#pragma once
// Shared test helpers: a whole bot core (engine, bundled playbook, real SQLite
// store in memory, manual clock) with a recording effect performer, and
// read-through helpers to look at what users would see.
//
// Usage:
//   warroom::test::Harness h;
//   h.say("alice", "general", "/incident declare sev1 Payroll phishing");
//   auto performed = h.drain();                       // effects performed by this drain
//   auto publishes = warroom::test::of<Publish>(h.effects());
//   h.incident(1)->lead, h.draft(1)->state, h.timeline(1)...
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "bot/clock.hpp"
#include "bot/draft.hpp"
#include "bot/effect.hpp"
#include "bot/engine.hpp"
#include "bot/event.hpp"
#include "bot/incident.hpp"
#include "bot/outbox.hpp"
#include "bot/playbook.hpp"
#include "bot/timeline.hpp"
#include "storage/open_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "bot/store.hpp"

namespace warroom::test {

// 2026-11-18 11:06:40 UTC: a fixed start, so times in texts are predictable.
inline const Time kTestStart = from_unix_ms(1'795'000'000'000);

// ---------------------------------------------------------------------------
// Effects

// All effects of one alternative, in order.
template <class T>
std::vector<T> of(const std::vector<Effect>& effects) {
    std::vector<T> out;
    for (const Effect& effect : effects)
        if (const T* e = std::get_if<T>(&effect)) out.push_back(*e);
    return out;
}

template <class T>
std::size_t count_of(const std::vector<Effect>& effects) {
    return static_cast<std::size_t>(
        std::count_if(effects.begin(), effects.end(), [](const Effect& e) { return std::holds_alternative<T>(e); }));
}

inline std::vector<Publish> publishes(const std::vector<Effect>& effects) { return of<Publish>(effects); }
inline std::vector<PostCard> posted_cards(const std::vector<Effect>& effects) { return of<PostCard>(effects); }
inline std::vector<UpdateCard> updated_cards(const std::vector<Effect>& effects) { return of<UpdateCard>(effects); }
inline std::vector<InviteUsers> invites(const std::vector<Effect>& effects) { return of<InviteUsers>(effects); }
inline std::vector<CreateChannel> created_channels(const std::vector<Effect>& effects) {
    return of<CreateChannel>(effects);
}
inline std::vector<PostMessage> messages(const std::vector<Effect>& effects) { return of<PostMessage>(effects); }

// Messages posted in a channel / sent directly to a user.
inline std::vector<PostMessage> messages_in(const std::vector<Effect>& effects, std::string_view channel) {
    std::vector<PostMessage> out;
    for (const PostMessage& m : messages(effects))
        if (m.channel && m.channel->value() == channel) out.push_back(m);
    return out;
}
inline std::vector<PostMessage> messages_to(const std::vector<Effect>& effects, std::string_view user) {
    std::vector<PostMessage> out;
    for (const PostMessage& m : messages(effects))
        if (!m.channel && m.user && m.user->value() == user) out.push_back(m);
    return out;
}

// Everyone invited to `channel` by any InviteUsers effect.
inline std::vector<std::string> invited_to(const std::vector<Effect>& effects, std::string_view channel) {
    std::vector<std::string> users;
    for (const InviteUsers& invite : invites(effects))
        if (invite.channel.value() == channel)
            for (const UserId& user : invite.users) users.push_back(user.value());
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    return users;
}

inline std::vector<std::string> created_channel_names(const std::vector<Effect>& effects) {
    std::vector<std::string> names;
    for (const CreateChannel& c : created_channels(effects)) names.push_back(c.name.value());
    return names;
}

// Cards (posted or updated) for one draft.
inline std::vector<PostCard> cards_for(const std::vector<Effect>& effects, std::int64_t draft) {
    std::vector<PostCard> out;
    for (const PostCard& c : posted_cards(effects))
        if (c.card.draft.value() == draft) out.push_back(c);
    return out;
}
inline std::vector<UpdateCard> card_updates_for(const std::vector<Effect>& effects, std::int64_t draft) {
    std::vector<UpdateCard> out;
    for (const UpdateCard& c : updated_cards(effects))
        if (c.card.draft.value() == draft) out.push_back(c);
    return out;
}

// ---------------------------------------------------------------------------
// Performer

// Records every performed job. `fail_if` (when set and true for a job) makes
// perform() answer not done, leaving the job pending like a network failure.
class RecordingPerformer final : public EffectPerformer {
public:
    Delivery perform(const OutboxJob& job) override {
        ++attempts;
        if (fail_if && fail_if(job)) return Delivery::not_yet("simulated delivery failure");
        if (refuse_if && refuse_if(job)) return Delivery::refused_for_good("the destination answered HTTP 401");
        jobs.push_back(job);
        return Delivery::delivered("test-ref-" + std::to_string(job.id.value()));
    }

    std::vector<Effect> effects() const {
        std::vector<Effect> out;
        out.reserve(jobs.size());
        for (const OutboxJob& job : jobs) out.push_back(job.effect);
        return out;
    }

    std::function<bool(const OutboxJob&)> fail_if;
    std::function<bool(const OutboxJob&)> refuse_if;   // not done, for good (a 4xx)
    std::vector<OutboxJob> jobs;      // performed, in order
    std::size_t attempts = 0;         // including failed ones
};

// ---------------------------------------------------------------------------
// The harness

struct Harness {
    explicit Harness(Playbook book = bundled_playbook(), const std::string& database = ":memory:")
        : playbook(std::move(book)), store(open_store(database)), engine(*store, playbook, clock) {}

    ManualClock clock{kTestStart};
    Playbook playbook;
    std::unique_ptr<Store> store;   // a SQLite file, ":memory:", or a PostgreSQL URL
    Engine engine;
    RecordingPerformer performer;
    int events_sent = 0;

    // --- input -------------------------------------------------------------

    std::string next_event_id() { return "test-event-" + std::to_string(++events_sent); }

    // A line typed by `user` in `channel` (no leading '#'); a fresh event id each call.
    Reply say(const std::string& user, const std::string& channel, const std::string& text) {
        return send(Event{EventId{next_event_id()}, UserId{user}, ChannelName{channel}, CommandText{text}});
    }

    // A card button / reaction on draft D-`draft`, on the card of `revision`
    // (by default the card of its current revision).
    Reply click(const std::string& user, std::int64_t draft, CardDecision decision, const std::string& reason = "",
                std::optional<int> revision = std::nullopt) {
        if (!revision) {
            auto tx = store->begin();
            const auto current = tx->draft(DraftId{draft});
            revision = current ? current->revision : 1;
        }
        return send(Event{EventId{next_event_id()}, UserId{user}, ChannelName{""},
                          CardAction{DraftId{draft}, decision, reason, *revision}});
    }

    Reply send(const Event& event) { return engine.handle(event); }

    // An executive's button on escalation E-`escalation`.
    Reply answer(const std::string& user, std::int64_t escalation, bool allow, const std::string& comment = "") {
        return send(Event{EventId{next_event_id()}, UserId{user}, ChannelName{""},
                          EscalationAnswer{EscalationId{escalation}, allow, comment}});
    }

    // --- time --------------------------------------------------------------

    // Moves the clock forward by `by`, firing each schedule at its due time,
    // in order, as a running bot would; returns how many fired.
    std::size_t advance(Duration by) {
        const Time until = clock.now() + by;
        std::size_t fired = 0;
        while (auto due = engine.next_due_time()) {
            if (*due > until) break;
            if (*due > clock.now()) clock.set(*due);
            const std::size_t now_fired = engine.run_due_schedules();
            if (now_fired == 0) break;   // a storage error: nothing more would fire
            fired += now_fired;
        }
        clock.set(until);
        return fired;
    }

    std::vector<Schedule> pending_schedules(std::int64_t incident_n) {
        auto tx = store->begin();
        return tx->pending_schedules(IncidentId{incident_n});
    }

    // --- output ------------------------------------------------------------

    // Performs every pending outbox job; returns the effects performed by this call.
    std::vector<Effect> drain() {
        const std::size_t before = performer.jobs.size();
        drain_outbox(*store, performer, clock);
        std::vector<Effect> out;
        for (std::size_t i = before; i < performer.jobs.size(); ++i) out.push_back(performer.jobs[i].effect);
        return out;
    }

    // Every effect performed so far, in order.
    std::vector<Effect> effects() const { return performer.effects(); }

    // Committed but not yet performed.
    std::vector<OutboxJob> pending_jobs() {
        auto tx = store->begin();
        return tx->pending_jobs(std::numeric_limits<int>::max());
    }

    // --- state, read through the store ------------------------------------

    std::optional<Incident> incident(std::int64_t n) {
        auto tx = store->begin();
        return tx->incident(IncidentId{n});
    }
    std::vector<Incident> incidents(bool open_only = false) {
        auto tx = store->begin();
        return tx->incidents(open_only);
    }
    std::optional<Draft> draft(std::int64_t n) {
        auto tx = store->begin();
        return tx->draft(DraftId{n});
    }
    std::vector<Draft> drafts(std::int64_t incident_n) {
        auto tx = store->begin();
        return tx->drafts(IncidentId{incident_n});
    }
    std::vector<TimelineEntry> timeline(std::int64_t incident_n) {
        auto tx = store->begin();
        return tx->timeline(IncidentId{incident_n});
    }
    std::vector<TimelineEntry> timeline_of_kind(std::int64_t incident_n, EntryKind kind) {
        std::vector<TimelineEntry> out;
        for (TimelineEntry& e : timeline(incident_n))
            if (e.kind == kind) out.push_back(std::move(e));
        return out;
    }
    std::vector<StatusUpdate> updates(std::int64_t incident_n) {
        auto tx = store->begin();
        return tx->updates(IncidentId{incident_n});
    }
    std::optional<ChannelName> main_channel(std::int64_t incident_n) {
        auto found = incident(incident_n);
        if (!found || found->channels.empty()) return std::nullopt;
        return found->main_channel().name;
    }

    // Everything a command could change, except refusals on the timeline:
    // compare two snapshots to prove that a refused or invalid command changed nothing.
    std::string state_fingerprint() {
        auto tx = store->begin();
        std::string out;
        for (const Incident& i : tx->incidents(false)) {
            out += "incident " + std::to_string(i.id.value()) + "|" + i.title + "|" + to_string(i.severity) + "|" +
                   to_string(i.status) + "|lead=" + i.lead.value() +
                   "|nominee=" + (i.nominee ? i.nominee->value() : "-") + "\n";
            for (const Channel& c : i.channels) {
                out += "  channel " + c.name.value() + " ws=" + c.workstream + " members=";
                for (const UserId& m : c.members) out += m.value() + ",";
                out += "\n";
            }
            for (const Workstream& w : i.workstreams)
                out += "  workstream " + w.name + " lead=" + (w.lead ? w.lead->value() : "-") + "\n";
            for (const std::string& g : i.invited_groups) out += "  group " + g + "\n";
            for (const Draft& d : tx->drafts(i.id))
                out += "  draft " + std::to_string(d.id.value()) + " " + to_string(d.state) + " rev" +
                       std::to_string(d.revision) + " to=" + d.routed_to.value() + " text=" + d.text + "\n";
            for (const StatusUpdate& u : tx->updates(i.id)) out += "  update " + u.workstream + ": " + u.text + "\n";
            out += "  exercise=" + std::to_string(i.exercise) + " scenario=" + i.scenario + " rootcause=" + i.root_cause +
                   " impact=" + i.impact + "\n";
            for (const Schedule& s : tx->pending_schedules(i.id))
                out += "  schedule " + to_string(s.kind) + " " + s.target + " at " + std::to_string(to_unix_ms(s.due_at)) +
                       " every " + std::to_string(s.every.count()) + "\n";
            for (const Escalation& e : tx->escalations(i.id))
                out += "  escalation " + std::to_string(e.id.value()) + " " + to_string(e.state) + " " + e.text + "\n";
            for (const ActionItem& a : tx->action_items(i.id))
                out += "  action " + std::to_string(a.number) + " " + a.text + "\n";
            for (const TimelineEntry& e : tx->timeline(i.id))
                if (e.kind != EntryKind::refusal)
                    out += "  entry " + to_string(e.kind) + " " + e.actor.value() + ": " + e.text + "\n";
        }
        out += "pending jobs " + std::to_string(tx->pending_jobs(std::numeric_limits<int>::max()).size()) + "\n";
        return out;
    }
};

}  // namespace warroom::test
