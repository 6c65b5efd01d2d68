// Matrix in: one /sync response becomes the core's neutral events — text
// commands (!incident, !inc) with pills read as user ids, reactions on
// warroom's cards as decisions, invitations and timeline gaps — and
// everything else is ignored with a reason (protocols/matrix.md; issue 5).
#include <catch2/catch.hpp>

#include <map>

#include "adapters/matrix/matrix_events.hpp"

using namespace warroom;
using namespace warroom::matrix;
using Catch::Contains;
using nlohmann::json;

namespace {

const std::string kBot = "@warroom:example.org";
const std::string kMainRoom = "!main:example.org";
const std::string kMain = "inc-1-payroll-phishing";

SyncContext context() {
    SyncContext ctx;
    ctx.bot_user_id = kBot;
    ctx.rooms = [](const std::string& room) -> std::optional<ChannelName> {
        if (room == kMainRoom) return ChannelName{kMain};
        return std::nullopt;
    };
    ctx.cards = [](const std::string& event_id) -> std::optional<CardRef> {
        static const std::map<std::string, CardRef> known = {{"$card-d3", CardRef{DraftId(3)}},
                                                             {"$card-d3-r2", CardRef{DraftId(3), 2}},
                                                             {"$card-e2", CardRef{EscalationId(2)}}};
        auto it = known.find(event_id);
        if (it == known.end()) return std::nullopt;
        return it->second;
    };
    return ctx;
}

json text_message(const std::string& event_id, const std::string& body,
                  const std::string& sender = "@alice:example.org") {
    return {{"event_id", event_id},
            {"sender", sender},
            {"type", "m.room.message"},
            {"origin_server_ts", 1700000000000},
            {"content", {{"msgtype", "m.text"}, {"body", body}}}};
}

json reaction(const std::string& event_id, const std::string& target, const std::string& key,
              const std::string& sender = "@lead:example.org") {
    return {{"event_id", event_id},
            {"sender", sender},
            {"type", "m.reaction"},
            {"content", {{"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", target}, {"key", key}}}}}};
}

json sync_with(const json& events, const std::string& room = kMainRoom) {
    return {{"next_batch", "s72_5"}, {"rooms", {{"join", {{room, {{"timeline", {{"events", events}}}}}}}}}};
}

SyncItem only_item(const json& event, const std::string& room = kMainRoom) {
    return read_timeline_event(event, room, context());
}

const MatrixEvent& as_event(const SyncItem& item) {
    if (const auto* ignored = std::get_if<Ignored>(&item)) FAIL("ignored: " << ignored->reason);
    REQUIRE(std::holds_alternative<MatrixEvent>(item));
    return std::get<MatrixEvent>(item);
}

std::string reason_of(const SyncItem& item) {
    REQUIRE(std::holds_alternative<Ignored>(item));
    return std::get<Ignored>(item).reason;
}

}  // namespace

TEST_CASE("a !incident message becomes the command, with a stable id, its sender and its channel", "[matrix]") {
    const SyncItem item = only_item(text_message("$abc123", "!incident update Payroll portal is back"));
    const MatrixEvent& event = as_event(item);
    CHECK(event.event.id == EventId{"matrix:$abc123"});
    CHECK(event.event.user == UserId{"@alice:example.org"});
    CHECK(event.event.channel == ChannelName{kMain});
    CHECK(std::get<CommandText>(event.event.what).text == "!incident update Payroll portal is back");
    CHECK(event.room_id == kMainRoom);
    CHECK(event.matrix_event_id == "$abc123");
    // A redelivery of the same event maps to the same id, so the core runs it once.
    CHECK(as_event(only_item(text_message("$abc123", "!incident update Payroll portal is back"))).event.id ==
          event.event.id);
}

TEST_CASE("the !inc alias is a command, other text is chat", "[matrix]") {
    CHECK(std::get<CommandText>(as_event(only_item(text_message("$1", "!inc list"))).event.what).text == "!inc list");
    CHECK(std::get<CommandText>(as_event(only_item(text_message("$2", "!incident"))).event.what).text == "!incident");
    CHECK_THAT(reason_of(only_item(text_message("$3", "!incidents are fun"))), Contains("not a command"));
    CHECK_THAT(reason_of(only_item(text_message("$4", "we should run !incident"))), Contains("not a command"));
}

TEST_CASE("an unknown room keeps its room id as the channel name", "[matrix]") {
    const SyncItem item = only_item(text_message("$5", "!incident list"), "!other:example.org");
    const MatrixEvent& event = as_event(item);
    CHECK(event.event.channel == ChannelName{"!other:example.org"});
}

