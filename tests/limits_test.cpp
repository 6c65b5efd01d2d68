// The limits of bot/limits.hpp, as a responder meets them: text too long,
// too many drafts waiting for the Crisis Lead, channel names at Slack's 80,
// oversized commands from Slack and Matrix. Each refusal says what was too
// big, the limit and what to do instead, and changes nothing.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

#include "adapters/matrix/matrix_events.hpp"
#include "adapters/net/delivery.hpp"
#include "adapters/slack/slack_events.hpp"
#include "bot/limits.hpp"
#include "bot/text.hpp"
#include "captured_log.hpp"
#include "commands/channels.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;
using Catch::StartsWith;

namespace {

const std::string kMain = "inc-1-payroll-phishing";
const std::string kExec = "exec-briefing";

void declare(Harness& h) {
    ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    h.drain();
}

std::string bytes(std::size_t n, char c = 'x') { return std::string(n, c); }

}  // namespace

// ---------------------------------------------------------------------------
// Text size

TEST_CASE("limits: sizes and limits are written as people read them", "[limits][text]") {
    CHECK(with_thousands(0) == "0");
    CHECK(with_thousands(999) == "999");
    CHECK(with_thousands(4000) == "4,000");
    CHECK(with_thousands(5210) == "5,210");
    CHECK(with_thousands(1234567) == "1,234,567");
    CHECK(check_user_text(bytes(5210), "the draft", kMaxTextBytes, "Shorten it or split it into two drafts") ==
          "the draft is 5,210 bytes; the limit is 4,000. Shorten it or split it into two drafts");
    CHECK(check_user_text(bytes(kMaxTextBytes), "the note").empty());
    // A huge paste is told its size even when it is also broken UTF-8.
    CHECK_THAT(check_user_text(bytes(5000) + "\xff", "the note"), Contains("5,001 bytes; the limit is 4,000"));
}

TEST_CASE("limits: a draft over 4,000 bytes is refused with its size, the limit and what to do, and nothing changes",
          "[limits][text][draft]") {
    Harness h;
    declare(h);
    const Reply reply = invalid(h, "lena", kMain, "/incident draft exec " + bytes(5210),
                                "the draft is 5,210 bytes; the limit is 4,000. Shorten it or split it into two drafts");
    CHECK(h.drafts(1).empty());
    CHECK(h.pending_jobs().empty());
    // Exactly at the limit is a draft.
    ok(h, "lena", kMain, "/incident draft exec " + bytes(kMaxTextBytes));
    CHECK(h.drafts(1).size() == 1);
}

TEST_CASE("limits: every command that takes free text refuses one byte over the limit, naming both sizes",
          "[limits][text]") {
    Harness h;
    declare(h);
    ok(h, "lena", kMain, "/incident draft exec We are investigating.");            // D-1
    ok(h, "alice", kMain, "/incident changes D-1 Say when payroll runs");          // D-1 needs changes
    ok(h, "alice", kMain, "/incident escalate Take payroll offline until Monday");  // E-1
    h.drain();
    const std::string over = bytes(kMaxTextBytes + 1);
    const std::string sizes = "is 4,001 bytes; the limit is 4,000.";
    struct Case {
        std::string user, channel, command, message;
    };
    const std::vector<Case> cases = {
        {"lena", kMain, "/incident draft exec " + over, "the draft " + sizes + " Shorten it or split it into two drafts"},
        {"lena", kMain, "/incident revise D-1 " + over, "the draft " + sizes},
        {"alice", kMain, "/incident update " + over, "the update " + sizes + " Shorten it or post it as two updates"},
        {"alice", kMain, "/incident note " + over, "the note " + sizes + " Shorten it, split it into two notes"},
        {"alice", kMain, "/incident decision " + over, "the decision " + sizes + " Record the decision itself"},
        {"alice", kMain, "/incident rootcause " + over, "the root cause " + sizes},
        {"alice", kMain, "/incident impact " + over, "the impact " + sizes},
        {"alice", kMain, "/incident action " + over + " @bob", "the action item " + sizes},
        {"alice", kMain, "/incident escalate " + over, "the request " + sizes},
        {"alice", kMain, "/incident reject D-1 " + over, "the reason " + sizes},
        {"erin", kExec, "/incident deny E-1 " + over, "the reason " + sizes},
        {"erin", kExec, "/incident allow E-1 " + over, "the comment " + sizes},
    };
    for (const Case& c : cases) {
        INFO(c.command.substr(0, 40));
        invalid(h, c.user, c.channel, c.command, c.message);
    }
    CHECK(h.draft(1)->state == DraftState::changes_requested);
    CHECK(h.pending_jobs().empty());
}

