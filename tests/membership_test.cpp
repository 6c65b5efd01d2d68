// Membership follows the platform (issue 16 parts 4 and 5):
// someone who leaves an incident's channel, or is removed from it, is no
// longer a member of it and loses what membership gave, wherever they type;
// the Crisis Lead is invited back instead, told so in the channel, and it is
// recorded. Through the engine and the console; the Slack and Matrix bots do
// the same over the wire (slack_bot_test.cpp, matrix_bot_test.cpp).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "console_support.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

namespace warroom::test {
namespace {

using Catch::Contains;
using nlohmann::json;

const std::string kMain = "inc-1-lost-laptop";
const std::string kEngineering = "inc-1-engineering";
const std::string kInvitedBack =
    "@alice is the Crisis Lead and was invited back; hand over with /incident lead @user first to leave";

// alice leads INC-1; bob leads its engineering workstream (so he is in both channels).
void open_incident(Harness& h) {
    ok(h, "alice", "general", "/incident declare sev3 Lost laptop");
    ok(h, "alice", kMain, "/incident workstream engineering @bob");
    h.drain();
}

Event left(const std::string& id, const std::string& user, const std::string& channel,
           std::optional<std::string> removed_by = std::nullopt) {
    MembershipLeft what;
    if (removed_by) what.removed_by = UserId{*removed_by};
    return Event{EventId{id}, UserId{user}, ChannelName{channel}, what};
}

bool is_member_of(Harness& h, const std::string& channel, const std::string& user) {
    const auto incident = h.incident(1);
    REQUIRE(incident);
    const Channel* found = incident->find_channel(ChannelName{channel});
    REQUIRE(found);
    return found->members.count(UserId{user}) == 1;
}

std::vector<AuditEntry> audit_of(Harness& h) {
    auto tx = h.store->begin();
    return tx->audit_entries(IncidentId{1});
}

std::size_t invitations_of(const std::vector<Effect>& effects, const std::string& user) {
    std::size_t n = 0;
    for (const Effect& effect : effects)
        if (const auto* invite = std::get_if<InviteUsers>(&effect))
            for (const UserId& invited : invite->users) n += invited == UserId{user};
    return n;
}

std::vector<std::string> posts_in(const std::vector<Effect>& effects, const std::string& channel) {
    std::vector<std::string> texts;
    for (const Effect& effect : effects)
        if (const auto* post = std::get_if<PostMessage>(&effect); post && post->channel == ChannelName{channel})
            texts.push_back(post->text);
    return texts;
}

}  // namespace

TEST_CASE("the Crisis Lead who leaves an incident channel is invited back, told so there, and it is recorded",
          "[membership]") {
    Harness h;
    open_incident(h);
    const std::size_t audit_before = audit_of(h).size();

    const Reply reply = h.send(left("left-1", "alice", kEngineering));
    CHECK(reply.kind == Reply::Kind::ok);
    CHECK(reply.text.empty());   // nobody to answer: the channel is told
    const auto performed = h.drain();
    CHECK(invitations_of(performed, "alice") == 1);
    CHECK(posts_in(performed, kEngineering) == std::vector<std::string>{kInvitedBack});
    CHECK(is_member_of(h, kEngineering, "alice"));

    const auto audit = audit_of(h);
    REQUIRE(audit.size() == audit_before + 1);
    CHECK(audit.back().kind == "lead.reinvited");
    CHECK(audit.back().actor == bot_user());
    CHECK(json::parse(audit.back().facts) ==
          json{{"channel", kEngineering}, {"lead", "alice"}, {"removed_by", nullptr}});
    const auto entries = h.timeline_of_kind(1, EntryKind::invite);
    REQUIRE_FALSE(entries.empty());
    CHECK(entries.back().actor == bot_user());
    CHECK_THAT(entries.back().text, Contains("@alice left #inc-1-engineering and was invited back"));

    SECTION("the same event redelivered (after a crash, before the platform saw it acknowledged) acts once") {
        CHECK(h.send(left("left-1", "alice", kEngineering)).kind == Reply::Kind::ignored);
        CHECK(h.drain().empty());
        CHECK(audit_of(h).size() == audit_before + 1);
    }
    SECTION("removed by someone else: the record names them") {
        CHECK(h.send(left("kicked-1", "alice", kMain, "bob")).kind == Reply::Kind::ok);
        CHECK(invitations_of(h.drain(), "alice") == 1);
        CHECK(json::parse(audit_of(h).back().facts) ==
              json{{"channel", kMain}, {"lead", "alice"}, {"removed_by", "bob"}});
        CHECK_THAT(h.timeline_of_kind(1, EntryKind::invite).back().text,
                   Contains("@alice was removed from #inc-1-lost-laptop by @bob and was invited back"));
    }
}

TEST_CASE("anyone else who leaves is only no longer a member, and loses member rights wherever they type",
          "[membership]") {
    Harness h;
    open_incident(h);
    REQUIRE(is_member_of(h, kEngineering, "bob"));
    ok(h, "bob", "general", "/incident INC-1 timeline");   // a member may, from anywhere

    CHECK(h.send(left("left-1", "bob", kEngineering)).kind == Reply::Kind::ok);
    CHECK(h.drain().empty());   // not invited back, nothing said
    CHECK_FALSE(is_member_of(h, kEngineering, "bob"));
    ok(h, "bob", "general", "/incident INC-1 timeline");   // still in the main channel

    CHECK(h.send(left("kicked-1", "bob", kMain, "alice")).kind == Reply::Kind::ok);
    CHECK(h.drain().empty());
    CHECK_FALSE(is_member_of(h, kMain, "bob"));
    const auto notes = h.timeline_of_kind(1, EntryKind::note);
    REQUIRE(notes.size() >= 2);
    CHECK(notes[notes.size() - 2].text == "@bob left #inc-1-engineering");
    CHECK(notes.back().text == "@bob was removed from #inc-1-lost-laptop by @alice");

    // Out of every channel, out of every right that membership gave.
    refused(h, 1, "bob", "general", "/incident INC-1 timeline", "not in any channel of INC-1");
    refused(h, 1, "bob", "general", "/incident INC-1 show", "not in any channel of INC-1");
    refused(h, 1, "bob", "general", "/incident INC-1 note Still here", "not in any channel of INC-1");
    refused(h, 1, "bob", "general", "/incident INC-1 update Still here", "not in any channel of INC-1");
    refused(h, 1, "bob", "", "/incident INC-1 draft exec Still here", "not in any channel of INC-1");

    // Leaving again, or a channel warroom never counted them in, records nothing more.
    const std::size_t entries = h.timeline_of_kind(1, EntryKind::note).size();
    CHECK(h.send(left("left-2", "bob", kEngineering)).kind == Reply::Kind::ok);
    CHECK(h.timeline_of_kind(1, EntryKind::note).size() == entries);
    // Invited again, a member again.
    ok(h, "alice", kMain, "/incident invite @bob");
    ok(h, "bob", "general", "/incident INC-1 timeline");
}

TEST_CASE("after a handover the former Crisis Lead leaves freely, and the new one is kept in", "[membership]") {
    Harness h;
    open_incident(h);
    ok(h, "alice", kMain, "/incident lead @bob");
    ok(h, "bob", kMain, "/incident lead accept");
    h.drain();

    CHECK(h.send(left("left-1", "alice", kEngineering)).kind == Reply::Kind::ok);
    CHECK(h.drain().empty());
    CHECK_FALSE(is_member_of(h, kEngineering, "alice"));

    CHECK(h.send(left("left-2", "bob", kEngineering)).kind == Reply::Kind::ok);
    const auto performed = h.drain();
    CHECK(invitations_of(performed, "bob") == 1);
    CHECK_THAT(posts_in(performed, kEngineering).at(0), Contains("@bob is the Crisis Lead and was invited back"));
    CHECK(audit_of(h).back().kind == "lead.reinvited");
}

TEST_CASE("leaving a channel of no incident, or a resolved incident's, invites nobody back", "[membership]") {
    Harness h;
    open_incident(h);
    CHECK(h.send(left("left-1", "alice", "general")).kind == Reply::Kind::ok);
    CHECK(h.drain().empty());
    ok(h, "alice", kMain, "/incident status resolved");
    h.drain();
    CHECK(h.send(left("left-2", "alice", kEngineering)).kind == Reply::Kind::ok);
    CHECK(invitations_of(h.drain(), "alice") == 0);
}

TEST_CASE("console: :leave makes the current user leave a channel, and the bot reacts as on a platform",
          "[membership][console]") {
    TempDatabase db;
    SimulatedConsole run(db.path, kTestStart);
    CHECK(run.script("alice: /incident declare sev3 Lost laptop\n"
                     "#inc-1-lost-laptop alice: /incident workstream engineering @bob\n"
                     ":user alice\n"
                     ":channel #inc-1-engineering\n"
                     ":leave\n"
                     ":user bob\n"
                     ":leave #inc-1-engineering\n"
                     ":leave #inc-1-lost-laptop\n"
                     "#general bob: /incident INC-1 timeline\n") == 0);
    const std::string transcript = run.out.str();
    INFO(transcript);
    const auto lines = lines_of(transcript);
    // The index of the first line equal to `line` after index `from`; lines.size() when there is none.
    const auto at = [&](const std::string& line, std::ptrdiff_t from = -1) {
        return std::find(lines.begin() + (from + 1), lines.end(), line) - lines.begin();
    };
    const auto alice_left = at("#inc-1-engineering * alice left the channel");
    const auto bob_left = at("#inc-1-engineering * bob left the channel");
    REQUIRE(alice_left < bob_left);
    REQUIRE(bob_left < static_cast<std::ptrdiff_t>(lines.size()));
    // alice is the Crisis Lead: the channel told, and she is invited back (before bob leaves).
    CHECK(at("#inc-1-engineering <warroom> " + kInvitedBack, alice_left) < bob_left);
    CHECK(at("#inc-1-engineering * warroom invited @alice", alice_left) < bob_left);
    // bob is not: nobody invites him back, and from a DM he no longer reads the timeline.
    for (auto n = bob_left; n < static_cast<std::ptrdiff_t>(lines.size()); ++n)
        CHECK_THAT(lines[n], !Contains("invited @bob"));
    CHECK_THAT(transcript, Contains("@bob <warroom> error: you are not in any channel of INC-1"));
    CHECK(run.err.str().empty());
}

TEST_CASE("console: :leave names a channel or means the current one", "[membership][console]") {
    TempDatabase db;
    SimulatedConsole run(db.path, kTestStart);
    CHECK(run.script(":leave #not a channel\n") == 1);
    CHECK_THAT(run.err.str(), Contains("say which channel to leave"));
    SimulatedConsole help(db.path, kTestStart);
    help.script(":help\n");
    CHECK_THAT(help.out.str(), Contains(":leave [#NAME]"));
}

}  // namespace warroom::test
