// Matrix rendering (issue 5, first slice): what a Matrix user sees of
// warroom's effects — notices with escaped HTML and pills, approval and
// escalation cards decided by reactions, and the client-server API requests
// that carry them — as pure functions over the neutral effects.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "adapters/matrix/matrix_cards.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "adapters/matrix/matrix_requests.hpp"
#include "adapters/net/url_encoding.hpp"
#include "bot/text.hpp"
#include "card_fixtures.hpp"

using namespace warroom;
using namespace warroom::matrix;
using Catch::Contains;
using Catch::StartsWith;
using nlohmann::json;

namespace {

using warroom::test::kDecidedAt;

Card pending_card(std::string text = "We are investigating a phishing attempt.") {
    return warroom::test::pending_card_by(UserId("@alice:example.org"), std::move(text));
}

EscalationCard pending_escalation() {
    return warroom::test::pending_escalation_by(
        UserId("@lead:example.org"), "Take the payroll system offline for 4 hours.", {UserId("@erin:example.org")},
        std::nullopt);
}

std::string joined(const std::vector<std::string>& pieces) {
    std::string all;
    for (const std::string& piece : pieces) all += piece;
    return all;
}

}  // namespace

TEST_CASE("escape_html neutralises every markup character", "[matrix]") {
    CHECK(escape_html(R"(<b onclick="x">Tom & Jerry's</b>)") ==
          "&lt;b onclick=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;");
    CHECK(escape_html("plain words") == "plain words");
}

TEST_CASE("a notice keeps the body exact and pills the Matrix ids the core mentions", "[matrix]") {
    const std::string text = "Crisis Lead: @alice:example.org\nAsk @bob:matrix.example.org:8448, not <script>.";
    const json content = notice_content(text);
    CHECK(content["msgtype"] == "m.notice");
    CHECK(content["body"] == text);
    CHECK(content["format"] == "org.matrix.custom.html");
    CHECK(content["formatted_body"] ==
          "Crisis Lead: <a href=\"https://matrix.to/#/@alice:example.org\">@alice:example.org</a><br>"
          "Ask <a href=\"https://matrix.to/#/@bob:matrix.example.org:8448\">@bob:matrix.example.org:8448</a>, "
          "not &lt;script&gt;.");
    CHECK(content["m.mentions"]["user_ids"] == json::array({"@alice:example.org", "@bob:matrix.example.org:8448"}));
}

TEST_CASE("invalid ids, console names and @room stay inert text", "[matrix]") {
    const std::string text = "@room please read. @Alice:example.org @alice mail@carol:example.org @:example.org";
    const json content = notice_content(text);
    CHECK(content["body"] == text);   // exact: it is what gets published and audited
    const std::string html = content["formatted_body"];
    CHECK_THAT(html, !Contains("<a"));
    CHECK_THAT(html, StartsWith("@room please read."));
    // Intentional mentions present and naming no one: the legacy "@room in body" rule does not apply.
    CHECK(content["m.mentions"]["user_ids"].empty());
    CHECK_FALSE(content["m.mentions"].contains("room"));
    CHECK(is_matrix_user_id("@alice:example.org"));
    CHECK_FALSE(is_matrix_user_id("@Alice:example.org"));
    CHECK_FALSE(is_matrix_user_id("@room"));
    CHECK_FALSE(is_matrix_user_id("@alice:"));
    // A sentence's full stop is not part of the server name.
    CHECK_THAT(html_with_pills("ask @bob:example.org."), Contains(">@bob:example.org</a>."));
}

TEST_CASE("a long post is split at lines into pieces that fit a Matrix event, nothing lost", "[matrix]") {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "Line " + std::to_string(i) + ": timeline entry by @alice:example.org ✅\n";
    const std::vector<json> contents = notice_contents(text);
    REQUIRE(contents.size() > 1);
    std::string rebuilt;
    for (const json& content : contents) {
        const std::string body = content["body"];
        CHECK(body.size() <= kMaxPieceBodyBytes);
        CHECK(content.dump().size() <= kMaxContentBytes);
        CHECK(is_valid_utf8(body));
        if (&content != &contents.back()) CHECK(body.back() == '\n');   // cut at a line boundary
        rebuilt += body;
    }
    CHECK(rebuilt == text);
}

TEST_CASE("one huge line is cut at character boundaries, and quote-heavy text still fits", "[matrix]") {
    std::string line;
    for (int i = 0; i < 20000; ++i) line += "é€";   // 2- and 3-byte characters, no line break
    const std::vector<std::string> pieces = split_lines_utf8(line, kMaxPieceBodyBytes);
    REQUIRE(pieces.size() > 1);
    for (const std::string& piece : pieces) CHECK(is_valid_utf8(piece));
    CHECK(joined(pieces) == line);

    const std::string quotes(40000, '"');   // 8x larger once escaped in body and formatted_body
    std::string rebuilt;
    for (const json& content : notice_contents(quotes)) {
        CHECK(content.dump().size() <= kMaxContentBytes);
        rebuilt += content["body"].get<std::string>();
    }
    CHECK(rebuilt == quotes);
    CHECK(split_lines_utf8("", 10) == std::vector<std::string>{""});
}

