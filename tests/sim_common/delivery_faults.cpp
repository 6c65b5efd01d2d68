#include "sim_common/delivery_faults.hpp"

namespace warroom::sim_common {

void DeliveryFaultSwitches::slow(const std::string& key, int calls, std::chrono::milliseconds delay) {
    slow_[key] = Slow{calls, delay};
}

void DeliveryFaultSwitches::cut_short(const std::string& key, int calls) {
    cut_[key] = calls;
}

DeliveryFault DeliveryFaultSwitches::take(const std::string& key) {
    DeliveryFault fault;
    if (auto found = slow_.find(key); found != slow_.end() && found->second.calls_left > 0) {
        --found->second.calls_left;
        fault.delay = found->second.delay;
        ++answers_held_;
    }
    if (auto found = cut_.find(key); found != cut_.end() && found->second > 0) {
        --found->second;
        fault.cut_short = true;
        ++answers_cut_;
    }
    return fault;
}

}  // namespace warroom::sim_common
