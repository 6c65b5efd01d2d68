#pragma once
// What every command test expects of a reply, as Catch2 checks: a success,
// a refusal (the reason, nothing changed, the attempt recorded), or invalid
// input (a message, nothing changed, nothing recorded).
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "test_support.hpp"

namespace warroom::test {

inline std::string kind_name(Reply::Kind kind) {
    switch (kind) {
        case Reply::Kind::ok: return "ok";
        case Reply::Kind::error: return "error";
        case Reply::Kind::ignored: return "ignored";
        case Reply::Kind::unavailable: return "unavailable";
    }
    return "?";
}

// Sends a command that must succeed.
inline Reply ok(Harness& h, const std::string& user, const std::string& channel, const std::string& text) {
    Reply reply = h.say(user, channel, text);
    INFO(user << " in #" << channel << ": " << text << "\n  -> " << kind_name(reply.kind) << ": " << reply.text);
    REQUIRE(reply.kind == Reply::Kind::ok);
    CHECK_FALSE(reply.text.empty());
    return reply;
}

inline std::size_t all_refusals(Harness& h) {
    std::size_t n = 0;
    for (const Incident& incident : h.incidents())
        n += h.timeline_of_kind(incident.id.value(), EntryKind::refusal).size();
    return n;
}

// Sends `send` (a command or a button), which must be refused: an error with
// the reason, no state change, and the attempt recorded on INC-`incident`.
inline Reply expect_refusal(Harness& h, std::int64_t incident, const std::string& user,
                            const std::function<Reply()>& send, const std::string& attempt,
                            const std::string& reason_fragment) {
    const std::string before = h.state_fingerprint();
    const std::size_t refusals = h.timeline_of_kind(incident, EntryKind::refusal).size();
    Reply reply = send();
    INFO(user << ": " << attempt << "\n  -> " << kind_name(reply.kind) << ": " << reply.text);
    CHECK(reply.kind == Reply::Kind::error);
    CHECK_THAT(reply.text, Catch::Contains(reason_fragment));
    CHECK(h.state_fingerprint() == before);
    const auto after = h.timeline_of_kind(incident, EntryKind::refusal);
    REQUIRE(after.size() == refusals + 1);
    CHECK(after.back().actor == UserId{user});
    CHECK_THAT(after.back().text, Catch::Contains(attempt));
    CHECK_THAT(after.back().text, Catch::Contains(reply.text));
    return reply;
}

// A command the caller may not give, typed in `channel`.
inline Reply refused(Harness& h, std::int64_t incident, const std::string& user, const std::string& channel,
                     const std::string& text, const std::string& reason_fragment) {
    return expect_refusal(h, incident, user, [&] { return h.say(user, channel, text); }, text, reason_fragment);
}

// Wrong input: an error that says what to do, nothing changed, nothing recorded.
inline Reply invalid(Harness& h, const std::string& user, const std::string& channel, const std::string& text,
                     const std::string& message_fragment) {
    const std::string before = h.state_fingerprint();
    const std::size_t refusals = all_refusals(h);
    Reply reply = h.say(user, channel, text);
    INFO(user << " in #" << channel << ": " << text.substr(0, 200) << "\n  -> " << kind_name(reply.kind) << ": "
              << reply.text);
    CHECK(reply.kind == Reply::Kind::error);
    CHECK_THAT(reply.text, Catch::Contains(message_fragment));
    CHECK(h.state_fingerprint() == before);
    CHECK(all_refusals(h) == refusals);
    return reply;
}

}  // namespace warroom::test