TEST_CASE("a command with a pill carries the user id, not the display name", "[matrix]") {
    json message = text_message("$6", "!incident lead Bob Smith: please");
    message["content"]["format"] = "org.matrix.custom.html";
    message["content"]["formatted_body"] =
        "!incident lead <a href=\"https://matrix.to/#/@bob:example.org\">Bob Smith</a>: please";
    CHECK(std::get<CommandText>(as_event(only_item(message)).event.what).text ==
          "!incident lead @bob:example.org: please");

    // Percent-encoded links, an '@' typed before the name, two pills in order.
    json two = text_message("$7", "!incident invite @Bob and Carol");
    two["content"]["format"] = "org.matrix.custom.html";
    two["content"]["formatted_body"] =
        "!incident invite @<a href=\"https://matrix.to/#/%40bob%3Aexample.org\">Bob</a> "
        "and <a href=\"https://matrix.to/#/@carol:example.org?via=example.org\">Carol</a>";
    CHECK(std::get<CommandText>(as_event(only_item(two)).event.what).text ==
          "!incident invite @bob:example.org and @carol:example.org");
}

TEST_CASE("pills that are not user ids or whose text is not in the body change nothing", "[matrix]") {
    CHECK(command_text_with_pills("!incident note see room",
                                  "!incident note see <a href=\"https://matrix.to/#/!room:example.org\">room</a>") ==
          "!incident note see room");
    CHECK(command_text_with_pills("!incident note hi", "<a href=\"https://matrix.to/#/@x:example.org\">Xavier</a>") ==
          "!incident note hi");
    // Display text inside another word is not replaced: "inc" in "!incident".
    CHECK(command_text_with_pills("!incident lead inc",
                                  "!incident lead <a href=\"https://matrix.to/#/@inc:example.org\">inc</a>") ==
          "!incident lead @inc:example.org");
}

TEST_CASE("own events, notices, edits, state and malformed events are ignored with a reason", "[matrix]") {
    CHECK_THAT(reason_of(only_item(text_message("$8", "!incident list", kBot))), Contains("own"));

    json notice = text_message("$9", "!incident list", "@otherbot:example.org");
    notice["content"]["msgtype"] = "m.notice";
    CHECK_THAT(reason_of(only_item(notice)), Contains("notice"));

    json edit = text_message("$10", "* !incident approve D-3");
    edit["content"]["m.new_content"] = {{"msgtype", "m.text"}, {"body", "!incident approve D-3"}};
    edit["content"]["m.relates_to"] = {{"rel_type", "m.replace"}, {"event_id", "$8"}};
    CHECK_THAT(reason_of(only_item(edit)), Contains("edit"));

    json state = text_message("$11", "!incident list");
    state["state_key"] = "";
    CHECK_THAT(reason_of(only_item(state)), Contains("state"));

    json redacted = text_message("$12", "!incident list");
    redacted["unsigned"] = {{"redacted_because", {{"type", "m.room.redaction"}}}};
    CHECK_THAT(reason_of(only_item(redacted)), Contains("redacted"));

    json no_content = text_message("$13", "x");
    no_content.erase("content");
    CHECK_THAT(reason_of(only_item(no_content)), Contains("no content"));

    json wrong_body = text_message("$14", "x");
    wrong_body["content"]["body"] = 42;
    CHECK_THAT(reason_of(only_item(wrong_body)), Contains("no text body"));

    CHECK_THAT(reason_of(only_item(text_message("$15", "just pasting " + std::string(70000, 'a')))),
               Contains("70,013 bytes, more than the 65,536"));
    CHECK_THAT(reason_of(only_item(json{{"sender", "@a:example.org"}, {"type", "m.room.message"}})),
               Contains("no event_id"));
    CHECK_THAT(reason_of(only_item(json::array())), Contains("not an object"));
    json other = text_message("$16", "x");
    other["type"] = "m.sticker";
    CHECK_THAT(reason_of(only_item(other)), Contains("m.sticker"));
}

TEST_CASE("broken events are marked malformed, events merely not for warroom are not", "[matrix]") {
    const auto is_malformed = [](const SyncItem& item) {
        REQUIRE(std::holds_alternative<Ignored>(item));
        return std::get<Ignored>(item).malformed;
    };
    json no_content = text_message("$1", "x");
    no_content["content"] = "!incident list";
    CHECK(is_malformed(only_item(no_content)));
    json wrong_body = text_message("$2", "x");
    wrong_body["content"]["body"] = json::array({1});
    CHECK(is_malformed(only_item(wrong_body)));
    CHECK(is_malformed(only_item(text_message("$3", "chat " + std::string(70000, 'a')))));
    json bad_relation = {{"event_id", "$4"}, {"sender", "@a:example.org"}, {"type", "m.reaction"},
                         {"content", {{"m.relates_to", "yes"}}}};
    CHECK(is_malformed(only_item(bad_relation)));

    CHECK_FALSE(is_malformed(only_item(text_message("$5", "!incident list", kBot))));
    CHECK_FALSE(is_malformed(only_item(text_message("$6", "just chatting"))));
}