TEST_CASE("limits: a title has its own 200-byte limit, also for a title far over the text limit",
          "[limits][text][declare]") {
    Harness h;
    // Told the title's limit at once, not the text limit first and the title's after shortening.
    invalid(h, "alice", "general", "/incident declare sev1 " + bytes(5000),
            "the title is 5,000 bytes; the limit is 200. Keep it a headline and put the details in /incident note");
    invalid(h, "alice", "general", "/incident declare sev1 " + bytes(kMaxTitleBytes + 1),
            "the title is 201 bytes; the limit is 200.");
    CHECK(h.incidents().empty());
    CHECK(h.pending_jobs().empty());
    ok(h, "alice", "general", "/incident declare sev1 " + bytes(kMaxTitleBytes, 'a'));
}

TEST_CASE("limits: the summary's next steps have their own limit", "[limits][text][summary]") {
    Harness h;
    declare(h);
    invalid(h, "alice", kMain, "/incident summary " + bytes(801), "the next-steps text is 801 bytes; the limit is 800.");
    CHECK(h.drafts(1).empty());
}

// ---------------------------------------------------------------------------
// Pending drafts per incident

TEST_CASE("limits: the 50th waiting draft is accepted, the 51st refused, and one decision makes room",
          "[limits][drafts]") {
    Harness h;
    declare(h);
    for (std::size_t n = 1; n <= kMaxPendingDrafts; ++n)
        ok(h, "lena", kMain, "/incident draft exec Statement " + std::to_string(n));
    h.drain();
    CHECK(h.drafts(1).size() == kMaxPendingDrafts);

    const std::string full =
        "INC-1 already has 50 drafts waiting for the Crisis Lead (@alice), the limit for one incident; approve, "
        "reject or withdraw some first (/incident show lists them)";
    invalid(h, "lena", kMain, "/incident draft exec Statement 51", full);
    // summary makes a draft too.
    invalid(h, "alice", kMain, "/incident summary", full);
    CHECK(h.drafts(1).size() == kMaxPendingDrafts);

    // One decided: room for one more.
    ok(h, "alice", kMain, "/incident approve D-1");
    ok(h, "lena", kMain, "/incident draft exec Statement 51");
    invalid(h, "lena", kMain, "/incident draft exec Statement 52", "already has 50 drafts waiting");
    // A withdrawn one makes room as well.
    ok(h, "lena", kMain, "/incident withdraw D-2");
    ok(h, "lena", kMain, "/incident draft exec Statement 52");
}

TEST_CASE("limits: a revision waits for the lead again, so it is refused while 50 drafts wait",
          "[limits][drafts][revise]") {
    Harness h;
    declare(h);
    ok(h, "lena", kMain, "/incident draft exec Statement 1");
    ok(h, "alice", kMain, "/incident changes D-1 Name the payroll date");
    for (std::size_t n = 2; n <= kMaxPendingDrafts + 1; ++n)
        ok(h, "lena", kMain, "/incident draft exec Statement " + std::to_string(n));
    const Reply reply = invalid(h, "lena", kMain, "/incident revise D-1 Statement 1, payroll runs Friday",
                                "already has 50 drafts waiting");
    CHECK_THAT(reply.text, Contains("then revise D-1 again"));
    CHECK(h.draft(1)->state == DraftState::changes_requested);
    ok(h, "alice", kMain, "/incident reject D-2 Not needed");
    ok(h, "lena", kMain, "/incident revise D-1 Statement 1, payroll runs Friday");
    CHECK(h.draft(1)->state == DraftState::pending);
}

TEST_CASE("limits: the scheduled summary tells the lead it could not be drafted while 50 drafts wait",
          "[limits][drafts][summary]") {
    Harness h;
    declare(h);   // sev1: an executive summary every 2h
    for (std::size_t n = 1; n <= kMaxPendingDrafts; ++n)
        ok(h, "lena", kMain, "/incident draft exec Statement " + std::to_string(n));
    h.drain();
    h.advance(std::chrono::hours(2));
    CHECK(h.drafts(1).size() == kMaxPendingDrafts);
    bool told = false;
    for (const PostMessage& m : messages_to(h.drain(), "alice"))
        told = told || m.text.find("The scheduled executive summary of INC-1 could not be drafted: INC-1 already has "
                                   "50 drafts waiting") != std::string::npos;
    CHECK(told);
}

