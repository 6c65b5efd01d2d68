#include "bot/backoff.hpp"

#include <algorithm>
#include <memory>
#include <random>
#include <utility>

namespace warroom {
namespace {

using std::chrono::milliseconds;

Backoff::Random seeded(std::uint64_t seed) {
    // Shared so that copies of the std::function stay cheap; 53 random bits make
    // a double in [0, 1) the same way on every standard library.
    auto engine = std::make_shared<std::mt19937_64>(seed);
    return [engine] { return static_cast<double>((*engine)() >> 11) * 0x1.0p-53; };
}

std::uint64_t random_seed() {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

milliseconds not_negative(milliseconds value) { return std::max(value, milliseconds::zero()); }

}  // namespace

Backoff::Backoff(milliseconds first, milliseconds max, double jitter)
    : Backoff(first, max, jitter, seeded(random_seed())) {}

Backoff::Backoff(milliseconds first, milliseconds max, double jitter, std::uint64_t seed)
    : Backoff(first, max, jitter, seeded(seed)) {}

Backoff::Backoff(milliseconds first, milliseconds max, double jitter, Random random)
    : first_(std::min(not_negative(first), not_negative(max))),
      max_(not_negative(max)),
      // !(x >= 0) also catches NaN.
      jitter_(!(jitter >= 0.0) ? 0.0 : std::min(jitter, 1.0)),
      random_(random ? std::move(random) : seeded(random_seed())),
      base_(first_) {}

milliseconds Backoff::next() {
    const milliseconds base = base_;
    base_ = base_ >= max_ - base_ ? max_ : base_ * 2;   // no overflow, whatever max is

    const auto whole = base.count();
    if (whole == 0) return base;
    const double share = std::clamp(random_(), 0.0, 1.0);
    const double cut = jitter_ * share * static_cast<double>(whole);
    // Compared as doubles first: a double as large as a huge `whole` may not convert back.
    const auto off = cut >= static_cast<double>(whole) ? whole : static_cast<milliseconds::rep>(cut);
    // At least a millisecond: a zero pause would be a hot loop.
    return std::max(milliseconds(whole - off), milliseconds(1));
}

milliseconds Backoff::next(std::optional<milliseconds> at_least) {
    const milliseconds pause = next();
    return at_least ? std::max(pause, *at_least) : pause;
}

void Backoff::reset() { base_ = first_; }

}  // namespace warroom