TEST_CASE("reactions on a card map to decisions, whoever reacts", "[matrix]") {
    // Authorisation is the core's job: a non-lead's ✅ still reaches it, and is refused there.
    const SyncItem item = only_item(reaction("$r1", "$card-d3", "✅", "@mallory:example.org"));
    const MatrixEvent& approve = as_event(item);
    const auto& action = std::get<CardAction>(approve.event.what);
    CHECK(action.draft == DraftId(3));
    CHECK(action.decision == CardDecision::approve);
    CHECK(approve.event.user == UserId{"@mallory:example.org"});
    CHECK(approve.event.id == EventId{"matrix:$r1"});

    CHECK(std::get<CardAction>(as_event(only_item(reaction("$r2", "$card-d3", "✏️"))).event.what).decision ==
          CardDecision::request_changes);
    CHECK(std::get<CardAction>(as_event(only_item(reaction("$r3", "$card-d3", "❌"))).event.what).decision ==
          CardDecision::reject);

    // Each card carries the revision it showed: the core refuses a decision on an older one.
    CHECK(action.revision == 1);
    CHECK(std::get<CardAction>(as_event(only_item(reaction("$r5", "$card-d3-r2", "✅"))).event.what).revision == 2);

    const SyncItem escalation_item = only_item(reaction("$r4", "$card-e2", "❌"));
    const auto& answer = std::get<EscalationAnswer>(as_event(escalation_item).event.what);
    CHECK(answer.escalation == EscalationId(2));
    CHECK_FALSE(answer.allow);
}

TEST_CASE("reactions on unknown events or with other keys are ignored", "[matrix]") {
    CHECK_THAT(reason_of(only_item(reaction("$r5", "$holiday-photo", "✅"))), Contains("not one of warroom's cards"));
    CHECK_THAT(reason_of(only_item(reaction("$r6", "$card-d3", "👍"))), Contains("D-3"));
    CHECK_THAT(reason_of(only_item(reaction("$r7", "$card-e2", "✏️"))), Contains("E-2"));
    json broken = reaction("$r8", "$card-d3", "✅");
    broken["content"]["m.relates_to"].erase("key");
    CHECK_THAT(reason_of(only_item(broken)), Contains("no target event_id or key"));
}

TEST_CASE("in a room warroom has just joined, what precedes its own join is history, not commands", "[matrix]") {
    const json own_join = {{"type", "m.room.member"}, {"state_key", kBot}, {"sender", kBot},
                           {"event_id", "$join"}, {"content", {{"membership", "join"}}}};
    json response = sync_with(json::array({text_message("$before", "!inc declare sev1 Old"), own_join,
                                           text_message("$after", "!inc list")}));
    response["rooms"]["join"][kMainRoom]["timeline"]["limited"] = true;
    response["rooms"]["join"][kMainRoom]["timeline"]["prev_batch"] = "t1";
    const auto result = read_sync(response, context());
    REQUIRE(std::holds_alternative<SyncBatch>(result));
    const auto& items = std::get<SyncBatch>(result).items;
    REQUIRE(items.size() == 4);
    // The gap and the command before the join are history; the command after it counts.
    CHECK_THAT(reason_of(items[0]), Contains("before warroom joined"));
    CHECK_THAT(reason_of(items[1]), Contains("before warroom joined"));
    CHECK(as_event(items[3]).matrix_event_id == "$after");
    CHECK(is_own_join(own_join, kBot));
    json someone_else = own_join;
    someone_else["state_key"] = "@alice:example.org";
    CHECK_FALSE(is_own_join(someone_else, kBot));
}

