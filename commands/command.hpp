#pragma once
// What every /incident subcommand sees and returns. A command is a plain
// function: it reads and changes state through the transaction, collects the
// effects it wants performed, and answers its caller. The engine commits the
// transaction only for a command that succeeded.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "bot/clock.hpp"
#include "bot/effect.hpp"
#include "bot/channel_pin.hpp"
#include "bot/incident.hpp"
#include "bot/playbook.hpp"
#include "bot/timeline.hpp"
#include "commands/args.hpp"
#include "bot/store.hpp"

namespace warroom {

enum class OutcomeKind {
    done,       // state changed (or was read); committed
    refused,    // the caller may not do this; nothing changes, the refusal is recorded
    invalid,    // the input is wrong; nothing changes
};

struct Outcome {
    OutcomeKind kind = OutcomeKind::done;
    std::string message;               // what the caller reads
};

inline Outcome done(std::string message) { return {OutcomeKind::done, std::move(message)}; }
inline Outcome refused(std::string message) { return {OutcomeKind::refused, std::move(message)}; }
inline Outcome invalid(std::string message) { return {OutcomeKind::invalid, std::move(message)}; }

struct Context {
    const Playbook& playbook;
    Transaction& tx;
    Time now;
    UserId caller;
    ChannelName channel;               // where the command was typed
    std::optional<Incident> incident;  // the incident the command is about, if any
    Args args;                         // the words after the subcommand
    std::vector<Effect> effects;       // performed after commit, in order
    std::string caller_name;           // as the platform shows the caller; empty: their id
    std::vector<UserId> outsiders{};   // as the adapter found them (Event::outsiders)
    ChannelPins pins{};                // how the platform in use names audience channels

    // Why the audience's channel cannot be published to on this platform
    // (bot/channel_pin.hpp); empty when it can, and always in an exercise,
    // whose messages never leave its own channels.
    std::string unpinned(const Audience& audience) const;

    Incident& the_incident() { return *incident; }
    void post(const ChannelName& to, std::string text) { effects.push_back(post_to(to, std::move(text))); }
    void post_pinned(const ChannelName& to, std::string text) {
        PostMessage message = post_to(to, std::move(text));
        message.pin = true;
        effects.push_back(std::move(message));
    }
    void tell(const UserId& to, std::string text) {
        if (to != bot_user()) effects.push_back(direct_to(to, std::move(text)));   // the bot never writes to itself
    }
    void record(EntryKind kind, std::string text);   // on the incident's timeline, as the caller
    // An entry in the incident's audit record (bot/audit.hpp), as the caller.
    void audit(std::string_view kind, const nlohmann::json& facts);
};

// Posts the head of the incident's audit record in its main channel and notes
// it on the timeline (bot/audit_anchor.hpp): when it is resolved, after the
// command's own audit entry, which the head then covers.
void anchor_audit_record(Context& ctx);

// Whether a command works on an incident, and how it finds it.
enum class IncidentScope {
    none,       // declare, list, help, and the draft commands (the draft names its incident)
    required,   // implied by the channel, or named: "/incident INC-7 update ..."
    optional,   // like required when there is one; typed elsewhere, there is none (exercise)
};

using CommandHandler = Outcome (*)(Context&);

struct CommandSpec {
    std::string_view name;
    std::string_view usage;            // "draft AUDIENCE TEXT"
    std::string_view summary;          // one line for `help`
    std::string_view details;          // more for `help COMMAND`; may be empty
    IncidentScope scope;
    CommandHandler run;
};

// Every subcommand, in the order `help` lists them.
const std::vector<const CommandSpec*>& all_commands();
const CommandSpec* find_command(std::string_view name);
// "Usage: /incident draft AUDIENCE TEXT"
std::string usage_of(const CommandSpec& command);

}  // namespace warroom
