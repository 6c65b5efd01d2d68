#pragma once
// The fault switches that act on how an answer is delivered rather than on
// what it says, shared by both simulators: an answer held for a while before
// it is written (a slow server), and an answer cut short, its head and part
// of its body written and the connection closed (a proxy that died mid-reply).
// The request itself has run either way: the client cannot tell whether it did.
// The bookkeeping only; https_connection holds and cuts the answers.
#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace warroom::sim_common {

// What to do to one answer.
struct DeliveryFault {
    std::chrono::milliseconds delay{0};    // held this long before it is written
    bool cut_short = false;                // written in part, then the connection closed
};

// By key (a Web API method, an endpoint name): how many of the next answers are held, and how many cut.
// Not thread-safe: it lives in a simulator's guarded state.
class DeliveryFaultSwitches {
public:
    void slow(const std::string& key, int calls, std::chrono::milliseconds delay);
    void cut_short(const std::string& key, int calls);
    // The faults for the next answer under `key`, each switch used up by one; counted as delivered.
    DeliveryFault take(const std::string& key);

    std::size_t answers_held() const { return answers_held_; }
    std::size_t answers_cut() const { return answers_cut_; }

private:
    struct Slow {
        int calls_left = 0;
        std::chrono::milliseconds delay{0};
    };
    std::map<std::string, Slow> slow_;
    std::map<std::string, int> cut_;       // calls left
    std::size_t answers_held_ = 0;
    std::size_t answers_cut_ = 0;
};

}  // namespace warroom::sim_common