TEST_CASE("an approval card shows the draft exactly and HTML in it cannot form tags", "[matrix][render]") {
    const std::string draft = "<img src=x onerror=alert(1)> & \"quotes\"\n@room all staff";
    const json content = approval_card_content(pending_card(draft));
    const std::string body = content["body"];
    const std::string html = content["formatted_body"];
    CHECK(content["msgtype"] == "m.notice");
    CHECK_THAT(body, Contains(draft));   // exact in body
    CHECK_THAT(body, Contains("INC-1 · Payroll phishing"));
    CHECK_THAT(body, Contains("exec → #exec-briefing"));
    CHECK_THAT(body, Contains("Author: @alice:example.org"));
    CHECK_THAT(body, Contains("Revision: 2"));
    CHECK_THAT(body, Contains("React ✅ approve · ✏️ request changes · ❌ reject (the Crisis Lead only)"));
    CHECK_THAT(html, !Contains("<img"));
    CHECK_THAT(html, Contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;<br>@room all staff"));
    CHECK_THAT(html, Contains("<a href=\"https://matrix.to/#/@alice:example.org\">"));   // the author, as a pill
    CHECK(content["m.mentions"] == json::object());   // a card pings no one, @room included
    CHECK(content[std::string(kCardKey)] == json{{"draft", "D-3"}, {"revision", 2}, {"incident", "INC-1"}});
}

TEST_CASE("a card for an audience with approvers shows both approvals, and an outdated card has no hint", "[matrix][render]") {
    Card card = pending_card();
    card.audience = "press";
    card.lead = UserId("@alice:example.org");
    card.approvers_group = "pr";
    card.approvers = {UserId("@pat:example.org")};
    std::string body = approval_card_content(card)["body"];
    CHECK_THAT(body, Contains("State: Waiting for two approvals: needs the Crisis Lead @alice:example.org · "
                               "needs one of pr: @pat:example.org"));
    CHECK_THAT(body, Contains("(the Crisis Lead and one of pr)"));
    CHECK_THAT(body, Contains("\nBy command: !incident approve D-3 --revision 2"));
    card.lead_approval = UserId("@alice:example.org");
    body = approval_card_content(card)["body"];
    CHECK_THAT(body, Contains("the Crisis Lead @alice:example.org approved · needs one of pr"));

    card.outdated = true;
    body = approval_card_content(card)["body"];
    CHECK_THAT(body, StartsWith("Outdated · D-3 revision 2"));
    CHECK_THAT(body, Contains("decide on the card of the new revision"));
    CHECK_THAT(body, !Contains("React ✅"));
}

TEST_CASE("an exercise card says so", "[matrix][render]") {
    Card card = pending_card();
    card.exercise = true;
    const json content = approval_card_content(card);
    CHECK_THAT(content["body"].get<std::string>(), StartsWith("[EXERCISE] Approval needed · D-3"));
    CHECK_THAT(content["body"].get<std::string>(), Contains("\nEXERCISE — a tabletop drill; nothing is published outside it."));
    CHECK_THAT(content["formatted_body"].get<std::string>(), Contains("<i><b>EXERCISE</b> — a tabletop drill"));
}

TEST_CASE("after a decision the card is edited in place and loses its hint", "[matrix][render]") {
    Card card = pending_card();
    card.state = DraftState::rejected;
    card.decided_by = UserId("@lead:example.org");
    card.decided_at = kDecidedAt;
    card.reason = "too early to name the vendor";
    const json edit = approval_card_edit(card, "$card-event:example.org");
    const json& fresh = edit["m.new_content"];
    CHECK(edit["msgtype"] == "m.notice");
    CHECK(edit["body"] == "* " + fresh["body"].get<std::string>());
    CHECK(edit["m.relates_to"] == json{{"rel_type", "m.replace"}, {"event_id", "$card-event:example.org"}});
    CHECK_FALSE(fresh.contains("m.relates_to"));
    CHECK(fresh[std::string(kCardKey)]["draft"] == "D-3");
    const std::string body = fresh["body"];
    CHECK_THAT(body, Contains("Rejected by @lead:example.org at " + format_utc(kDecidedAt)));
    CHECK_THAT(body, Contains("\nReason: too early to name the vendor"));
    CHECK_THAT(body, !Contains("React"));
}

TEST_CASE("an escalation card asks the executives to allow or deny", "[matrix][render]") {
    EscalationCard card = pending_escalation();
    json content = escalation_card_content(card);
    CHECK_THAT(content["body"].get<std::string>(), Contains("React ✅ allow · ❌ deny (the executives only)"));
    CHECK_THAT(content["body"].get<std::string>(), Contains(card.text));
    CHECK(content[std::string(kCardKey)] == json{{"escalation", "E-2"}, {"incident", "INC-1"}});
    card.state = EscalationState::allowed;
    card.decided_by = UserId("@erin:example.org");
    const json edit = escalation_card_edit(card, "$esc");
    CHECK_THAT(edit["m.new_content"]["body"].get<std::string>(), Contains("Allowed by @erin:example.org"));
    CHECK_THAT(edit["m.new_content"]["body"].get<std::string>(), !Contains("React"));
}

TEST_CASE("a card for an audience outside chat shows where the text goes instead of a room", "[matrix][render][cards]") {
    Card card = pending_card();
    card.audience = "customers";
    card.audience_channel = "#press:example.org";
    card.destination = "status page 'Acme <Status>', as an update to the incident";
    const json content = approval_card_content(card);
    const std::string body = content["body"];
    const std::string html = content["formatted_body"];
    CHECK_THAT(body, Contains("Audience: customers → status page 'Acme <Status>', as an update to the incident\n"));
    CHECK_THAT(html, Contains("<b>Audience:</b> customers → status page &#39;Acme &lt;Status&gt;&#39;, as an update to the incident<br>"));
    CHECK_THAT(body, !Contains("#press:example.org") && !Contains("#exec-briefing"));
    CHECK_THAT(html, !Contains("#press:example.org") && !Contains("#exec-briefing"));

    card.audience_channel.clear();
    card.destination = "e-mail to 3 recipients (board)";
    CHECK_THAT(approval_card_content(card)["body"].get<std::string>(), Contains("Audience: customers → e-mail to 3 recipients (board)\n"));

    card.destination.clear();   // a chat audience: its room, as before
    card.audience_channel = "#press:example.org";
    CHECK_THAT(approval_card_content(card)["body"].get<std::string>(), Contains("Audience: customers → #press:example.org\n"));
}

TEST_CASE("a card cut for size says so, and is published as written", "[matrix][render]") {
    const json content = approval_card_content(pending_card(std::string(7000, 'x')));
    CHECK_THAT(content["body"].get<std::string>(), Contains("is not shown on this card. It is published as written."));
}

TEST_CASE("only the three reaction keys decide, with or without the variation selector", "[matrix]") {
    CHECK(decision_from_reaction("✅") == CardDecision::approve);
    CHECK(decision_from_reaction("✅\xEF\xB8\x8F") == CardDecision::approve);
    CHECK(decision_from_reaction("✏️") == CardDecision::request_changes);
    CHECK(decision_from_reaction("✏") == CardDecision::request_changes);
    CHECK(decision_from_reaction("❌") == CardDecision::reject);
    CHECK_FALSE(decision_from_reaction("👍"));
    CHECK_FALSE(decision_from_reaction("✔️"));
    CHECK_FALSE(decision_from_reaction("☑️"));
    CHECK_FALSE(decision_from_reaction(""));
    CHECK_FALSE(decision_from_reaction("\xEF\xB8\x8F"));
    CHECK(escalation_answer_from_reaction("✅") == true);
    CHECK(escalation_answer_from_reaction("❌") == false);
    CHECK_FALSE(escalation_answer_from_reaction("✏️"));
}

TEST_CASE("createRoom makes a private room with the bot at 100 and the lead at 50, inviting no one", "[matrix]") {
    const CreateChannel effect{ChannelName("inc-1-payroll-phishing"), IncidentId(1), true, "SEV1 · Payroll phishing"};
    const MatrixRequest request =
        create_room_request(effect, UserId("@warroom:example.org"), UserId("@lead:example.org"));
    CHECK(request.method == "POST");
    CHECK(request.path == "/_matrix/client/v3/createRoom");
    CHECK(request.body["preset"] == "private_chat");
    CHECK(request.body["name"] == "inc-1-payroll-phishing");
    CHECK(request.body["room_alias_name"] == "inc-1-payroll-phishing");
    CHECK(request.body["topic"] == "SEV1 · Payroll phishing");
    CHECK(request.body["invite"] == json::array());
    CHECK(request.body["power_level_content_override"]["users"] ==
          json{{"@warroom:example.org", 100}, {"@lead:example.org", 50}});
}

TEST_CASE("paths percent-encode room ids, aliases, event ids and user ids", "[matrix]") {
    CHECK(net::encode_path_segment("!abc:example.org") == "%21abc%3Aexample.org");
    CHECK(net::encode_path_segment("#inc-1-x:example.org") == "%23inc-1-x%3Aexample.org");
    CHECK(net::encode_path_segment("$ev/ent+id") == "%24ev%2Fent%2Bid");
    CHECK(net::encode_path_segment("é") == "%C3%A9");
    CHECK(invite_request("!abc:example.org", UserId("@bob:example.org")).path ==
          "/_matrix/client/v3/rooms/%21abc%3Aexample.org/invite");
    CHECK(invite_request("!abc:example.org", UserId("@bob:example.org")).body == json{{"user_id", "@bob:example.org"}});
    CHECK(alias_lookup_request("#inc-1-x:example.org").path ==
          "/_matrix/client/v3/directory/room/%23inc-1-x%3Aexample.org");
    CHECK(alias_lookup_request("#inc-1-x:example.org").method == "GET");
    CHECK(join_request("#inc-1-x:example.org").path == "/_matrix/client/v3/join/%23inc-1-x%3Aexample.org");
    const MatrixRequest topic = set_topic_request("!abc:example.org", "new topic");
    CHECK(topic.method == "PUT");
    CHECK(topic.path == "/_matrix/client/v3/rooms/%21abc%3Aexample.org/state/m.room.topic/");
    CHECK(create_filter_request(UserId("@warroom:example.org")).path ==
          "/_matrix/client/v3/user/%40warroom%3Aexample.org/filter");
}

TEST_CASE("sends use transaction ids from the outbox job, stable across a repeat", "[matrix]") {
    CHECK(transaction_id(OutboxJobId(17), 2) == "warroom.job-17.2");
    const auto first = post_notice_requests("!abc:example.org", "hello", OutboxJobId(17));
    const auto again = post_notice_requests("!abc:example.org", "hello", OutboxJobId(17));
    REQUIRE(first.size() == 1);
    CHECK(first[0].method == "PUT");
    CHECK(first[0].path == "/_matrix/client/v3/rooms/%21abc%3Aexample.org/send/m.room.message/warroom.job-17.1");
    CHECK(first[0].path == again[0].path);
    CHECK(first[0].body["body"] == "hello");
    std::string long_text;
    for (int i = 0; i < 1000; ++i) long_text += std::string(60, 'x') + "\n";
    const auto pieces = post_notice_requests("!abc:example.org", long_text, OutboxJobId(18));
    REQUIRE(pieces.size() == 4);
    CHECK_THAT(pieces[3].path, Contains("/send/m.room.message/warroom.job-18.4"));
    const MatrixRequest reaction = send_reaction_request("!abc:example.org", "$card", "✅", OutboxJobId(19), 1);
    CHECK_THAT(reaction.path, Contains("/send/m.reaction/warroom.job-19.1"));
    CHECK(reaction.body["m.relates_to"] == json{{"rel_type", "m.annotation"}, {"event_id", "$card"}, {"key", "✅"}});
}

TEST_CASE("a handover moves the lead's power level and keeps the rest", "[matrix]") {
    const json current = {
        {"users", {{"@warroom:example.org", 100}, {"@old:example.org", 50}, {"@mod:example.org", 50}}},
        {"state_default", 50},
        {"notifications", {{"room", 50}}}};
    const MatrixRequest request =
        handover_power_levels_request("!abc:example.org", current, UserId("@warroom:example.org"),
                                      UserId("@new:example.org"), UserId("@old:example.org"));
    CHECK(request.method == "PUT");
    CHECK(request.path == "/_matrix/client/v3/rooms/%21abc%3Aexample.org/state/m.room.power_levels/");
    CHECK(request.body["users"] ==
          json{{"@warroom:example.org", 100}, {"@new:example.org", 50}, {"@mod:example.org", 50}});
    CHECK(request.body["state_default"] == 50);
    CHECK(request.body["notifications"]["room"] == 50);
}

TEST_CASE("the sync filter and path", "[matrix]") {
    const json filter = sync_filter();
    CHECK(filter["room"]["timeline"]["types"] == json::array({"m.room.message", "m.reaction", "m.room.member"}));
    CHECK(filter["room"]["timeline"]["limit"] == kSyncTimelineLimit);
    CHECK(sync_filter(12)["room"]["timeline"]["limit"] == 12);
    CHECK(filter["event_fields"].size() == 7);   // what warroom reads of an event, no more
    CHECK(invitations_filter()["room"]["timeline"]["limit"] == 0);
    CHECK(filter["room"]["timeline"]["lazy_load_members"] == true);
    CHECK(filter["presence"]["types"] == json::array());
    const MatrixRequest first = sync_request(std::nullopt, std::chrono::milliseconds(30000), "7");
    CHECK(first.path == "/_matrix/client/v3/sync?filter=7&timeout=30000");
    const MatrixRequest next = sync_request(std::string("s72_4/1"), std::chrono::milliseconds(30000), "7");
    CHECK(next.path == "/_matrix/client/v3/sync?filter=7&timeout=30000&since=s72_4%2F1");
    CHECK(next.method == "GET");
}
