#pragma once
// A simulator's state behind one mutex, shared by the tests' threads (the
// public API) and the simulator's I/O thread. Every change bumps a version and
// wakes wait_for, so a test waits for a condition on what the simulator did
// instead of sleeping and hoping.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <type_traits>
#include <utility>

namespace warroom::sim_common {

template <class State>
class GuardedState {
public:
    template <class... Args>
    explicit GuardedState(Args&&... args) : state_(std::forward<Args>(args)...) {}
    GuardedState(const GuardedState&) = delete;
    GuardedState& operator=(const GuardedState&) = delete;

    // Runs `change` on the state under the mutex, then wakes wait_for; returns what `change` returns.
    template <class Change>
    auto update(Change&& change) {
        std::unique_lock lock(mutex_);
        if constexpr (std::is_void_v<std::invoke_result_t<Change, State&>>) {
            change(state_);
            announce_change(lock);
        } else {
            auto result = change(state_);
            announce_change(lock);
            return result;
        }
    }

    template <class Query>
    auto read(Query&& query) const {
        std::lock_guard lock(mutex_);
        return query(std::as_const(state_));
    }

    // Waits until `condition` holds (checked whenever the state changes, and at least every 50 ms)
    // or the deadline passes; returns whether it held.
    bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const {
        constexpr std::chrono::milliseconds kRecheck{50};
        auto give_up_at = std::chrono::steady_clock::now() + deadline;
        for (;;) {
            std::uint64_t seen = version();
            // Evaluated without the mutex: the condition calls the simulator's public getters, which take it.
            if (condition()) return true;
            auto now = std::chrono::steady_clock::now();
            if (now >= give_up_at) return false;
            std::unique_lock lock(mutex_);
            changed_.wait_until(lock, std::min(give_up_at, now + kRecheck), [&] { return version_ != seen; });
        }
    }

private:
    std::uint64_t version() const {
        std::lock_guard lock(mutex_);
        return version_;
    }

    void announce_change(std::unique_lock<std::mutex>& lock) {
        ++version_;
        lock.unlock();
        changed_.notify_all();
    }

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::uint64_t version_ = 0;        // bumped on every change, so wait_for sees each one
    State state_;
};

}  // namespace warroom::sim_common
