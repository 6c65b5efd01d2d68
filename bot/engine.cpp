#include "bot/engine.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "bot/audit.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "bot/metrics.hpp"
#include "bot/outbox.hpp"
#include "bot/text.hpp"
#include "commands/command.hpp"
#include "commands/decide.hpp"
#include "commands/delivery_failed.hpp"
#include "commands/escalation_decide.hpp"
#include "commands/exercise_guard.hpp"
#include "commands/membership.hpp"
#include "commands/scheduled.hpp"

namespace warroom {
namespace {

constexpr std::string_view kPrefixes[] = {"/incident", "/inc", "!incident", "!inc"};

// The text after the command word, or nullopt if the text is not a command.
std::optional<std::string_view> strip_prefix(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    for (std::string_view prefix : kPrefixes) {
        if (text.substr(0, prefix.size()) != prefix) continue;
        std::string_view rest = text.substr(prefix.size());
        if (rest.empty() || rest.front() == ' ' || rest.front() == '\t') return rest;
    }
    return std::nullopt;
}

struct Dispatch {
    Outcome outcome;
    std::optional<IncidentId> incident;   // for recording a refusal
    const CommandSpec* command = nullptr; // the subcommand that ran, if one did
};

// Asked before a subcommand runs: a refusal holds it back.
using HoldBack = std::function<std::optional<Outcome>(const CommandSpec&)>;

Dispatch run_command(Context& ctx, std::string_view text, const HoldBack& hold_back) {
    std::string split_error;
    auto words = Args::split(text, &split_error);
    if (!words) return {invalid(split_error + "; close it or leave quotes out"), std::nullopt};

    std::size_t next = 0;
    std::optional<IncidentId> named;
    if (next < words->size() && !(*words)[next].quoted) {
        if ((named = parse_incident_id((*words)[next].text))) ++next;
    }
    if (next >= words->size()) {
        const CommandSpec* help = find_command("help");
        ctx.args = Args{};
        return {help->run(ctx), std::nullopt};
    }
    const std::string name = ascii_lower((*words)[next].text);
    const CommandSpec* command = find_command(name);
    if (!command)
        return {invalid("there is no command \"" + (*words)[next].text +
                        "\"; type /incident help to see them all"),
                std::nullopt};
    ctx.args = words->drop(next + 1);
    if (auto refusal = hold_back(*command)) return {std::move(*refusal), std::nullopt, command};

    if (command->scope != IncidentScope::none) {
        std::optional<IncidentId> id = named ? named : ctx.tx.incident_for_channel(ctx.channel);
        if (!id && command->scope == IncidentScope::optional) {
            Outcome outcome = command->run(ctx);   // it may load an incident itself
            return {std::move(outcome), ctx.incident ? std::optional{ctx.incident->id} : std::nullopt, command};
        }
        if (!id)
            return {invalid("this channel belongs to no incident: type it in the incident's channel, or name "
                            "the incident: /incident INC-N " + std::string(command->usage)),
                    std::nullopt};
        ctx.incident = ctx.tx.incident(*id);
        if (!ctx.incident)
            return {invalid(to_string(*id) + " does not exist; /incident list shows the open incidents"),
                    std::nullopt};
    } else if (named) {
        if (name != "help")
            return {invalid("\"" + std::string(command->name) + "\" does not take an incident id; type /incident " +
                            std::string(command->usage)),
                    std::nullopt};
    }
    Outcome outcome = command->run(ctx);
    return {std::move(outcome), ctx.incident ? std::optional{ctx.incident->id} : std::nullopt, command};
}

bool is_declare(const Dispatch& dispatch) { return dispatch.command && dispatch.command->name == "declare"; }

// What the metrics call the event (warroom_commands_total's subcommand): the
// subcommand a command names ("help" when it names none, "unknown" when
// warroom has no such subcommand, or the name is quoted), the card decision,
// or the kind of event. Read cheaply, before the event is handled, so that
// redeliveries and storage failures are counted under it too.
std::string_view subcommand_of(const Event& event, std::optional<std::string_view> after_prefix) {
    if (const auto* action = std::get_if<CardAction>(&event.what)) {
        switch (action->decision) {
            case CardDecision::approve: return "approve";
            case CardDecision::request_changes: return "changes";
            case CardDecision::reject: return "reject";
        }
    }
    if (std::holds_alternative<EscalationAnswer>(event.what)) return "escalation";
    if (!after_prefix) return "membership";   // someone left a channel
    std::string_view text = *after_prefix;
    const auto next_word = [&text] {
        constexpr std::string_view kBlanks = " \t\r\n";
        text.remove_prefix(std::min(text.find_first_not_of(kBlanks), text.size()));
        const std::string_view word = text.substr(0, text.find_first_of(kBlanks));
        text.remove_prefix(word.size());
        return word;
    };
    std::string_view word = next_word();
    if (parse_incident_id(word)) word = next_word();
    if (word.empty()) return "help";
    for (const CommandSpec* command : all_commands()) {
        if (std::equal(word.begin(), word.end(), command->name.begin(), command->name.end(),
                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
            return command->name;
    }
    return "unknown";
}

// Counts the event's outcome and passes the reply on.
Reply counted(std::string_view subcommand, metrics::CommandOutcome outcome, Reply reply) {
    metrics::command_handled(subcommand, outcome);
    return reply;
}

metrics::CommandOutcome failure_outcome(OutcomeKind kind) {
    return kind == OutcomeKind::refused ? metrics::CommandOutcome::refused : metrics::CommandOutcome::invalid;
}

std::string declare_limit_message(const UserLimit& limit, Duration wait) {
    return "you have declared " + std::to_string(limit.burst) + (limit.burst == 1 ? " incident" : " incidents") +
           " in a short time, as many as the playbook allows at once (then one more every " +
           format_duration(limit.refill) + "); try again in " + format_duration(wait) +
           ", or ask an admin, whom this limit does not hold back";
}

std::string refusal_limit_message(const UserLimit& limit, Duration wait) {
    return "warroom refused " + std::to_string(limit.burst) + " of your commands in a short time; for the next " +
           format_duration(wait) + " it will not answer or record your refused commands (what you may do still works)";
}

}  // namespace

bool is_incident_command(std::string_view text) { return strip_prefix(text).has_value(); }

Reply Engine::handle(const Event& event, const ReplyRecorder& record_reply) {
    if (event.user == bot_user()) return {Reply::Kind::ignored, {}};   // the bot's own words are never commands
    const Time now = clock_.now();
    const std::string* command_text = std::get_if<CommandText>(&event.what) ? &std::get<CommandText>(event.what).text
                                                                             : nullptr;
    std::optional<std::string_view> after_prefix;
    if (command_text) {
        after_prefix = strip_prefix(*command_text);
        if (!after_prefix) return {Reply::Kind::ignored, {}};   // ordinary chat
    }
    using metrics::CommandOutcome;
    const std::string_view subcommand = subcommand_of(event, after_prefix);
    try {
        auto tx = store_.begin();
        if (!tx->record_event(event.id, now))
            return counted(subcommand, CommandOutcome::ignored, {Reply::Kind::ignored, {}});

        Context ctx{playbook_, *tx, now, event.user, event.channel, std::nullopt, Args{}, {}, event.user_name,
                    event.outsiders};
        ctx.pins = pins_;
        Dispatch result;
        if (command_text) {
            if (command_text->size() > kMaxCommandBytes) {
                // Every adapter hands an oversized command through, so that its
                // author is told the limit here instead of hearing nothing.
                spdlog::warn("refused a command of {} bytes from {} in #{}: over the {}-byte limit for a command",
                             command_text->size(), event.user.value(), event.channel.value(), kMaxCommandBytes);
                result = {invalid(too_long_message(
                              "the command", command_text->size(), kMaxCommandBytes, "bytes",
                              "Each text in a command (a draft, update, note...) may be at most " +
                                  with_thousands(kMaxTextBytes) +
                                  " bytes: shorten it, split it into several commands, or link to a document for "
                                  "long material such as logs")),
                          std::nullopt};
            } else if (!is_valid_utf8(*command_text)) {
                result = {invalid("the command is not valid UTF-8; retype it as plain text"), std::nullopt};
            } else {
                const HoldBack hold_back = [&](const CommandSpec& command) -> std::optional<Outcome> {
                    if (command.name != "declare" || playbook_.is_admin(event.user)) return std::nullopt;
                    if (auto wait = declares_.wait_before(event.user, now))
                        return refused(declare_limit_message(declares_.limit(), *wait));
                    return std::nullopt;
                };
                result = run_command(ctx, *after_prefix, hold_back);
            }
        } else if (const auto* action = std::get_if<CardAction>(&event.what)) {
            result.outcome = decide_draft(ctx, action->draft, action->decision, action->reason, action->revision);
            if (ctx.incident) result.incident = ctx.incident->id;
        } else if (const auto* answer = std::get_if<EscalationAnswer>(&event.what)) {
            result.outcome = decide_escalation(ctx, answer->escalation, answer->allow, answer->comment);
            if (ctx.incident) result.incident = ctx.incident->id;
        } else {
            // The platform reports it; what follows is the bot's doing, recorded as such.
            ctx.caller = bot_user();
            ctx.caller_name = "warroom";
            result.outcome = follow_member_left(ctx, event.user, std::get<MembershipLeft>(event.what));
        }
        // The rule is Reply::may_show_in_channel's: the incident's own channel, or nowhere.
        const bool in_incident_channel = ctx.incident && ctx.incident->find_channel(event.channel) != nullptr;

        if (result.outcome.kind == OutcomeKind::done) {
            if (is_declare(result) && !playbook_.is_admin(event.user)) declares_.take(event.user, now);
            if (ctx.incident) confine_to_exercise(*ctx.incident, ctx.effects);
            enqueue_effects(*tx, ctx.effects, result.incident, now);
            Reply reply{Reply::Kind::ok, std::move(result.outcome.message), in_incident_channel};
            if (record_reply) record_reply(*tx, reply);
            tx->commit();
            return counted(subcommand, CommandOutcome::ok, std::move(reply));
        }

        // Nothing of a failed command survives; the event id and, for a
        // refusal, the attempt itself are recorded in a fresh transaction.
        tx.reset();
        if (result.outcome.kind == OutcomeKind::refused) {
            // Someone refused again and again would fill the channel and the
            // record: past the limit they are told once, then not answered.
            if (auto wait = refusals_.wait_before(event.user, now)) {
                if (!refusals_.first_refusal(event.user, now))
                    return counted(subcommand, CommandOutcome::ignored, {Reply::Kind::ignored, {}});
                spdlog::warn("{} had {} commands refused in a short time; their refusals go unanswered for {}",
                             event.user.value(), refusals_.limit().burst, format_duration(*wait));
                auto record = store_.begin();
                record->record_event(event.id, now);
                Reply reply{Reply::Kind::error, refusal_limit_message(refusals_.limit(), *wait), in_incident_channel};
                if (record_reply) record_reply(*record, reply);
                record->commit();
                return counted(subcommand, CommandOutcome::refused, std::move(reply));
            }
            refusals_.take(event.user, now);
        }
        auto record = store_.begin();
        record->record_event(event.id, now);
        if (result.outcome.kind == OutcomeKind::refused && result.incident) {
            std::string attempt = command_text ? truncate_utf8(trim(*command_text), 300) : std::string("a card button");
            record->append(TimelineEntry{0, *result.incident, now, event.user, EntryKind::refusal,
                                         "refused " + mention(event.user) + ": " + attempt + " — " +
                                             result.outcome.message});
            append_audit(*record, *result.incident, now, event.user, event.user_name, "command.refused",
                         {{"attempt", attempt}, {"reason", result.outcome.message}});
            spdlog::info("refused {} for {}: {}", to_string(*result.incident), event.user.value(),
                         result.outcome.message);
        }
        const CommandOutcome outcome = failure_outcome(result.outcome.kind);
        Reply reply{Reply::Kind::error, std::move(result.outcome.message), in_incident_channel};
        if (record_reply) record_reply(*record, reply);
        record->commit();
        return counted(subcommand, outcome, std::move(reply));
    } catch (const StorageUnavailable& error) {
        spdlog::error("the database cannot be reached; event {} is left to be delivered again: {}", event.id.value(),
                      error.what());
        return counted(subcommand, CommandOutcome::unavailable,
                       {Reply::Kind::unavailable, "warroom cannot reach its database just now; nothing changed"});
    } catch (const StorageError& error) {
        spdlog::error("storage error while handling event {}: {}", event.id.value(), error.what());
        return counted(subcommand, CommandOutcome::error,
                       {Reply::Kind::error,
                        "warroom could not save this (storage error), so nothing changed; try again in a moment"});
    }
}

std::size_t Engine::run_due_schedules() {
    std::size_t fired = 0;
    for (;;) {
        const Time now = clock_.now();
        std::optional<Schedule> due;
        try {
            auto tx = store_.begin();
            auto rows = tx->due_schedules(now, 1);
            if (rows.empty()) return fired;
            due = rows.front();
            fire(*tx, *due, now);
            tx->commit();
            metrics::schedule_fired(now - due->due_at);
            ++fired;
        } catch (const StorageError& error) {
            spdlog::error("storage error while running schedules: {}", error.what());
            return fired;   // the schedule is still pending; the next call retries it
        } catch (const std::exception& error) {
            // A schedule that cannot fire must not block every later one:
            // it is cancelled, and the reason logged for the admin.
            spdlog::error("schedule {} ({} for {}) failed and is cancelled: {}", due->id.value(),
                          to_string(due->kind), to_string(due->incident), error.what());
            auto tx = store_.begin();
            due->state = ScheduleState::cancelled;
            due->done_at = now;
            tx->save(*due);
            tx->commit();
        }
    }
}

std::optional<Time> Engine::next_due_time() {
    auto tx = store_.begin();
    return tx->next_due_time();   // read only: rolled back on scope exit
}

void Engine::fire(Transaction& tx, Schedule schedule, Time now) {
    std::optional<Incident> incident = tx.incident(schedule.incident);
    schedule.done_at = now;
    // An incident that is over keeps no rhythm: what is still scheduled for it
    // is cancelled, not fired.
    if (!incident || !incident->is_open()) {
        schedule.state = ScheduleState::cancelled;
        tx.save(schedule);
        return;
    }
    Context ctx{playbook_, tx, now, bot_user(), incident->main_channel().name, std::move(incident), Args{}, {},
                "warroom"};
    ctx.pins = pins_;
    schedule.state = ScheduleState::fired;
    tx.save(schedule);
    fire_schedule(ctx, schedule);
    // A recurring schedule books its next occurrence, unless the handler
    // found the incident over.
    if (schedule.recurs() && ctx.incident->is_open()) {
        Schedule next = schedule;
        next.id = ScheduleId{};
        next.state = ScheduleState::pending;
        next.done_at.reset();
        next.due_at = next_occurrence(schedule, now);
        tx.add(next);
    }
    confine_to_exercise(*ctx.incident, ctx.effects);
    enqueue_effects(tx, ctx.effects, ctx.incident->id, now);
}

}  // namespace warroom

namespace warroom {

bool Engine::settle_failed_delivery(const OutboxJob& job, const Delivery& delivery, Time first_failed_at) {
    if (!is_outside(job.effect)) return false;
    const Time now = clock_.now();
    if (!delivery.refused && now - first_failed_at < playbook_.timing.delivery_retry_for) return false;
    const auto incident_id = incident_of(job.effect);
    auto tx = store_.begin();
    // Another replica may have settled it meanwhile: only a pending job is given up.
    const auto pending = tx->pending_jobs(job.lane, 1);
    if (pending.empty() || pending.front().id != job.id) return false;
    tx->complete_job(job.id, now);
    std::optional<Incident> incident = incident_id ? tx->incident(*incident_id) : std::nullopt;
    if (incident) {
        Context ctx{playbook_, *tx, now, bot_user(), incident->main_channel().name, std::move(incident), Args{}, {},
                    "warroom"};
        ctx.pins = pins_;
        give_up_delivery(ctx, job.effect, delivery.problem);
        enqueue_effects(*tx, ctx.effects, ctx.incident->id, now);
    }
    tx->commit();
    spdlog::warn("outbox job {} given up: {}", job.id.value(), delivery.problem);
    return true;
}

}  // namespace warroom
