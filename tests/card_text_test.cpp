// The cards' words, once in the core (bot/card_text.hpp): what every platform's
// approval and escalation card says, before Slack or Matrix lays it out.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bot/card_text.hpp"
#include "card_fixtures.hpp"

using namespace warroom;
using Catch::Contains;

namespace {

using warroom::test::kDecidedAt;

Card pending_card() { return warroom::test::pending_card_by(UserId("bob"), "We are investigating."); }

EscalationCard pending_escalation() {
    return warroom::test::pending_escalation_by(UserId("alice"), "Take payroll offline", {UserId("erin")}, kDecidedAt);
}

std::vector<std::string> plain_lines(const std::vector<CardLine>& lines) {
    std::vector<std::string> out;
    for (const CardLine& line : lines) out.push_back(plain_text(line));
    return out;
}

std::string fact(const CardText& text, const std::string& label) {
    for (const CardFact& f : text.facts)
        if (f.label == label) return plain_text(f.value);
    FAIL("no fact " << label);
    return {};
}

std::vector<std::string> labels(const std::vector<CardButton>& buttons) {
    std::vector<std::string> out;
    for (const CardButton& b : buttons) out.push_back(b.label);
    return out;
}

std::string key_of(CardChoice choice) {
    switch (choice) {
        case CardChoice::approve: return "[A]";
        case CardChoice::request_changes: return "[C]";
        case CardChoice::reject: return "[R]";
        case CardChoice::allow: return "[Y]";
        case CardChoice::deny: return "[N]";
    }
    return "";
}

}  // namespace

TEST_CASE("a pending approval card's words", "[cards]") {
    const CardText text = approval_card_text(pending_card());
    CHECK(text.title == "Approval needed · D-3 revision 2");
    CHECK(text.banner.empty());
    REQUIRE(text.facts.size() == 4);
    CHECK(fact(text, "Incident") == "INC-1 · Payroll phishing");
    CHECK(fact(text, "Audience") == "exec → #exec-briefing");
    CHECK(fact(text, "Author") == "@bob");
    CHECK(fact(text, "Revision") == "2");
    CHECK(text.text_intro == "Exactly as it will be published:");
    CHECK(text.text == "We are investigating.");
    CHECK(plain_lines(text.status_lines) == std::vector<std::string>{"Waiting for the Crisis Lead's decision."});
    CHECK(text.live);
    CHECK(labels(text.buttons) == std::vector<std::string>{"Approve", "Request changes", "Reject"});
    CHECK(text.command_line.empty());
    CHECK(plain_text(text.summary) == "Approval needed: D-3 for exec (INC-1)");
    CHECK(reaction_instructions(text, key_of) == "React [A] approve · [C] request changes · [R] reject (the Crisis Lead only)");

    SECTION("people, times and channels are parts the platform writes, not words") {
        const CardLine& author = text.facts[2].value;
        REQUIRE(author.size() == 1);
        CHECK(author[0].kind == CardPart::Kind::user);
        CHECK(author[0].user == UserId("bob"));
        const CardLine& audience = text.facts[1].value;
        CHECK(audience.front().kind == CardPart::Kind::user_text);
        CHECK(audience.back().kind == CardPart::Kind::channel);
        CHECK(audience.back().text == "exec-briefing");
        CHECK(plain_text(text.status_lines[0]) == "Waiting for the Crisis Lead's decision.");
        CHECK(text.status_lines[0].front().kind == CardPart::Kind::mark);
    }
}

TEST_CASE("a card names the destination instead of the channel when the text does not go to chat", "[cards]") {
    Card card = pending_card();
    card.audience = "customers";
    card.audience_channel = "status-updates";
    card.destination = "status page 'Acme Status', as an update to the incident";
    CardText text = approval_card_text(card);
    CHECK(fact(text, "Audience") == "customers → status page 'Acme Status', as an update to the incident");
    for (const CardPart& part : text.facts[1].value) CHECK(part.kind != CardPart::Kind::channel);

    card.destination = "e-mail to 3 recipients (board)";
    CHECK(fact(approval_card_text(card), "Audience") == "customers → e-mail to 3 recipients (board)");
    card.destination.clear();
    CHECK(fact(approval_card_text(card), "Audience") == "customers → #status-updates");
    card.audience_channel.clear();
    CHECK(fact(approval_card_text(card), "Audience") == "customers");
}

