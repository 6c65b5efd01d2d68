// The growing, jittered pause between retries (bot/backoff.hpp).
#include <catch2/catch.hpp>

#include <chrono>
#include <limits>
#include <vector>

#include "bot/backoff.hpp"

using warroom::Backoff;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

// A random source that always says the same share.
Backoff::Random always(double share) {
    return [share] { return share; };
}

std::vector<milliseconds> pauses(Backoff& backoff, int count) {
    std::vector<milliseconds> out;
    for (int i = 0; i < count; ++i) out.push_back(backoff.next());
    return out;
}

}  // namespace

TEST_CASE("without jitter the pause doubles from first up to max", "[backoff]") {
    Backoff backoff(500ms, 5000ms, 0.0);
    CHECK(backoff.current() == 500ms);
    CHECK(pauses(backoff, 7) == std::vector<milliseconds>{500ms, 1000ms, 2000ms, 4000ms, 5000ms, 5000ms, 5000ms});
    CHECK(backoff.current() == 5000ms);
}

TEST_CASE("jitter takes at most its share off each pause, never adds to it", "[backoff]") {
    SECTION("the largest share gives the shortest pause") {
        Backoff backoff(1000ms, 8000ms, 0.5, always(0.999999));
        for (milliseconds base : {1000ms, 2000ms, 4000ms, 8000ms, 8000ms}) {
            const milliseconds pause = backoff.next();
            CHECK(pause >= base / 2);
            CHECK(pause <= base / 2 + 1ms);
        }
    }
    SECTION("a share of zero gives the whole base") {
        Backoff backoff(1000ms, 8000ms, 0.5, always(0.0));
        CHECK(pauses(backoff, 5) == std::vector<milliseconds>{1000ms, 2000ms, 4000ms, 8000ms, 8000ms});
    }
    SECTION("a seeded generator stays within [base/2, base], and under max") {
        Backoff backoff(500ms, 3000ms, 0.5, std::uint64_t{42});
        milliseconds base = 500ms;
        for (int i = 0; i < 1000; ++i) {
            const milliseconds pause = backoff.next();
            INFO("attempt " << i << ": " << pause.count() << " ms of " << base.count());
            CHECK(pause >= base / 2);
            CHECK(pause <= base);
            CHECK(pause <= 3000ms);
            base = std::min(base * 2, 3000ms);
            if (i % 10 == 9) {
                backoff.reset();
                base = 500ms;
            }
        }
    }
    SECTION("a whole jitter still waits at least a millisecond") {
        Backoff backoff(10ms, 100ms, 1.0, always(0.999999999));
        for (milliseconds pause : pauses(backoff, 6)) CHECK(pause >= 1ms);
    }
    SECTION("a random source out of range or a jitter out of [0, 1] is kept in bounds") {
        Backoff high(1000ms, 1000ms, 7.0, always(3.0));
        CHECK(high.next() == 1ms);
        Backoff negative(1000ms, 1000ms, -1.0, always(0.9));
        CHECK(negative.next() == 1000ms);
        Backoff below(1000ms, 1000ms, 0.5, always(-2.0));
        CHECK(below.next() == 1000ms);
    }
}

TEST_CASE("the pauses vary, by seed, and the same seed repeats them", "[backoff]") {
    Backoff one(1000ms, 60000ms, 0.5, std::uint64_t{1});
    Backoff two(1000ms, 60000ms, 0.5, std::uint64_t{2});
    Backoff again(1000ms, 60000ms, 0.5, std::uint64_t{1});
    const auto first = pauses(one, 8);
    CHECK(first != pauses(two, 8));
    CHECK(first == pauses(again, 8));
    // Two replicas seeded from std::random_device do not retry in step either.
    Backoff a(60000ms, 60000ms);
    Backoff b(60000ms, 60000ms);
    CHECK(pauses(a, 8) != pauses(b, 8));
}

TEST_CASE("reset starts again from first", "[backoff]") {
    Backoff backoff(100ms, 1000ms, 0.0);
    pauses(backoff, 5);
    CHECK(backoff.current() == 1000ms);
    backoff.reset();
    CHECK(backoff.current() == 100ms);
    CHECK(backoff.next() == 100ms);
    CHECK(backoff.next() == 200ms);
}

TEST_CASE("a server's Retry-After is the least pause, even above max", "[backoff]") {
    Backoff backoff(500ms, 2000ms, 0.5, always(0.5));
    CHECK(backoff.next(std::nullopt) == 375ms);
    CHECK(backoff.next(30000ms) == 30000ms);   // longer than max: the server said so
    CHECK(backoff.next(100ms) == 1500ms);      // shorter than the pause: the pause
    // Retry-After does not move the doubling.
    CHECK(backoff.current() == 2000ms);
}

TEST_CASE("a max below first caps first too, so tests that lower the max stay fast", "[backoff]") {
    Backoff backoff(500ms, 100ms, 0.0);
    CHECK(backoff.first() == 100ms);
    CHECK(pauses(backoff, 3) == std::vector<milliseconds>{100ms, 100ms, 100ms});
    Backoff zero(500ms, 0ms, 0.5);
    CHECK(zero.next() == 0ms);
}

TEST_CASE("huge values neither overflow nor exceed max", "[backoff]") {
    const milliseconds huge = milliseconds::max();
    Backoff backoff(huge / 3, huge, 0.5, std::uint64_t{7});
    for (int i = 0; i < 10; ++i) {
        const milliseconds pause = backoff.next();
        CHECK(pause > 0ms);
        CHECK(pause <= huge);
    }
    CHECK(backoff.current() == huge);
    Backoff whole(huge, huge, 1.0, always(0.999999));
    CHECK(whole.next() >= 1ms);
    Backoff none(huge, huge, 0.0);
    CHECK(none.next() == huge);
    Backoff doubling(1ms, huge, 0.0);
    for (int i = 0; i < 80; ++i) CHECK(doubling.next() > 0ms);
    CHECK(doubling.current() == huge);
}