TEST_CASE("leaving, being kicked or banned from a room is someone leaving the channel, but not a join or the bot",
          "[matrix]") {
    const auto member = [](const std::string& event_id, const std::string& sender, const std::string& user,
                           const std::string& membership) {
        return json{{"event_id", event_id},
                    {"sender", sender},
                    {"type", "m.room.member"},
                    {"state_key", user},
                    {"origin_server_ts", 1700000000000},
                    {"content", {{"membership", membership}}}};
    };
    const SyncItem left_item = only_item(member("$l1", "@alice:example.org", "@alice:example.org", "leave"));
    const MatrixEvent& left = as_event(left_item);
    CHECK(left.event.id == EventId{"matrix:$l1"});
    CHECK(left.event.user == UserId{"@alice:example.org"});
    CHECK(left.event.channel == ChannelName{kMain});
    REQUIRE(std::holds_alternative<MembershipLeft>(left.event.what));
    CHECK_FALSE(std::get<MembershipLeft>(left.event.what).removed_by);

    const SyncItem kicked_item = only_item(member("$l2", "@lead:example.org", "@bob:example.org", "leave"));
    const MatrixEvent& kicked = as_event(kicked_item);
    CHECK(kicked.event.user == UserId{"@bob:example.org"});
    CHECK(std::get<MembershipLeft>(kicked.event.what).removed_by == UserId{"@lead:example.org"});
    const SyncItem banned_item = only_item(member("$l3", "@lead:example.org", "@bob:example.org", "ban"));
    const MatrixEvent& banned = as_event(banned_item);
    CHECK(std::get<MembershipLeft>(banned.event.what).removed_by == UserId{"@lead:example.org"});

    CHECK_THAT(reason_of(only_item(member("$l4", "@bob:example.org", "@bob:example.org", "join"))), Contains("join"));
    CHECK_THAT(reason_of(only_item(member("$l5", "@lead:example.org", kBot, "leave"))), Contains("own"));
    const SyncItem broken = only_item(member("$l6", "@lead:example.org", "not-a-user", "leave"));
    REQUIRE(std::holds_alternative<Ignored>(broken));
    CHECK(std::get<Ignored>(broken).malformed);
}

TEST_CASE("a sync response gives next_batch, items in timeline order, gaps and invites", "[matrix]") {
    json response = sync_with(json::array({text_message("$a", "!inc list"), text_message("$b", "hello"),
                                           reaction("$c", "$card-d3", "✅")}));
    response["rooms"]["join"][kMainRoom]["timeline"]["limited"] = true;
    response["rooms"]["join"][kMainRoom]["timeline"]["prev_batch"] = "t34-23535_0";
    response["rooms"]["invite"]["!new:example.org"]["invite_state"]["events"] = json::array(
        {{{"type", "m.room.name"}, {"state_key", ""}, {"sender", "@lead:example.org"}, {"content", {{"name", "x"}}}},
         {{"type", "m.room.member"},
          {"state_key", kBot},
          {"sender", "@lead:example.org"},
          {"content", {{"membership", "invite"}}}}});
    const auto result = read_sync(response, context());
    REQUIRE(std::holds_alternative<SyncBatch>(result));
    const SyncBatch& batch = std::get<SyncBatch>(result);
    CHECK(batch.next_batch == "s72_5");
    REQUIRE(batch.items.size() == 5);
    const auto& gap = std::get<TimelineGap>(batch.items[0]);
    CHECK(gap.room_id == kMainRoom);
    CHECK(gap.prev_batch == "t34-23535_0");
    CHECK(std::get<MatrixEvent>(batch.items[1]).matrix_event_id == "$a");
    CHECK(std::get<Ignored>(batch.items[2]).matrix_event_id == "$b");
    CHECK(std::get<MatrixEvent>(batch.items[3]).matrix_event_id == "$c");
    const auto& invite = std::get<Invite>(batch.items[4]);
    CHECK(invite.room_id == "!new:example.org");
    CHECK(invite.inviter == "@lead:example.org");
}

TEST_CASE("an unusable sync response is an error with a message, never a throw", "[matrix]") {
    CHECK_THAT(std::get<SyncError>(read_sync(json::array(), context())).message, Contains("not a JSON object"));
    CHECK_THAT(std::get<SyncError>(read_sync(json{{"rooms", json::object()}}, context())).message,
               Contains("next_batch"));
    CHECK_THAT(std::get<SyncError>(read_sync_body("<html>502 Bad Gateway</html>", context())).message,
               Contains("not JSON"));
    // Wrong types inside are skipped, not fatal.
    const json odd = {{"next_batch", "s1"},
                      {"rooms", {{"join", {{kMainRoom, {{"timeline", {{"limited", "yes"}, {"events", 7}}}}}}},
                                 {"invite", {{"!x:example.org", 3}}}}}};
    const auto result = read_sync(odd, context());
    REQUIRE(std::holds_alternative<SyncBatch>(result));
    CHECK(std::get<SyncBatch>(result).items.size() == 1);   // the invite without an inviter, ignored
    CHECK(std::holds_alternative<Ignored>(std::get<SyncBatch>(result).items[0]));
}
