// Slack rendering (issue 4): what a Slack user sees of warroom's effects —
// escaped text, approval and escalation cards with their buttons, and the Web
// API bodies that carry them — as pure functions over the neutral effects.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "bot/channel_pin.hpp"
#include "adapters/slack/block_kit.hpp"
#include "adapters/slack/mrkdwn.hpp"
#include "adapters/slack/slack_requests.hpp"
#include "bot/text.hpp"
#include "card_fixtures.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::slack;
using Catch::Contains;
using Catch::StartsWith;
using nlohmann::json;

namespace {

using warroom::test::kDecidedAt;

Card pending_card(std::string text = "We are investigating a phishing attempt.") {
    return warroom::test::pending_card_by(UserId("U0AUTHOR"), std::move(text));
}

EscalationCard pending_escalation() {
    return warroom::test::pending_escalation_by(
        UserId("U0LEAD"), "Take payroll offline for 4 hours", {UserId("U0ERIN"), UserId("U0FRANK")}, kDecidedAt);
}

std::vector<json> blocks_of_type(const json& blocks, const std::string& type) {
    std::vector<json> found;
    for (const json& block : blocks)
        if (block.at("type") == type) found.push_back(block);
    return found;
}

// The user text a card shows, reassembled from its sections of text (the outcome follows a divider).
std::string card_text(const json& blocks) {
    std::string text;
    for (const json& block : blocks) {
        if (block.at("type") == "divider") break;
        if (block.at("type") == "section" && block.contains("text")) text += block["text"]["text"].get<std::string>();
    }
    return text;
}

// Every mrkdwn text object in the blocks, wherever it sits (section text, fields, context elements).
std::vector<json> mrkdwn_objects(const json& node) {
    std::vector<json> found;
    if (node.is_object() && node.value("type", "") == "mrkdwn") found.push_back(node);
    if (node.is_object() || node.is_array())
        for (const json& child : node) {
            std::vector<json> inner = mrkdwn_objects(child);
            found.insert(found.end(), inner.begin(), inner.end());
        }
    return found;
}

// Whether Slack shows all of the card's mrkdwn as written, without linking what it finds in user text.
bool all_verbatim(const json& blocks) {
    const std::vector<json> texts = mrkdwn_objects(blocks);
    return !texts.empty() && std::all_of(texts.begin(), texts.end(), [](const json& t) { return t.value("verbatim", false); });
}

// Every '&' in mrkdwn starts a whole entity; a cut inside one would show garbage.
bool entities_whole(const std::string& text) {
    for (std::size_t at = text.find('&'); at != std::string::npos; at = text.find('&', at + 1)) {
        const std::string rest = text.substr(at);
        if (rest.rfind("&amp;", 0) != 0 && rest.rfind("&lt;", 0) != 0 && rest.rfind("&gt;", 0) != 0) return false;
    }
    return true;
}

// Lines of the given lengths, each ending in '\n', mixing ASCII, entities and
// multi-byte characters so a careless cut would show.
std::string lines_of(const std::vector<std::size_t>& lengths) {
    std::string text;
    const std::string pattern = "word é & <b> ";
    for (std::size_t length : lengths) {
        std::string line;
        while (line.size() < length) line += pattern;
        text += line + "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("mrkdwn escaping makes user text inert") {
    CHECK(escape_mrkdwn("Tom & Jerry <b> x>y") == "Tom &amp; Jerry &lt;b&gt; x&gt;y");
    CHECK(escape_mrkdwn("ping <!channel> and <@U1|x> see <https://evil.example|bank>") ==
          "ping &lt;!channel&gt; and &lt;@U1|x&gt; see &lt;https://evil.example|bank&gt;");
    CHECK(escape_mrkdwn("&amp; already") == "&amp;amp; already");
    CHECK(escape_mrkdwn("déjà vu — ✅") == "déjà vu — ✅");

    SECTION("truncated escaping never splits an entity or a character") {
        const std::string cut = escape_mrkdwn_truncated("ab<<<<<<<<", 12);
        CHECK(cut.size() <= 12);
        CHECK(entities_whole(cut));
        CHECK_THAT(cut, Catch::EndsWith("…"));
        CHECK(is_valid_utf8(escape_mrkdwn_truncated("éééééééé", 8)));
        CHECK(escape_mrkdwn_truncated("short", 100) == "short");
    }
}

TEST_CASE("live mentions and channel links only for real Slack ids") {
    CHECK(user_mention(UserId("U0123ABC")) == "<@U0123ABC>");
    CHECK(user_mention(UserId("W0123ABC")) == "<@W0123ABC>");
    CHECK(user_mention(UserId("alice")) == "alice");
    CHECK(user_mention(UserId("<!channel>")) == "&lt;!channel&gt;");
    CHECK(user_mention(UserId("U1|x")) == "U1|x");
    CHECK(channel_reference(ChannelName("inc-1-x"), SlackChannelId("C0123")) == "<#C0123>");
    CHECK(channel_reference(ChannelName("inc-1-x"), std::nullopt) == "#inc-1-x");
}

TEST_CASE("the core's @mentions of Slack ids become live mentions, and nothing else does") {
    CHECK(escape_mrkdwn_with_links("@U0123ABC now leads engineering") == "<@U0123ABC> now leads engineering");
    CHECK(escape_mrkdwn_with_links("Crisis Lead (@U0LEAD), by @W0X9.") == "Crisis Lead (<@U0LEAD>), by <@W0X9>.");
    // Not Slack ids, or not whole words: left as text.
    CHECK(escape_mrkdwn_with_links("@alice @here @channel") == "@alice @here @channel");
    CHECK(escape_mrkdwn_with_links("mail@U0123ABC @U0123ABCdef @U1") == "mail@U0123ABC @U0123ABCdef @U1");
    // User text still cannot form markup around a mention.
    CHECK(escape_mrkdwn_with_links("<@U0123ABC|x> & <!here>") == "&lt;<@U0123ABC>|x&gt; &amp; &lt;!here&gt;");
}

TEST_CASE("channel names warroom knows become links to the channel Slack has") {
    const ChannelIdLookup known = [](const ChannelName& name) -> std::optional<SlackChannelId> {
        if (name == ChannelName("inc-1-engineering")) return SlackChannelId("G07ENG");
        return std::nullopt;
    };
    CHECK(escape_mrkdwn_with_links("Channels: #inc-1-engineering (main), #inc-1-legal.", known) ==
          "Channels: <#G07ENG> (main), #inc-1-legal.");
    CHECK(escape_mrkdwn_with_links("see #inc-1-engineering-, or x#inc-1-engineering", known) ==
          "see <#G07ENG>-, or x#inc-1-engineering");
    CHECK(escape_mrkdwn_with_links("#inc-1-engineering", {}) == "#inc-1-engineering");
    const auto requests = post_message_requests(post_to(ChannelName("inc-1-x"), "in #inc-1-engineering"),
                                                SlackChannelId("C1"), OutboxJobId(1), known);
    CHECK(requests.front().body["text"] == "in <#G07ENG>");
}

TEST_CASE("a pending approval card shows the draft and the three decision buttons", "[render]") {
    const Card card = pending_card("Hello <!channel> & <@U1|x>\nsecond line");
    const json blocks = approval_card_blocks(card);

    REQUIRE(blocks.is_array());
    CHECK(blocks[0]["type"] == "header");
    CHECK_THAT(blocks[0]["text"]["text"].get<std::string>(), Contains("D-3"));
    CHECK_THAT(blocks[0]["text"]["text"].get<std::string>(), !Contains("EXERCISE"));

    const auto sections = blocks_of_type(blocks, "section");
    REQUIRE_FALSE(sections.empty());
    const json& fields = sections[0].at("fields");
    const std::string all_fields = fields.dump();
    CHECK_THAT(all_fields, Contains("INC-1 · Payroll phishing"));
    CHECK_THAT(all_fields, Contains("exec → #exec-briefing"));
    CHECK_THAT(all_fields, Contains("<@U0AUTHOR>"));
    CHECK_THAT(all_fields, Contains("Revision*\\n2"));

    CHECK(card_text(blocks) == escape_mrkdwn(card.text));
    CHECK_THAT(blocks.dump(), !Contains("<!channel>"));
    CHECK_THAT(blocks.dump(), !Contains("<@U1|x>"));

    const auto actions = blocks_of_type(blocks, "actions");
    REQUIRE(actions.size() == 1);
    CHECK(blocks.back()["type"] == "actions");
    const json& buttons = actions[0]["elements"];
    REQUIRE(buttons.size() == 3);
    CHECK(buttons[0]["text"]["text"] == "Approve");
    CHECK(buttons[0]["action_id"] == "warroom.approve");
    CHECK(buttons[0]["style"] == "primary");
    CHECK(buttons[1]["text"]["text"] == "Request changes");
    CHECK(buttons[1]["action_id"] == "warroom.changes");
    CHECK_FALSE(buttons[1].contains("style"));
    CHECK(buttons[2]["text"]["text"] == "Reject");
    CHECK(buttons[2]["action_id"] == "warroom.reject");
    CHECK(buttons[2]["style"] == "danger");
    for (const json& b : buttons) {
        CHECK(b["type"] == "button");
        CHECK(b["value"] == "D-3@2");   // the draft and the revision this card shows
    }
    CHECK_THAT(approval_card_fallback(card), Contains("Approval needed") && Contains("D-3"));
}

TEST_CASE("user text on a card is shown as written: Slack links none of the names, channels or URLs in it", "[render]") {
    Card card = pending_card("Reset at www.evil.example, ask #general");
    card.incident_title = "Phish via www.evil.example in #general";
    card.audience = "exec @here";
    const json pending = approval_card_blocks(card);
    CHECK_THAT(pending.dump(), Contains("Phish via www.evil.example in #general"));
    CHECK(all_verbatim(pending));

    card.state = DraftState::rejected;
    card.decided_by = UserId("U0LEAD");
    card.decided_at = kDecidedAt;
    card.reason = "see https://evil.example/login and #general";
    const json rejected = approval_card_blocks(card);
    CHECK_THAT(rejected.back()["text"]["text"].get<std::string>(), Contains("https://evil.example/login"));
    CHECK(all_verbatim(rejected));

    EscalationCard escalation = pending_escalation();
    escalation.incident_title = card.incident_title;
    CHECK(all_verbatim(escalation_card_blocks(escalation)));
    escalation.state = EscalationState::allowed;
    escalation.decided_by = UserId("U0ERIN");
    escalation.decided_at = kDecidedAt;
    escalation.comment = "go, and tell www.evil.example nothing";
    CHECK(all_verbatim(escalation_card_blocks(escalation)));
}

TEST_CASE("a card links an audience channel pinned by its Slack id, and shows a name as text", "[render]") {
    Card card = pending_card();
    card.audience = "press";
    card.audience_channel = "C0PRESS01";
    CHECK_THAT(approval_card_blocks(card).dump(), Contains("press → <#C0PRESS01>"));
    card.audience_channel = "press-office";
    CHECK_THAT(approval_card_blocks(card).dump(), Contains("press → #press-office"));
    card.audience_channel = "<!here>";
    CHECK_THAT(approval_card_blocks(card).dump(), Contains("press → #&lt;!here&gt;"));
}

TEST_CASE("a card for an audience outside chat shows where the text goes instead of a channel", "[render][cards]") {
    Card card = pending_card();
    card.audience = "customers";
    card.audience_channel = "C0PRESS01";
    card.destination = "status page 'Acme <Status>', as an update to the incident";
    const json blocks = approval_card_blocks(card);
    const std::string all_fields = blocks_of_type(blocks, "section")[0].at("fields").dump();
    CHECK_THAT(all_fields, Contains("customers → status page 'Acme &lt;Status&gt;', as an update to the incident"));
    CHECK_THAT(blocks.dump(), !Contains("<#C0PRESS01>") && !Contains("#exec-briefing") && !Contains("C0PRESS01"));
    CHECK(all_verbatim(blocks));

    card.audience_channel.clear();
    card.destination = "e-mail to 3 recipients (board)";
    CHECK_THAT(approval_card_blocks(card).dump(), Contains("customers → e-mail to 3 recipients (board)"));
    CHECK_THAT(approval_card_blocks(card).dump(), !Contains("→ #"));
}

TEST_CASE("a Slack channel id is C or G and then upper-case letters and digits") {
    CHECK(is_slack_channel_id("C0PRESS01"));
    CHECK(is_slack_channel_id("G0123ABCD"));
    CHECK(is_slack_channel_id("C012AB3CD45"));
    CHECK_FALSE(is_slack_channel_id("press-office"));
    CHECK_FALSE(is_slack_channel_id("c0press01"));
    CHECK_FALSE(is_slack_channel_id("D0123ABCD"));   // a direct message, never an audience
    CHECK_FALSE(is_slack_channel_id("U0123ABCD"));
    CHECK_FALSE(is_slack_channel_id("C0PRESS"));     // too short for a Slack id
    CHECK_FALSE(is_slack_channel_id("C0PRESS-1"));
    CHECK_FALSE(is_slack_channel_id(""));
}

TEST_CASE("a card for an audience with approvers shows both approvals, given or needed", "[render]") {
    Card card = pending_card();
    card.audience = "press";
    card.lead = UserId("U0ALICE");
    card.approvers_group = "pr";
    card.approvers = {UserId("U0PAT"), UserId("U0QUINN")};
    std::string shown = approval_card_blocks(card).dump();
    CHECK_THAT(shown, Contains("needs the Crisis Lead <@U0ALICE>"));
    CHECK_THAT(shown, Contains("needs one of pr: <@U0PAT>, <@U0QUINN>"));
    CHECK_THAT(shown, Contains("/incident approve D-3 --revision 2"));

    card.approver_approval = UserId("U0PAT");
    shown = approval_card_blocks(card).dump();
    CHECK_THAT(shown, Contains("<@U0PAT> (pr) approved"));
    CHECK_THAT(shown, Contains("needs the Crisis Lead <@U0ALICE>"));
    CHECK_THAT(shown, Contains("warroom.approve"));   // still live: the lead has not approved
}

TEST_CASE("an outdated card says so and has no buttons", "[render]") {
    Card card = pending_card();
    card.outdated = true;
    const json blocks = approval_card_blocks(card);
    CHECK_THAT(blocks[0]["text"]["text"].get<std::string>(), Contains("Outdated · D-3 revision 2"));
    CHECK(blocks_of_type(blocks, "actions").empty());
    CHECK_THAT(blocks.dump(), Contains("decide on the card of the new revision"));
    CHECK_THAT(approval_card_fallback(card), !Contains("Approval needed"));
}

TEST_CASE("an exercise card says so in its header", "[render]") {
    Card card = pending_card();
    card.exercise = true;
    const json blocks = approval_card_blocks(card);
    CHECK_THAT(blocks[0]["text"]["text"].get<std::string>(), Contains("EXERCISE"));
    CHECK_THAT(approval_card_fallback(card), Contains("EXERCISE"));
}

TEST_CASE("a decided approval card shows the outcome and no buttons", "[render]") {
    Card card = pending_card();
    card.decided_by = UserId("U0LEAD");
    card.decided_at = kDecidedAt;

    SECTION("rejected, with who, when and why") {
        card.state = DraftState::rejected;
        card.reason = "tone <too> alarming";
        const json blocks = approval_card_blocks(card);
        CHECK(blocks_of_type(blocks, "actions").empty());
        const std::string last = blocks.back()["text"]["text"];
        CHECK_THAT(last, Contains("Rejected") && Contains("<@U0LEAD>") && Contains(format_utc(kDecidedAt)));
        CHECK_THAT(last, Contains("\n*Reason:* tone &lt;too&gt; alarming"));
        CHECK(card_text(blocks) == escape_mrkdwn(card.text));
    }
    SECTION("approved") {
        card.state = DraftState::approved;
        const json blocks = approval_card_blocks(card);
        CHECK(blocks_of_type(blocks, "actions").empty());
        CHECK_THAT(blocks.back()["text"]["text"].get<std::string>(), Contains("Approved") && Contains("<@U0LEAD>"));
        CHECK_THAT(approval_card_fallback(card), Contains("Approved"));
    }
    SECTION("changes requested") {
        card.state = DraftState::changes_requested;
        card.reason = "add the timeline";
        const json blocks = approval_card_blocks(card);
        CHECK(blocks_of_type(blocks, "actions").empty());
        CHECK_THAT(blocks.back()["text"]["text"].get<std::string>(), Contains("Changes requested") && Contains("add the timeline"));
    }
    SECTION("re-routed to a new lead: moved, and no buttons for the old one") {
        Card moved = pending_card();
        moved.rerouted_to = UserId("U0NEWLEAD");
        const json blocks = approval_card_blocks(moved);
        CHECK(blocks_of_type(blocks, "actions").empty());
        CHECK_THAT(blocks.back()["text"]["text"].get<std::string>(), Contains("Moved") && Contains("<@U0NEWLEAD>"));
    }
}

TEST_CASE("long card text is split into sections of at most 3000 characters", "[render]") {
    const std::string text = lines_of({1200, 1500, 900, 2000, 400, 2900, 10});
    const json blocks = approval_card_blocks(pending_card(text));
    std::size_t text_sections = 0;
    for (const json& block : blocks) {
        if (block["type"] != "section" || !block.contains("text")) continue;
        const std::string section = block["text"]["text"];
        CHECK(section.size() <= kMaxSectionText);
        CHECK(entities_whole(section));
        ++text_sections;
    }
    CHECK(text_sections > 1);
    CHECK(card_text(blocks) == escape_mrkdwn(text));
    CHECK(blocks.back()["type"] == "actions");
}

TEST_CASE("a single line over 3000 characters is cut without breaking an entity or a character", "[render]") {
    const std::string text = "x" + std::string(10'000, '&');  // 50,001 bytes escaped, no newline, no space: cuts fall mid-entity
    const json blocks = approval_card_blocks(pending_card(text));
    for (const json& block : blocks) {
        if (!block.contains("text") || block["type"] != "section") continue;
        const std::string section = block["text"]["text"];
        CHECK(section.size() <= kMaxSectionText);
        CHECK(entities_whole(section));
    }
    CHECK(card_text(blocks) == escape_mrkdwn(text));
}

TEST_CASE("a card never exceeds 50 blocks: the cut is noted and the buttons stay", "[render]") {
    const std::string text = lines_of(std::vector<std::size_t>(80, 2900));
    const json blocks = approval_card_blocks(pending_card(text));
    CHECK(blocks.size() == kMaxBlocks);
    CHECK(blocks.back()["type"] == "actions");
    CHECK_THAT(blocks[blocks.size() - 2].dump(), Contains("Waiting for the Crisis Lead"));   // where it stands, above the buttons
    const json& note = blocks[blocks.size() - 3];
    CHECK(note["type"] == "context");
    CHECK_THAT(note.dump(), Contains("not shown") && Contains("published as written"));
    CHECK_THAT(escape_mrkdwn(text), Catch::StartsWith(card_text(blocks)));

    const json decided = [&] {
        Card card = pending_card(text);
        card.state = DraftState::rejected;
        return approval_card_blocks(card);
    }();
    CHECK(decided.size() <= kMaxBlocks);
    CHECK_THAT(decided.back()["text"]["text"].get<std::string>(), Contains("Rejected"));

    EscalationCard escalation = pending_escalation();
    escalation.text = text;
    const json esc = escalation_card_blocks(escalation);
    CHECK(esc.size() <= kMaxBlocks);
    CHECK(esc.back()["type"] == "actions");
}

TEST_CASE("a pending escalation card names the deciders and offers Allow and Deny", "[render]") {
    const EscalationCard card = pending_escalation();
    const json blocks = escalation_card_blocks(card);
    CHECK(blocks[0]["type"] == "header");
    CHECK_THAT(blocks[0]["text"]["text"].get<std::string>(), Contains("E-2"));
    const std::string dump = blocks.dump();
    CHECK_THAT(dump, Contains("Take payroll offline for 4 hours"));
    CHECK_THAT(dump, Contains("<@U0LEAD>"));
    CHECK_THAT(dump, Contains(format_utc(kDecidedAt)));
    CHECK_THAT(dump, Contains("<@U0ERIN>, <@U0FRANK>"));

    const auto actions = blocks_of_type(blocks, "actions");
    REQUIRE(actions.size() == 1);
    const json& buttons = actions[0]["elements"];
    REQUIRE(buttons.size() == 2);
    CHECK(buttons[0]["text"]["text"] == "Allow");
    CHECK(buttons[0]["action_id"] == "warroom.allow");
    CHECK(buttons[0]["style"] == "primary");
    CHECK(buttons[1]["text"]["text"] == "Deny");
    CHECK(buttons[1]["action_id"] == "warroom.deny");
    CHECK(buttons[1]["style"] == "danger");
    for (const json& b : buttons) CHECK(b["value"] == "E-2");

    SECTION("console names stay plain, an empty list says so") {
        EscalationCard named = card;
        named.executives = {UserId("erin")};
        CHECK_THAT(escalation_card_blocks(named).dump(), Contains("Who may decide*\\nerin"));
        named.executives.clear();
        CHECK_THAT(escalation_card_blocks(named).dump(), Contains("no executives named"));
        named.deadline.reset();
        CHECK_THAT(escalation_card_blocks(named).dump(), Contains("no deadline"));
    }
}

TEST_CASE("a decided escalation card shows the answer and no buttons", "[render]") {
    EscalationCard card = pending_escalation();
    card.state = EscalationState::denied;
    card.decided_by = UserId("U0ERIN");
    card.decided_at = kDecidedAt;
    card.comment = "too risky before payday";
    const json blocks = escalation_card_blocks(card);
    CHECK(blocks_of_type(blocks, "actions").empty());
    const std::string last = blocks.back()["text"]["text"];
    CHECK_THAT(last, Contains("Denied") && Contains("<@U0ERIN>") && Contains(format_utc(kDecidedAt)) &&
                         Contains("too risky before payday"));
    CHECK_THAT(escalation_card_fallback(card), Contains("Denied"));
}

TEST_CASE("a short PostMessage is one escaped chat.postMessage") {
    const auto requests = post_message_requests(post_to(ChannelName("inc-1-x"), "status: <!here> mitigated"),
                                                SlackChannelId("C1"), OutboxJobId(7));
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "chat.postMessage");
    CHECK(requests[0].body["channel"] == "C1");
    CHECK(requests[0].body["text"] == "status: &lt;!here&gt; mitigated");
    // What lets a repeat after a crash find it in the channel.
    CHECK(requests[0].body["metadata"] ==
          json{{"event_type", "warroom_post"}, {"event_payload", {{"outbox_job", 7}, {"piece", 0}}}});
}

TEST_CASE("a long PostMessage is split at line boundaries with nothing lost") {
    // One line far over the limit, between ordinary ones.
    const std::vector<std::size_t> lengths = {300, 1200, 3400, 800, 9000, 100, 2000, 2000, 2000, 50};
    const std::string text = lines_of(lengths) + "last line without newline";
    const auto requests = post_message_requests(post_to(ChannelName("inc-1-x"), text), SlackChannelId("C1"), OutboxJobId(7));
    REQUIRE(requests.size() > 3);
    for (std::size_t piece = 0; piece < requests.size(); ++piece)
        CHECK(requests[piece].body["metadata"]["event_payload"]["piece"] == piece);

    std::string rejoined;
    std::vector<std::size_t> cuts;
    for (const ApiRequest& request : requests) {
        CHECK(request.method == "chat.postMessage");
        CHECK(request.body["channel"] == "C1");
        const std::string piece = request.body["text"];
        CHECK(piece.size() <= kMaxPostBytes);
        CHECK(is_valid_utf8(piece));
        CHECK(entities_whole(piece));
        rejoined += piece;
        cuts.push_back(rejoined.size());
    }
    const std::string escaped = escape_mrkdwn(text);
    CHECK(rejoined == escaped);

    // Each cut is at a line end, unless the line it falls in is itself too long to post whole.
    cuts.pop_back();
    for (std::size_t cut : cuts) {
        if (escaped[cut - 1] == '\n') continue;
        const std::size_t begin = escaped.rfind('\n', cut - 1);
        const std::size_t end = escaped.find('\n', cut);
        const std::size_t line = end - (begin == std::string::npos ? 0 : begin + 1);
        INFO("cut at " << cut << " inside a line of " << line << " bytes");
        CHECK(line > kMaxPostBytes);
    }
}

TEST_CASE("cards go out as blocks with a fallback text, and updates as chat.update", "[render]") {
    const Card card = pending_card();
    const ApiRequest post = post_card_request(PostCard{UserId("U0LEAD"), card}, SlackChannelId("D1"), OutboxJobId(8));
    CHECK(post.method == "chat.postMessage");
    CHECK(post.body["channel"] == "D1");
    CHECK(post.body["blocks"] == approval_card_blocks(card));
    CHECK_THAT(post.body["text"].get<std::string>(), Contains("D-3"));
    // The text is what notifies: it names the Crisis Lead the card is for.
    CHECK_THAT(post.body["text"].get<std::string>(), StartsWith("<@U0LEAD> "));
    CHECK(post.body["metadata"]["event_payload"]["outbox_job"] == 8);

    Card decided = card;
    decided.state = DraftState::approved;
    const ApiRequest upd = update_card_request(UpdateCard{UserId("U0LEAD"), decided}, SlackChannelId("D1"), MessageTs("1700000000.000100"));
    CHECK(upd.method == "chat.update");
    CHECK(upd.body["channel"] == "D1");
    CHECK(upd.body["ts"] == "1700000000.000100");
    CHECK(blocks_of_type(upd.body["blocks"], "actions").empty());

    const EscalationCard escalation = pending_escalation();
    const ApiRequest esc = post_escalation_request(PostEscalation{ChannelName("exec-briefing"), escalation}, SlackChannelId("C9"), OutboxJobId(9));
    CHECK(esc.method == "chat.postMessage");
    CHECK(esc.body["channel"] == "C9");
    CHECK(blocks_of_type(esc.body["blocks"], "actions").size() == 1);
    CHECK_THAT(esc.body["text"].get<std::string>(), Contains("E-2"));
    const ApiRequest esc_upd = update_escalation_request(UpdateEscalation{ChannelName("exec-briefing"), escalation}, SlackChannelId("C9"), MessageTs("1.2"));
    CHECK(esc_upd.method == "chat.update");
    CHECK(esc_upd.body["ts"] == "1.2");
}

TEST_CASE("a publish carries metadata naming its outbox job") {
    const Publish publish{DraftId(3), ChannelName("exec-briefing"), "INC-1 update <b>: contained & monitored"};
    const ApiRequest request = publish_request(publish, OutboxJobId(17), SlackChannelId("C9"));
    CHECK(request.method == "chat.postMessage");
    CHECK(request.body["channel"] == "C9");
    CHECK(request.body["text"] == "INC-1 update &lt;b&gt;: contained &amp; monitored");
    CHECK(request.body["metadata"]["event_type"] == "warroom_publish");
    CHECK(request.body["metadata"]["event_payload"]["outbox_job"] == 17);
    CHECK(request.body["metadata"]["event_payload"]["draft"] == "D-3");
}

TEST_CASE("a conversations.history response tells whether a post of a job already happened, and where") {
    const BotId own("B0WARROOM");
    const json history = {
        {"ok", true},
        {"messages",
         {{{"ts", "1.1"}, {"text", "hello"}},
          {{"ts", "1.2"}, {"text", "other app"}, {"bot_id", "B0OTHER"},
           {"metadata", {{"event_type", "other"}, {"event_payload", {{"outbox_job", 17}}}}}},
          {{"ts", "1.3"},
           {"text", "published"},
           {"bot_id", "B0WARROOM"},
           {"metadata", {{"event_type", "warroom_publish"}, {"event_payload", {{"outbox_job", 17}, {"draft", "D-3"}}}}}},
          {{"ts", "1.4"},
           {"text", "second piece of a long post"},
           {"bot_id", "B0WARROOM"},
           {"metadata", {{"event_type", "warroom_post"}, {"event_payload", {{"outbox_job", 21}, {"piece", 1}}}}}}}}};
    CHECK(find_posted(history, own, OutboxJobId(17)) == MessageTs("1.3"));
    CHECK_FALSE(find_posted(history, own, OutboxJobId(18)));
    CHECK(find_posted(history, own, OutboxJobId(21), 1) == MessageTs("1.4"));
    CHECK_FALSE(find_posted(history, own, OutboxJobId(21), 0));   // only the second piece went out
    CHECK_FALSE(find_posted(history, own, OutboxJobId(17), 1));

    json other_job = history;
    other_job["messages"][2]["metadata"]["event_payload"]["outbox_job"] = 5;
    CHECK_FALSE(find_posted(other_job, own, OutboxJobId(17)));

    // The same metadata written by another app, or by a person, is not warroom's post.
    for (const json& poster : {json("B0OTHER"), json(nullptr), json(17)}) {
        json copied = history;
        copied["messages"][2]["bot_id"] = poster;
        INFO("posted by " << poster.dump());
        CHECK_FALSE(find_posted(copied, own, OutboxJobId(17)));
    }
    json unsigned_post = history;
    unsigned_post["messages"][2].erase("bot_id");
    CHECK_FALSE(find_posted(unsigned_post, own, OutboxJobId(17)));
    CHECK_FALSE(find_posted(history, BotId(""), OutboxJobId(17)));
    // Warroom's post still found behind the copy, where the copy came later.
    json copied_first = history;
    json copy = history["messages"][2];
    copy["ts"] = "1.5";
    copy["bot_id"] = "B0OTHER";
    copied_first["messages"].insert(copied_first["messages"].begin(), copy);
    CHECK(find_posted(copied_first, own, OutboxJobId(17)) == MessageTs("1.3"));

    json as_string = history;
    as_string["messages"][2]["metadata"]["event_payload"]["outbox_job"] = "17";
    as_string["messages"][3]["metadata"]["event_payload"]["piece"] = "1";
    CHECK(find_posted(as_string, own, OutboxJobId(17)).has_value());
    CHECK(find_posted(as_string, own, OutboxJobId(21), 1).has_value());

    CHECK_FALSE(find_posted(json{{"ok", true}, {"messages", json::array()}}, own, OutboxJobId(17)));
    CHECK_FALSE(find_posted(json{{"ok", false}, {"error", "not_in_channel"}}, own, OutboxJobId(17)));
    CHECK_FALSE(find_posted(json::parse("[1,2]"), own, OutboxJobId(17)));
    json broken = history;
    broken["messages"][2]["metadata"] = "warroom_publish";
    CHECK_FALSE(find_posted(broken, own, OutboxJobId(17)));
    json no_ts = history;
    no_ts["messages"][2].erase("ts");
    CHECK_FALSE(find_posted(no_ts, own, OutboxJobId(17)));
}

TEST_CASE("invitations go out in batches of at most 1000, duplicates dropped") {
    std::vector<UserId> users;
    for (int i = 0; i < 2500; ++i) users.emplace_back("U" + std::to_string(100000 + i));
    users.push_back(UserId("U100000"));
    const auto requests = invite_requests(SlackChannelId("C1"), users);
    REQUIRE(requests.size() == 3);
    std::size_t total = 0;
    for (const ApiRequest& request : requests) {
        CHECK(request.method == "conversations.invite");
        CHECK(request.body["channel"] == "C1");
        const std::string list = request.body["users"];
        const std::size_t count = static_cast<std::size_t>(std::count(list.begin(), list.end(), ',')) + 1;
        CHECK(count <= kMaxInviteBatch);
        total += count;
    }
    CHECK(total == 2500);
}

TEST_CASE("a small invitation is one comma-separated list, none is no request") {
    const auto requests = invite_requests(SlackChannelId("C1"), {UserId("U1"), UserId("U2")});
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].body["users"] == "U1,U2");
    CHECK(invite_requests(SlackChannelId("C1"), {}).empty());
}