TEST_CASE("a card for an audience with approvers says which approvals it has and needs", "[cards]") {
    Card card = pending_card();
    card.audience = "press";
    card.lead = UserId("alice");
    card.approvers_group = "pr";
    card.approvers = {UserId("pat"), UserId("quinn")};
    CardText text = approval_card_text(card);
    CHECK(plain_lines(text.status_lines) ==
          std::vector<std::string>{"Waiting for two approvals: needs the Crisis Lead @alice · needs one of pr: @pat, @quinn"});
    CHECK(plain_text(text.command_line) == "By command: /incident approve D-3 --revision 2");
    CHECK(plain_text(text.command_line, "!incident") == "By command: !incident approve D-3 --revision 2");
    CHECK(text.deciders == "the Crisis Lead and one of pr");

    card.lead_approval = UserId("alice");
    CHECK(plain_text(approval_card_text(card).status_lines[0]) ==
          "Waiting for two approvals: the Crisis Lead @alice approved · needs one of pr: @pat, @quinn");
    card.lead_approval.reset();
    card.approver_approval = UserId("pat");
    CHECK(plain_text(approval_card_text(card).status_lines[0]) ==
          "Waiting for two approvals: needs the Crisis Lead @alice · @pat (pr) approved");
}

TEST_CASE("a decided approval card says who decided, when and why, and offers nothing", "[cards]") {
    Card card = pending_card();
    card.decided_by = UserId("alice");
    card.decided_at = kDecidedAt;
    const std::string at = format_utc(kDecidedAt);

    card.state = DraftState::rejected;
    card.reason = "tone too alarming";
    CardText text = approval_card_text(card);
    CHECK(plain_lines(text.status_lines) ==
          std::vector<std::string>{"Rejected by @alice at " + at, "Reason: tone too alarming"});
    CHECK_FALSE(text.live);
    CHECK(text.buttons.empty());
    CHECK(reaction_instructions(text, key_of).empty());
    CHECK(plain_text(text.summary) == "D-3 for exec (INC-1): Rejected by @alice at " + at);

    card.reason.clear();
    card.state = DraftState::approved;
    CHECK(plain_lines(approval_card_text(card).status_lines) == std::vector<std::string>{"Approved by @alice at " + at});
    card.state = DraftState::published;
    CHECK(plain_lines(approval_card_text(card).status_lines) ==
          std::vector<std::string>{"Approved and published by @alice at " + at});
    card.state = DraftState::changes_requested;
    card.reason = "add the timeline";
    CHECK(plain_lines(approval_card_text(card).status_lines) ==
          std::vector<std::string>{"Changes requested by @alice at " + at, "Reason: add the timeline"});
    card.state = DraftState::withdrawn;
    card.reason.clear();
    CHECK(plain_lines(approval_card_text(card).status_lines) == std::vector<std::string>{"Withdrawn by its author."});
}

TEST_CASE("an outdated or moved card says so and decides nothing", "[cards]") {
    Card card = pending_card();
    card.outdated = true;
    CardText text = approval_card_text(card);
    CHECK(text.title == "Outdated · D-3 revision 2");
    CHECK(plain_lines(text.status_lines) ==
          std::vector<std::string>{"Outdated: D-3 was revised after this card (revision 2). It decides nothing: decide on "
                                   "the card of the new revision."});
    CHECK_FALSE(text.live);
    CHECK(plain_text(text.summary) == "D-3 for exec (INC-1): " + plain_text(text.status_lines[0]));

    card.outdated = false;
    card.rerouted_to = UserId("carol");
    text = approval_card_text(card);
    CHECK(plain_lines(text.status_lines) ==
          std::vector<std::string>{"Moved to @carol, the new Crisis Lead, who decides it now."});
    CHECK_FALSE(text.live);
}

TEST_CASE("an exercise card says so in its title, banner and summary", "[cards]") {
    Card card = pending_card();
    card.exercise = true;
    const CardText text = approval_card_text(card);
    CHECK(text.title == "[EXERCISE] Approval needed · D-3 revision 2");
    CHECK(plain_text(text.banner) == "EXERCISE — a tabletop drill; nothing is published outside it.");
    CHECK(plain_text(text.summary) == "Approval needed: [EXERCISE] D-3 for exec (INC-1)");

    EscalationCard escalation = pending_escalation();
    escalation.exercise = true;
    const CardText asked = escalation_card_text(escalation);
    CHECK(asked.title == "[EXERCISE] Escalation · E-2");
    CHECK(plain_text(asked.banner) == "EXERCISE — a tabletop drill, not a real request.");
}