// ---------------------------------------------------------------------------
// Channel names

TEST_CASE("limits: main and exercise channel names stay within 80 characters for any number and title",
          "[limits][channels]") {
    const IncidentId largest{std::numeric_limits<std::int64_t>::max()};
    const std::string long_title(300, 'a');
    for (bool exercise : {false, true}) {
        for (IncidentId id : {IncidentId{1}, IncidentId{12345}, largest}) {
            const std::string name = main_channel_name(id, long_title, exercise).value();
            INFO(name);
            CHECK(name.size() == kMaxChannelNameLength);   // a long title fills it, exactly
            CHECK(name.back() != '-');
        }
    }
    // At the boundary: "inc-1-" and a slug of 74 is 80 and whole; one more letter is cut.
    CHECK(main_channel_name(IncidentId{1}, std::string(74, 'b')).value() == "inc-1-" + std::string(74, 'b'));
    CHECK(main_channel_name(IncidentId{1}, std::string(75, 'b')).value() == "inc-1-" + std::string(74, 'b'));
    // A cut between words leaves no trailing dash.
    const std::string cut = main_channel_name(IncidentId{1}, std::string(73, 'c') + " dd").value();
    CHECK(cut == "inc-1-" + std::string(73, 'c'));
}

TEST_CASE("limits: a workstream channel fits for the longest name and the largest incident number",
          "[limits][channels][workstream]") {
    const IncidentId largest{std::numeric_limits<std::int64_t>::max()};
    const std::string longest(kMaxWorkstreamNameLength, 'w');
    CHECK(is_valid_workstream_name(longest));
    CHECK_FALSE(is_valid_workstream_name(longest + "w"));
    for (bool exercise : {false, true}) {
        const std::string name = workstream_channel_name(largest, longest, exercise).value();
        CHECK(name.size() + std::string("-ws").size() <= kMaxChannelNameLength);
    }
}

TEST_CASE("limits: a workstream name over 40 characters is refused with the limit and a shorter name",
          "[limits][channels][workstream]") {
    Harness h;
    declare(h);
    const std::string too_long = "forensics-of-the-payroll-lookalike-domain-x";   // 43
    const Reply reply = invalid(h, "alice", kMain, "/incident workstream " + too_long,
                                "the workstream name is 43 characters; the limit is 40.");
    CHECK_THAT(reply.text, Contains("#inc-1-NAME"));
    CHECK_THAT(reply.text, Contains("80 characters"));
    CHECK_THAT(reply.text, Contains("/incident workstream forensics-of-the-payroll-lookalike-domai"));
    const std::string longest(kMaxWorkstreamNameLength, 'f');
    ok(h, "alice", kMain, "/incident workstream " + longest);
    CHECK(h.incident(1)->find_workstream(longest) != nullptr);
}

TEST_CASE("limits: a suffix for a taken channel name never pushes it past 80", "[limits][channels]") {
    using net::suffixed_name;
    CHECK(suffixed_name("inc-1-legal", 2, 80) == "inc-1-legal-2");
    const std::string at_limit = "inc-1-" + std::string(74, 'a');   // exactly 80
    for (int n : {2, 9, 10, 99, 1000}) {
        const std::string name = suffixed_name(at_limit, n, 80);
        INFO(name);
        CHECK(name.size() == 80);
        CHECK_THAT(name, Catch::EndsWith("-" + std::to_string(n)));
    }
    // 78 characters and "-2" is 80 exactly; 79 is cut by one.
    CHECK(suffixed_name(std::string(78, 'a'), 2, 80) == std::string(78, 'a') + "-2");
    CHECK(suffixed_name(std::string(79, 'a'), 2, 80) == std::string(78, 'a') + "-2");
    // A cut that ends on a dash does not double it.
    const std::string dash_at_cut = std::string(77, 'a') + "-bb";   // 80; the cut keeps 78: "aaa…a-"
    CHECK(suffixed_name(dash_at_cut, 2, 80) == std::string(77, 'a') + "-2");
    // A degenerate limit still holds.
    CHECK(suffixed_name("inc-1", 12345, 3).size() <= 3);
}

// ---------------------------------------------------------------------------
// Event size