TEST_CASE("a topic is cut to 250 characters at a character boundary") {
    std::string long_topic;
    for (int i = 0; i < 200; ++i) long_topic += "é";  // 400 bytes
    const ApiRequest request = set_topic_request(SlackChannelId("C1"), long_topic);
    CHECK(request.method == "conversations.setTopic");
    CHECK(request.body["channel"] == "C1");
    const std::string topic = request.body["topic"];
    CHECK(topic.size() <= kMaxTopicBytes);
    CHECK(utf8_length(topic) <= kMaxTopicBytes);
    CHECK(is_valid_utf8(topic));
    CHECK_THAT(topic, Catch::EndsWith("…"));
    CHECK(set_topic_request(SlackChannelId("C1"), "INC-1 · sev1 · lead alice").body["topic"] == "INC-1 · sev1 · lead alice");

    const ApiRequest ascii = set_topic_request(SlackChannelId("C1"), std::string(600, 'a'));
    CHECK(ascii.body["topic"].get<std::string>().size() <= kMaxTopicBytes);
}

TEST_CASE("channel creation and ephemeral refusals") {
    const ApiRequest create = create_channel_request(CreateChannel{ChannelName("inc-1-payroll-phishing"), IncidentId(1), true, "topic"});
    CHECK(create.method == "conversations.create");
    CHECK(create.body == json{{"name", "inc-1-payroll-phishing"}, {"is_private", true}});

    const ApiRequest refusal = ephemeral_request(SlackChannelId("D1"), UserId("U0BOB"), "Only the Crisis Lead <@U0LEAD> can approve");
    CHECK(refusal.method == "chat.postEphemeral");
    CHECK(refusal.body["channel"] == "D1");
    CHECK(refusal.body["user"] == "U0BOB");
    CHECK(refusal.body["text"] == "Only the Crisis Lead &lt;@U0LEAD&gt; can approve");
}

TEST_CASE("the card the engine sends renders with the draft's exact text", "[render]") {
    test::Harness h;
    REQUIRE(h.say("alice", "general", "/incident declare sev1 Payroll phishing").kind == Reply::Kind::ok);
    h.drain();
    const std::string text = "Payroll emails <spoofed> & blocked — see <https://evil.example|bank>";
    const Reply drafted = h.say("alice", "inc-1-payroll-phishing", "/incident draft exec " + text);
    INFO(drafted.text);
    REQUIRE(drafted.kind == Reply::Kind::ok);
    std::optional<PostCard> sent;
    for (const Effect& effect : h.drain())
        if (const auto* card = std::get_if<PostCard>(&effect)) sent = *card;
    REQUIRE(sent);
    const json blocks = post_card_request(*sent, SlackChannelId("D1"), OutboxJobId(1)).body["blocks"];
    CHECK(card_text(blocks) == escape_mrkdwn(text));
    CHECK_THAT(blocks.dump(), !Contains("<https://evil.example|bank>"));
    CHECK(blocks_of_type(blocks, "actions")[0]["elements"][0]["value"] ==
          to_string(DraftRevision{sent->card.draft, sent->card.revision}));
}
