#pragma once
// The engine: turns a platform-neutral event into a command call, commits its
// result with its effects in one transaction, and answers the caller. It is
// synchronous and knows no platform.
#include <optional>
#include <string>

#include "bot/clock.hpp"
#include "bot/event.hpp"
#include "bot/playbook.hpp"
#include "storage/store.hpp"

namespace warroom {

struct Reply {
    enum class Kind {
        ok,         // the command succeeded
        error,      // refused or invalid: nothing changed
        ignored,    // not a command (ordinary chat), or an event seen before
    };
    Kind kind = Kind::ignored;
    std::string text;                  // for the caller only
};

class Engine {
public:
    Engine(Store& store, const Playbook& playbook, const Clock& clock)
        : store_(store), playbook_(playbook), clock_(clock) {}

    Reply handle(const Event& event);

    // Fires every schedule due by the clock's now, oldest first, each in its
    // own transaction with its effects; returns how many fired.
    std::size_t run_due_schedules();
    // When the next pending schedule is due, if any: adapters wait until then.
    std::optional<Time> next_due_time();

    const Playbook& playbook() const { return playbook_; }

private:
    void fire(Transaction& tx, Schedule schedule, Time now);

    Store& store_;
    const Playbook& playbook_;
    const Clock& clock_;
};

// True if the text is addressed to warroom: "/incident", "/inc", "!incident", "!inc".
bool is_incident_command(std::string_view text);

}  // namespace warroom
