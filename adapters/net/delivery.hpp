#pragma once
// What the platform performers share: the result of one attempt at an
// outbox job (bot/outbox.hpp), the exception that ends an attempt early, and
// the suffixed names tried when a channel name is taken on the platform.
#include <cstddef>
#include <stdexcept>
#include <string>

#include "bot/outbox.hpp"

namespace warroom::net {

using warroom::Delivery;   // bot/outbox.hpp: every performer reports an attempt so, the console too

// Thrown inside a performer to end the attempt as not done; perform() turns it into a Delivery.
class NotDone : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "inc-1-legal-2": the n-th choice for a name someone else holds, still at
// most max_length bytes: the name is cut to make room for the suffix, and a
// dash the cut leaves at its end is dropped, so the suffix never doubles it
// ("inc-1-a--2"). A suffix longer than max_length is cut too.
inline std::string suffixed_name(const std::string& name, int n, std::size_t max_length) {
    const std::string suffix = "-" + std::to_string(n);
    if (suffix.size() >= max_length) return suffix.substr(suffix.size() - max_length);
    std::string head = name.substr(0, max_length - suffix.size());
    while (!head.empty() && head.back() == '-') head.pop_back();
    return head + suffix;
}

}  // namespace warroom::net