TEST_CASE("limits: a command over 16 KiB is refused with its size and the limits, logged, and changes nothing",
          "[limits][events]") {
    Harness h;
    declare(h);
    CapturedLog log;
    const std::string command = "/incident note " + bytes(20000);   // 20,015 bytes
    const Reply reply = invalid(h, "alice", kMain, command, "the command is 20,015 bytes; the limit is 16,384.");
    CHECK_THAT(reply.text, Contains("at most 4,000 bytes"));
    CHECK_THAT(log.text(), Contains("refused a command of 20015 bytes from alice in #" + kMain));
    // Below the command limit, the text's own limit speaks.
    invalid(h, "alice", kMain, "/incident note " + bytes(9000), "the note is 9,000 bytes; the limit is 4,000.");
    // Ordinary chat of any size is not a command and is not answered.
    CHECK(h.say("alice", kMain, bytes(20000)).kind == Reply::Kind::ignored);
}

TEST_CASE("limits: an oversized Slack slash command is answered in its ack with the limit, not dropped",
          "[limits][events][slack]") {
    Harness h;
    declare(h);
    const nlohmann::json payload = {{"command", "/incident"},        {"text", "note " + bytes(20000)},
                                    {"user_id", "alice"},           {"channel_id", "C0MAIN"},
                                    {"trigger_id", "111.222.huge"}, {"response_url", "https://hooks.example/x"}};
    const slack::ChannelResolver resolve = [](const slack::SlackChannelId& id) -> std::optional<ChannelName> {
        if (id.value() == "C0MAIN") return ChannelName{kMain};
        return std::nullopt;
    };
    const slack::Inbound inbound = slack::event_from_slash_command(payload, resolve);
    REQUIRE(std::holds_alternative<slack::SlackEvent>(inbound));
    const std::string before = h.state_fingerprint();
    const Reply reply = h.send(std::get<slack::SlackEvent>(inbound).event);
    CHECK(reply.kind == Reply::Kind::error);
    CHECK(h.state_fingerprint() == before);
    const auto answer = slack::slash_command_payload(reply);
    REQUIRE(answer);
    CHECK(answer->at("response_type") == "ephemeral");
    CHECK_THAT(answer->at("text").get<std::string>(), Contains("the limit is 16,384"));
}

TEST_CASE("limits: an oversized Matrix command reaches the core and is answered with the limit",
          "[limits][events][matrix]") {
    const nlohmann::json event = {{"event_id", "$huge"},
                                  {"sender", "@alice:example.org"},
                                  {"type", "m.room.message"},
                                  {"content",
                                   {{"msgtype", "m.text"},
                                    {"body", "!incident note " + bytes(70000)},
                                    {"format", "org.matrix.custom.html"},
                                    {"formatted_body", "!incident note ..."}}}};
    matrix::SyncContext context;
    context.bot_user_id = "@warroom:example.org";
    const matrix::SyncItem item = matrix::read_timeline_event(event, "!main:example.org", context);
    REQUIRE(std::holds_alternative<matrix::MatrixEvent>(item));
    const Event& inbound = std::get<matrix::MatrixEvent>(item).event;
    REQUIRE(std::holds_alternative<CommandText>(inbound.what));
    CHECK(std::get<CommandText>(inbound.what).text.size() == 70015);   // as typed: the core measures it

    Harness h;
    const Reply reply = h.send(inbound);
    CHECK(reply.kind == Reply::Kind::error);
    CHECK_THAT(reply.text, StartsWith("the command is 70,015 bytes; the limit is 16,384."));
    CHECK(h.incidents().empty());
}

TEST_CASE("limits: a summary too long for one draft says so and how to write a shorter one",
          "[limits][text][summary]") {
    Harness h;
    declare(h);
    // Ten workstreams, each with a long latest update: the summary quotes them all.
    for (int n = 1; n <= 7; ++n) ok(h, "alice", kMain, "/incident workstream ws" + std::to_string(n));
    for (const std::string ws : {"engineering", "communications", "legal", "ws1", "ws2", "ws3", "ws4", "ws5", "ws6",
                                 "ws7"})
        ok(h, "alice", "inc-1-" + ws, "/incident update " + bytes(400, 'u'));
    const Reply reply = invalid(h, "alice", kMain, "/incident summary",
                                "the executive summary built from the incident's state is ");
    CHECK_THAT(reply.text, Contains("; the limit is 4,000. Write a shorter one yourself: /incident draft exec TEXT"));
    CHECK(h.drafts(1).empty());
}
