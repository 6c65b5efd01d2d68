// No one person floods the bot. A per-user token bucket holds
// back declarations and answers to refused commands (Playbook::limits).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "bot/playbook.hpp"
#include "bot/user_limiter.hpp"
#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;
using namespace std::chrono_literals;
using Catch::Contains;

namespace {

const Time kStart = from_unix_ms(1'795'000'000'000);

std::size_t lines_containing(const std::string& transcript, const std::string& needle) {
    const auto lines = lines_of(transcript);
    return static_cast<std::size_t>(std::count_if(
        lines.begin(), lines.end(), [&](const std::string& line) { return line.find(needle) != std::string::npos; }));
}

std::string repeated(const std::string& line, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += line;
    return out;
}

}  // namespace

TEST_CASE("one person declares at most the playbook's burst at once, then one more per refill", "[limits][console]") {
    TempDatabase db;
    SimulatedConsole console(db.path, kStart);
    std::string script;
    for (int i = 1; i <= 6; ++i) script += "bob: /incident declare sev4 Flood " + std::to_string(i) + "\n";
    console.script(script);
    std::string out = console.out.str();
    INFO(out);
    CHECK(lines_containing(out, "<warroom> Declared INC-") == 5);
    CHECK(lines_containing(out, "@bob <warroom> error: you have declared 5 incidents in a short time") == 1);
    CHECK_THAT(out, Contains("then one more every 10m 00s); try again in 10m 00s"));
    CHECK_FALSE(console.store->begin()->incident(IncidentId{6}).has_value());

    // Ten minutes on, one more.
    console.out.str("");
    console.script(":advance 10m\nbob: /incident declare sev4 Flood 7\nbob: /incident declare sev4 Flood 8\n");
    out = console.out.str();
    CHECK(lines_containing(out, "<warroom> Declared INC-6") == 1);
    CHECK(lines_containing(out, "@bob <warroom> error: you have declared 5 incidents") == 1);

    // An admin is not held back, and others keep their own room.
    console.out.str("");
    console.script(repeated("alice: /incident declare sev4 Admin wave\n", 7) + "dave: /incident declare sev4 Other\n");
    out = console.out.str();
    CHECK(lines_containing(out, "@alice <warroom> Declared INC-") == 7);
    CHECK(lines_containing(out, "@dave <warroom> Declared INC-") == 1);
}

TEST_CASE("refused commands past the limit are answered once, then neither answered nor recorded",
          "[limits][console]") {
    TempDatabase db;
    SimulatedConsole console(db.path, kStart);
    console.script("alice: /incident declare sev2 Outage\n"
                   "#inc-1-outage alice: /incident draft employees We are looking into it\n");
    const auto refused_entries = [&] {
        std::size_t count = 0;
        for (const AuditEntry& entry : console.store->begin()->audit_entries(IncidentId{1}))
            count += entry.kind == "command.refused";
        return count;
    };
    console.out.str("");
    // bob is not the Crisis Lead: each approval is refused.
    console.script(repeated("bob: /incident approve D-1\n", 25));
    std::string out = console.out.str();
    INFO(out);
    CHECK(lines_containing(out, "@bob <warroom> error:") == 11);
    CHECK(lines_containing(out, "@bob <warroom> error: warroom refused 10 of your commands in a short time; for "
                                "the next") == 1);
    CHECK(refused_entries() == 10);

    // What bob may do still works while his refusals go unanswered.
    console.out.str("");
    console.script("bob: /incident list\nbob: /incident approve D-1\n");
    out = console.out.str();
    CHECK(lines_containing(out, "@bob <warroom> error:") == 0);
    CHECK(lines_containing(out, "@bob <warroom>") >= 1);

    // A minute later there is room for one more refusal, answered and recorded.
    console.out.str("");
    console.script(":advance 1m\nbob: /incident approve D-1\n");
    out = console.out.str();
    CHECK(lines_containing(out, "@bob <warroom> error:") == 1);
    CHECK(lines_containing(out, "refused 10 of your commands") == 0);
    CHECK(refused_entries() == 11);
    // Nothing was approved by any of it.
    CHECK(console.store->begin()->draft(DraftId{1})->state == DraftState::pending);
}

TEST_CASE("UserLimiter: burst at once, one per refill, forgets nobody too early", "[limits]") {
    UserLimiter limiter({3, 1min});
    const UserId bob{"bob"}, carol{"carol"};
    Time now = kStart;
    for (int i = 0; i < 3; ++i) {
        REQUIRE_FALSE(limiter.wait_before(bob, now));
        limiter.take(bob, now);
    }
    REQUIRE(limiter.wait_before(bob, now) == Duration(1min));
    CHECK_FALSE(limiter.wait_before(carol, now));
    CHECK(limiter.first_refusal(bob, now));
    CHECK_FALSE(limiter.first_refusal(bob, now));
    now += 30s;
    CHECK(limiter.wait_before(bob, now) == Duration(30s));
    now += 30s;
    CHECK_FALSE(limiter.wait_before(bob, now));
    limiter.take(bob, now);
    CHECK(limiter.wait_before(bob, now) == Duration(1min));
    // Told again after having had room once more.
    CHECK(limiter.first_refusal(bob, now));
    // Many other users do not make bob's state go (the sweep drops only full buckets).
    for (int i = 0; i < 1000; ++i) limiter.take(UserId{"u" + std::to_string(i)}, now);
    CHECK(limiter.wait_before(bob, now) == Duration(1min));
    // Three minutes on, bob's bucket is full again: three at once.
    now += 3min;
    for (int i = 0; i < 3; ++i) {
        CHECK_FALSE(limiter.wait_before(bob, now));
        limiter.take(bob, now);
    }
    CHECK(limiter.wait_before(bob, now));
}

TEST_CASE("the playbook sets the limits, and check-playbook names a bad one", "[limits][playbook]") {
    Playbook playbook = bundled_playbook();
    CHECK(playbook.limits.declare.burst == 5);
    CHECK(playbook.limits.refused.refill == Duration(1min));
    auto json = nlohmann::ordered_json::parse(bundled_playbook_json());
    json["limits"] = {{"declare", {{"burst", 2}, {"refill", "1h"}}}, {"refused", {{"burst", 0}, {"every", "1m"}}}};
    PlaybookLoad loaded = parse_playbook(json.dump());
    CHECK_FALSE(loaded.playbook);
    std::string all;
    for (const auto& problem : loaded.problems) all += problem.path + ": " + problem.message + "\n";
    CHECK_THAT(all, Contains("/limits/refused/burst: must be a whole number from 1 to 1000"));
    CHECK_THAT(all, Contains("/limits/refused/every"));
    json["limits"]["refused"] = {{"burst", 20}, {"refill", "30s"}};
    loaded = parse_playbook(json.dump());
    REQUIRE(loaded.playbook);
    const Playbook& limited = *loaded.playbook;
    CHECK(limited.limits.declare.burst == 2);
    CHECK(limited.limits.declare.refill == Duration(1h));
    CHECK(limited.limits.refused.burst == 20);
}