TEST_CASE("long user text on a card is cut, but the draft's own text never is", "[cards]") {
    Card card = pending_card();
    card.incident_title = std::string(1000, 't');
    card.reason = std::string(5000, 'r');
    card.state = DraftState::rejected;
    card.text = std::string(9000, 'x');
    const CardText text = approval_card_text(card);
    CHECK(fact(text, "Incident").size() <= 320);
    CHECK(plain_text(text.status_lines.back()).size() <= 2020);
    CHECK(text.text == card.text);
    CHECK_THAT(text_cut_note(9000), Contains("9,000") && Contains("published as written"));
}

TEST_CASE("an escalation card's words", "[cards]") {
    EscalationCard card = pending_escalation();
    CardText text = escalation_card_text(card);
    CHECK(text.title == "Escalation · E-2");
    CHECK(fact(text, "Incident") == "INC-1 · Payroll phishing");
    CHECK(fact(text, "Asked by") == "@alice");
    CHECK(fact(text, "Answer by") == format_utc(kDecidedAt));
    CHECK(fact(text, "Who may decide") == "@erin");
    CHECK(text.text_intro.empty());
    CHECK(text.text == "Take payroll offline");
    CHECK(plain_lines(text.status_lines) == std::vector<std::string>{"Waiting for an executive."});
    CHECK(labels(text.buttons) == std::vector<std::string>{"Allow", "Deny"});
    CHECK(reaction_instructions(text, key_of) == "React [Y] allow · [N] deny (the executives only)");
    CHECK(plain_text(text.summary) == "Escalation E-2 (INC-1) needs an executive's answer");

    SECTION("no deadline, no executives, or too many to name") {
        card.deadline.reset();
        card.executives.clear();
        text = escalation_card_text(card);
        CHECK(fact(text, "Answer by") == "no deadline");
        CHECK(fact(text, "Who may decide") == "no executives named — add them to the playbook");
        for (std::size_t i = 0; i < kMaxNamedDeciders + 5; ++i) card.executives.emplace_back("exec" + std::to_string(i));
        const std::string named = fact(escalation_card_text(card), "Who may decide");
        CHECK_THAT(named, Catch::StartsWith("@exec0, @exec1, "));
        CHECK_THAT(named, Catch::EndsWith(" and 5 more"));
    }
    SECTION("decided, with the comment") {
        card.state = EscalationState::denied;
        card.decided_by = UserId("erin");
        card.decided_at = kDecidedAt;
        card.comment = "too risky before payday";
        text = escalation_card_text(card);
        CHECK(plain_lines(text.status_lines) ==
              std::vector<std::string>{"Denied by @erin at " + format_utc(kDecidedAt), "Comment: too risky before payday"});
        CHECK_FALSE(text.live);
        CHECK(text.buttons.empty());
        CHECK(plain_text(text.summary) == "Escalation E-2 (INC-1): Denied by @erin at " + format_utc(kDecidedAt));
        card.state = EscalationState::allowed;
        card.comment.clear();
        CHECK(plain_lines(escalation_card_text(card).status_lines) ==
              std::vector<std::string>{"Allowed by @erin at " + format_utc(kDecidedAt)});
    }
}

TEST_CASE("a card whose delivery failed says so and how to retry, on every platform", "[cards][outside]") {
    Card card = pending_card();
    card.state = DraftState::approved;
    card.decided_by = UserId("alice");
    card.decided_at = kDecidedAt;
    card.destination = "e-mail to board@example.com";
    card.delivery_problem = "e-mail to board@example.com answered 535 authentication failed";
    const CardText text = approval_card_text(card);
    REQUIRE(text.status_lines.size() >= 2);
    const std::string failed = plain_text(text.status_lines[1]);
    CHECK_THAT(failed, Contains("Delivery failed: e-mail to board@example.com answered 535"));
    CHECK_THAT(failed, Contains("retry D-3"));
    card.delivery_problem.clear();
    CHECK(approval_card_text(card).status_lines.size() == 1);
}
