#pragma once
// The engine: turns a platform-neutral event into a command call, commits its
// result with its effects in one transaction, and answers the caller. It is
// synchronous and knows no platform.
#include <functional>
#include <optional>
#include <string>

#include "bot/channel_pin.hpp"
#include "bot/clock.hpp"
#include "bot/event.hpp"
#include "bot/playbook.hpp"
#include "bot/outbox.hpp"
#include "bot/store.hpp"

namespace warroom {

struct Reply {
    enum class Kind {
        ok,         // the command succeeded
        error,      // refused or invalid: nothing changed
        ignored,    // not a command (ordinary chat), or an event seen before
        // The database could not be reached: nothing was recorded, not even
        // the event's id. The adapter gets the event delivered again (Slack:
        // no ack; Matrix: the same sync position) instead of answering.
        unavailable,
    };
    Kind kind = Kind::ignored;
    std::string text;                  // for the caller only
    // Whether others may see the answer where the command was typed (answers
    // meant for the caller never appear to others). True only when the
    // answer is about an incident and was typed in one of that incident's own
    // channels, whose members may read that incident anyway. Everything else
    // (list, help, a mistyped command, anything about INC-N typed in another
    // incident's channel or a public room) is for the caller's eyes: Slack
    // answers every command ephemerally anyway; Matrix, where an answer is a
    // message, sends these to the caller's direct room.
    bool may_show_in_channel = false;
};

// Lets an adapter keep the answer to a command in the same transaction as
// the command's effects (Matrix sends answers as messages, which must
// survive a crash between the commit and the send).
using ReplyRecorder = std::function<void(Transaction& tx, const Reply& reply)>;

class Engine final : public DeliveryFailures {
public:
    Engine(Store& store, const Playbook& playbook, const Clock& clock)
        : store_(store), playbook_(playbook), clock_(clock), declares_(playbook.limits.declare),
          refusals_(playbook.limits.refused) {}

    // `record_reply`, when set, is called before the commit of a command that
    // succeeded or was refused (not for ignored events or storage errors).
    Reply handle(const Event& event, const ReplyRecorder& record_reply = {});

    // Fires every schedule due by the clock's now, oldest first, each in its
    // own transaction with its effects; returns how many fired.
    std::size_t run_due_schedules();
    // When the next pending schedule is due, if any: adapters wait until then.
    std::optional<Time> next_due_time();

    const Playbook& playbook() const { return playbook_; }

    // An outside delivery failed (bot/outbox.hpp DeliveryFailures): given up
    // when refused, or when failing since longer than the playbook's
    // delivery_retry_for; then, in one transaction, the job is done, the draft
    // says why, and the incident's channel and its Crisis Lead are told.
    bool settle_failed_delivery(const OutboxJob& job, const Delivery& delivery, Time first_failed_at) override;

    // How the platform in use names the audience channels it publishes to:
    // set by the adapter, before any event (the console's names by default).
    void use_channel_pins(ChannelPins pins) { pins_ = std::move(pins); }

private:
    void fire(Transaction& tx, Schedule schedule, Time now);

    Store& store_;
    const Playbook& playbook_;
    const Clock& clock_;
    UserLimiter declares_;    // per user: incidents declared
    UserLimiter refusals_;    // per user: commands refused
    ChannelPins pins_;
};

// True if the text is addressed to warroom: "/incident", "/inc", "!incident", "!inc".
bool is_incident_command(std::string_view text);

}  // namespace warroom
