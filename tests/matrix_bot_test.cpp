// The Matrix bot end to end against the homeserver simulator: text commands
// in rooms, rooms and invitations through the client-server API, approval
// cards decided by reactions, and the approved message published exactly
// once; then rate limits, a failing /sync, a cut timeline, an expired token,
// malformed events. (The real executable killed and restarted: tests/crash/.)
#include "matrix_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "adapters/matrix/matrix_cards.hpp"

namespace warroom::test {
namespace {

using nlohmann::json;

const std::string kMain = "inc-1-payroll-phishing-campaign";
const std::string kDraftText =
    "Phishing against payroll contained: 3 accounts reset, no data loss found so far. Next update 11:00.";

bool outbox_empty(Store& store) {
    auto tx = store.begin();
    return tx->pending_jobs(1).empty();
}

std::size_t reactions_by(const MatrixWorld& world, const std::string& room_id, const std::string& event_id,
                         const std::string& sender) {
    std::size_t count = 0;
    for (const auto& event : world.sim.events(room_id)) {
        if (event.type != "m.reaction" || event.sender != sender) continue;
        if (event.content.value("m.relates_to", json::object()).value("event_id", "") == event_id) ++count;
    }
    return count;
}

// Replies of the bot that mention `text`, in a room.
std::size_t bot_lines_containing(const MatrixWorld& world, const std::string& room_id, const std::string& text) {
    std::size_t count = 0;
    for (const auto& event : world.bot_messages(room_id))
        if (event.content.value("body", "").find(text) != std::string::npos) ++count;
    return count;
}

// The console script's incident (examples/full-incident.txt), typed in Matrix rooms.
void run_full_incident(MatrixWorld& world) {
    auto& sim = world.sim;
    CHECK_THAT(world.command("alice", world.general, "declare sev1 Payroll phishing campaign"), Catch::Contains("INC-1"));

    const auto created = world.room_named(kMain);
    const std::string main = created.room_id;
    CHECK(created.join_rule == "invite");
    CHECK(created.creator == sim.bot_user_id());
    // The bot holds 100 and the Crisis Lead 50, so the lead can moderate.
    CHECK(created.power_levels["users"].value(sim.bot_user_id(), 0) == 100);
    CHECK(created.power_levels["users"].value(world.id("alice"), 0) == 50);
    CHECK(sim.wait_for([&] {
        const auto now = sim.room(main);
        // The lead and the sev1 stakeholders (legal, pr, customer-comms, support).
        for (const char* person : {"alice", "lena", "pat", "cora", "sam"})
            if (!now->invited.count(world.id(person)) && !now->joined.count(world.id(person))) return false;
        return !now->topic.empty() && now->pinned.size() == 1;
    }, 15s));
    const auto header = sim.event(sim.room(main)->pinned.front());
    REQUIRE(header);
    CHECK_THAT(header->content.value("body", ""), Catch::Contains("Payroll phishing campaign"));
    CHECK(header->content.value("msgtype", "") == "m.notice");
    for (const char* workstream : {"inc-1-engineering", "inc-1-communications", "inc-1-legal"})
        CHECK(world.room_named(workstream).join_rule == "invite");

    world.join_when_invited(kMain, "alice");
    CHECK_THAT(world.command("alice", main, "workstream engineering @bob:localhost"), Catch::Contains("now leads"));
    CHECK_THAT(world.command("alice", main, "workstream communications " + world.id("carol")), Catch::Contains("now leads"));
    const std::string comms = world.join_when_invited("inc-1-communications", "carol");

    CHECK_THAT(world.command("carol", comms, "draft exec " + kDraftText), Catch::Contains("D-1"));
    const auto card = world.wait_for_card(main, "D-1");
    CHECK_THAT(card.content.value("body", ""), Catch::Contains("Phishing against payroll contained"));
    CHECK(card.content.value("msgtype", "") == "m.notice");
    // The bot's own reactions show the keys that decide.
    CHECK(sim.wait_for([&] { return reactions_by(world, main, card.event_id, sim.bot_user_id()) == 3; }, 15s));

    // bob is not the Crisis Lead: his ✅ is answered once and the card stays as it was.
    world.join_when_invited(kMain, "bob");
    sim.react(world.id("bob"), main, card.event_id, std::string(matrix::kApproveKey));
    CHECK(sim.wait_for([&] { return bot_lines_containing(world, main, world.id("bob") + ": ") == 1; }, 15s));
    CHECK(world.edits_of(main, card.event_id).empty());
    const std::string exec = world.audience_room("exec-briefing");
    CHECK(world.publishes_of(exec, "D-1") == 0);

    // alice is: the card is edited to show the outcome and the message is published once.
    sim.react(world.id("alice"), main, card.event_id, std::string(matrix::kApproveKey));
    CHECK(sim.wait_for([&] { return world.publishes_of(exec, "D-1") == 1; }, 20s));
    CHECK(sim.wait_for([&] { return !world.edits_of(main, card.event_id).empty(); }, 15s));
    const auto edit = world.edits_of(main, card.event_id).back();
    CHECK_THAT(edit.content["m.new_content"].value("body", ""), Catch::Contains("Approved"));

    CHECK_THAT(world.command("alice", main, "status mitigated"), Catch::Contains("mitigated"));
    REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 30s));
}

void check_published_once(MatrixWorld& world) {
    const std::string exec = world.audience_room("exec-briefing");
    REQUIRE(world.publishes_of(exec, "D-1") == 1);
    for (const auto& event : world.bot_messages(exec)) {
        if (event.content.value("org.warroom.publish", json::object()).value("draft", "") != "D-1") continue;
        CHECK_THAT(event.content.value("body", ""), Catch::Contains(kDraftText));
        CHECK_THAT(event.content.value("body", ""), Catch::Contains("INC-1"));
    }
    // No room twice, no incident twice.
    std::size_t incident_rooms = 0;
    for (const auto& room : world.sim.rooms())
        for (const auto& alias : room.aliases)
            if (alias.rfind("#inc-", 0) == 0) ++incident_rooms;
    CHECK(incident_rooms == 4);
    auto tx = world.observer->begin();
    CHECK(tx->incidents(false).size() == 1);
    CHECK(tx->drafts(IncidentId{1}).size() == 1);
    CHECK(tx->draft(DraftId{1})->state == DraftState::published);
}

TEST_CASE("matrix: the full incident over the client-server API, TLS on, approved by the lead's reaction",
          "[matrix_bot]") {
    MatrixWorld world;
    world.start();
    run_full_incident(world);
    world.stop();
    CHECK(world.exit_code == 0);
    check_published_once(world);
}

TEST_CASE("matrix: the same incident through 429s with retry_after_ms, 502s from /sync and a failed invite",
          "[matrix_bot]") {
    CapturedLog log;
    MatrixWorld world;
    world.sim.rate_limit("send", 3, 300ms);
    world.sim.rate_limit("createRoom", 1, 200ms, /*retry_after_header=*/true);
    world.sim.fail("invite", 1, 500);
    world.start();
    world.sim.fail("sync", 2, 502);
    run_full_incident(world);
    world.stop();
    check_published_once(world);

    // The faults really happened, and each was answered as the specification says.
    std::size_t limited = 0, bad_gateway = 0;
    for (const auto& request : world.sim.requests()) {
        if (request.status == 429) ++limited;
        if (request.status == 502 && request.endpoint == "sync") ++bad_gateway;
    }
    CHECK(limited == 4);
    CHECK(bad_gateway == 2);
    const std::string logged = log.text();
    CHECK_THAT(logged, Catch::Contains("M_LIMIT_EXCEEDED"));
    CHECK_THAT(logged, Catch::Contains("HTTP 502"));
    CHECK_THAT(logged, !Catch::Contains(world.sim.bot_token()));
}

TEST_CASE("matrix: commands the server left out of a limited timeline are fetched and handled once",
          "[matrix_bot]") {
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Leaked signing key"), Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-leaked-signing-key", "alice");
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 20s));
    world.stop();

    // While warroom is away, five notes; its next sync gets only the last two.
    world.sim.set_timeline_limit(2);
    std::vector<std::string> notes;
    for (int n = 1; n <= 5; ++n)
        notes.push_back(world.sim.send_text(world.id("alice"), main, "!incident note clue " + std::to_string(n)));
    world.start();
    for (const std::string& note : notes)
        CHECK(world.sim.wait_for([&] { return world.reply_to(main, note).has_value(); }, 15s));
    world.stop();

    auto tx = world.observer->begin();
    std::vector<std::string> recorded;
    for (const TimelineEntry& entry : tx->timeline(IncidentId{1}))
        if (entry.text.find("clue ") != std::string::npos) recorded.push_back(entry.text);
    REQUIRE(recorded.size() == 5);
    for (int n = 1; n <= 5; ++n) CHECK_THAT(recorded[n - 1], Catch::Contains("clue " + std::to_string(n)));
    bool fetched = false;
    for (const auto& request : world.sim.requests()) fetched = fetched || request.endpoint == "messages";
    CHECK(fetched);
}

// How often the timeline holds an entry containing `text`.
std::size_t timeline_entries_with(Store& store, const std::string& text) {
    auto tx = store.begin();
    std::size_t count = 0;
    for (const TimelineEntry& entry : tx->timeline(IncidentId{1})) count += entry.text.find(text) != std::string::npos;
    return count;
}

// The bot with `settings` declares INC-1 and is stopped; returns the incident's main room.
std::string declare_then_stop(MatrixWorld& world, const matrix::MatrixSettings& settings) {
    world.start_with(settings);
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Spam flood"), Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-spam-flood", "alice");
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 20s));
    world.stop();
    return main;
}

// Started again after the flood: `note` (typed in `main` among it) is handled and answered once, and the
// bot keeps going.
void check_flood_survived(MatrixWorld& world, const matrix::MatrixSettings& settings, const std::string& main,
                          const std::string& note) {
    world.start_with(settings);
    CHECK(world.sim.wait_for([&] { return world.reply_to(main, note).has_value(); }, 30s));
    CHECK_THAT(world.command("alice", main, "note after the flood"), Catch::Contains("Note recorded"));
    world.stop();
    CHECK(timeline_entries_with(*world.observer, "typed in the flood") == 1);
    CHECK(world.answers_to(note).size() == 1);
}

TEST_CASE("matrix: a sync answer over the size limit is asked again with shorter timelines, and a command in the flood "
          "is handled once and the bot keeps going",
          "[matrix_bot]") {
    CapturedLog log;
    MatrixWorld world;
    matrix::MatrixSettings settings = world.settings();
    settings.max_response_body = 256 * 1024;   // 8 MiB by default: the same answer, quicker to build
    const std::string main = declare_then_stop(world, settings);

    // While warroom is away, 60 messages of 16 KiB in the incident room, a command in the middle:
    // the next sync answer, at 50 events a room, is over three times the limit.
    const std::string& alice = world.id("alice");
    const std::string filler = "flood " + std::string(16 * 1024, 'x');
    for (int n = 0; n < 30; ++n) world.sim.send_text(alice, main, filler);
    const std::string note = world.sim.send_text(alice, main, "!incident note typed in the flood");
    for (int n = 0; n < 30; ++n) world.sim.send_text(alice, main, filler);

    check_flood_survived(world, settings, main, note);
    std::size_t shorter = 0, paged = 0;
    for (const auto& request : world.sim.requests()) {
        shorter += request.endpoint == "sync" && request.query.find("limit%22%3A12") != std::string::npos;
        paged += request.endpoint == "messages";
    }
    CHECK(shorter >= 1);
    CHECK(paged >= 1);
    CHECK_THAT(log.text(), Catch::Contains("longer than the 262144 bytes"));
}

TEST_CASE("matrix: when even one event a room is over the size limit, every room is paged from the sync position",
          "[matrix_bot]") {
    MatrixWorld world;
    matrix::MatrixSettings settings = world.settings();
    settings.max_response_body = 64 * 1024;
    const std::string main = declare_then_stop(world, settings);

    // Every room warroom is in gets 40 KiB messages: one of each room together is over the limit.
    const std::string& alice = world.id("alice");
    const std::string filler = "flood " + std::string(40 * 1024, 'x');
    std::vector<std::string> rooms;
    for (const auto& room : world.sim.rooms())
        if (room.joined.count(world.sim.bot_user_id()) && room.joined.count(alice)) rooms.push_back(room.room_id);
    REQUIRE(rooms.size() >= 3);
    std::string note;
    for (int n = 0; n < 8; ++n) {
        for (const std::string& room : rooms) world.sim.send_text(alice, room, filler);
        if (n == 3) note = world.sim.send_text(alice, main, "!incident note typed in the flood");
    }
    check_flood_survived(world, settings, main, note);
}

TEST_CASE("matrix: after a createRoom whose answer may be lost, the incident's alias is adopted only if warroom "
          "made the room",
          "[matrix_bot]") {
    MatrixWorld world;
    auto& sim = world.sim;
    const std::string bot = sim.bot_user_id();
    const std::string main = "inc-1-lost-laptop";

    SECTION("someone else made it, even one who gave warroom 100 there: a suffixed alias instead") {
        // sam (support, in the playbook, so warroom accepts his invitation) takes the alias the incident will want.
        const std::string& sam = world.id("sam");
        const nlohmann::json request = {{"name", main},
                                        {"preset", "private_chat"},
                                        {"room_alias_name", main},
                                        {"invite", {bot}},
                                        {"power_level_content_override", {{"users", {{sam, 100}, {bot, 100}}}}}};
        const std::string squat = sim.create_room_as(sam, request);
        world.start();
        REQUIRE(sim.wait_for([&] { return sim.room(squat)->joined.count(bot) == 1; }, 15s));
        // alice's direct room first, so that the next room made is the incident's; its createRoom is answered
        // 502 without being acted on: warroom cannot tell, so it asks whose the taken alias is.
        CHECK_THAT(world.command("alice", world.general, "list"), Catch::Contains("No open incidents"));
        sim.fail("createRoom", 1, 502);
        CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
        const auto own = world.room_named(main + "-2");
        CHECK(own.creator == bot);
        REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 20s));
        // The incident lives in warroom's own room: its header is pinned there, and nothing of it is in sam's.
        CHECK(sim.room(own.room_id)->pinned.size() == 1);
        CHECK(world.bot_messages(squat).empty());
        CHECK(sim.room(squat)->invited.count(world.id("alice")) == 0);
        CHECK(sim.room(squat)->pinned.empty());
    }
    SECTION("warroom made it and the answer was cut short: adopted, not made twice") {
        world.start();
        CHECK_THAT(world.command("alice", world.general, "list"), Catch::Contains("No open incidents"));
        sim.truncate("createRoom", 1);
        CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
        const auto own = world.room_named(main);
        REQUIRE(sim.wait_for([&] { return outbox_empty(*world.observer); }, 20s));
        CHECK(own.creator == bot);
        CHECK(sim.room(own.room_id)->pinned.size() == 1);
        CHECK_FALSE(sim.room_by_alias(world.alias(main + "-2")));
        CHECK(sim.answers_cut() == 1);
    }
    world.stop();
}

TEST_CASE("matrix: a publish repeated after a crash with a new access token finds itself and is not sent twice",
          "[matrix_bot]") {
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Lost laptop"), Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-lost-laptop", "alice");
    CHECK_THAT(world.command("alice", main, "draft exec A laptop was stolen; disk encrypted."), Catch::Contains("D-1"));
    // Decided the moment the card appears, before the bot's hint reactions are on it.
    const auto card = world.wait_for_card(main, "D-1");
    world.sim.react(world.id("alice"), main, card.event_id, std::string(matrix::kApproveKey));
    const std::string exec = world.audience_room("exec-briefing");
    REQUIRE(world.sim.wait_for([&] { return world.publishes_of(exec, "D-1") == 1; }, 15s));
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    world.stop();

    // Logged in anew (another device), its transaction ids no longer match the first send's.
    reopen_publish_job(world.database.path);
    matrix::MatrixSettings settings = world.settings();
    settings.access_token.clear();
    settings.password = world.sim.bot_password();
    world.start_with(settings);
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 15s));
    world.stop();
    CHECK(world.publishes_of(exec, "D-1") == 1);
    bool looked = false;
    for (const auto& request : world.sim.requests()) looked = looked || request.endpoint == "messages";
    CHECK(looked);
}

TEST_CASE("matrix: an expired access token stops the bot with a message naming MATRIX_ACCESS_TOKEN", "[matrix_bot]") {
    CapturedLog log;
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "list"), Catch::Contains("No open incidents"));
    // The next sync (within the 2 s long-poll) is refused.
    world.sim.expire_token(world.sim.bot_token());
    world.thread.join();
    CHECK(world.exit_code == 1);
    world.bot.reset();
    CHECK_THAT(log.text(), Catch::Contains("MATRIX_ACCESS_TOKEN"));
    CHECK_THAT(log.text(), Catch::Contains("M_UNKNOWN_TOKEN"));
    CHECK_THAT(log.text(), !Catch::Contains(world.sim.bot_token()));
    // It stopped instead of hammering the server with a dead token.
    std::size_t refused = 0;
    for (const auto& request : world.sim.requests()) refused += request.errcode == "M_UNKNOWN_TOKEN" ? 1 : 0;
    CHECK(refused == 1);
}

TEST_CASE("matrix: malformed events are skipped with a log line and the bot keeps syncing", "[matrix_bot]") {
    CapturedLog log;
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Leaked signing key"), Catch::Contains("INC-1"));
    const auto fingerprint = [&] {
        auto tx = world.observer->begin();
        return std::to_string(tx->incidents(false).size()) + "/" + std::to_string(tx->timeline(IncidentId{1}).size()) +
               "/" + std::to_string(tx->drafts(IncidentId{1}).size());
    };
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 20s));
    const std::string before = fingerprint();

    const std::string& alice = world.id("alice");
    const std::string huge = "!incident note " + std::string(100 * 1024, 'x');
    const auto message = [](const std::string& text) { return json{{"msgtype", "m.text"}, {"body", text}}; };
    const auto event = [&](json sender, const std::string& type, const std::string& id, json content) {
        json built{{"type", type}, {"sender", std::move(sender)}, {"origin_server_ts", 1}};
        if (!id.empty()) built["event_id"] = id;
        if (!content.is_null()) built["content"] = std::move(content);
        return built;
    };
    const json unknown_card = {
        {"m.relates_to", {{"rel_type", "m.annotation"}, {"event_id", "$nope"}, {"key", std::string(matrix::kApproveKey)}}}};
    const std::vector<json> malformed = {
        event(alice, "m.room.message", "$no-content", nullptr),
        event(alice, "m.room.message", "$content-string", "!incident declare sev1 X"),
        event(alice, "m.room.message", "$body-number", {{"msgtype", "m.text"}, {"body", 42}}),
        event(7, "m.room.message", "$sender-number", message("!incident declare sev1 Y")),
        event(alice, "m.room.message", "", message("!incident declare sev1 Z")),
        event(alice, "m.reaction", "$bad-relation", {{"m.relates_to", "yes"}}),
        event(alice, "m.reaction", "$unknown-card", unknown_card),
    };
    for (const json& event : malformed) world.sim.inject_raw_event(world.general, event);
    world.sim.send_text(alice, world.general, huge);
    world.sim.send_event(alice, world.general, "m.room.message", {{"msgtype", "m.text"}, {"body", json::array({1, 2})}});

    // Still syncing and answering; nothing changed.
    CHECK_THAT(world.command("alice", world.general, "list"), Catch::Contains("INC-1"));
    CHECK(fingerprint() == before);
    world.stop();
    CHECK(world.exit_code == 0);
    const std::string logged = log.text();
    for (const char* skipped : {"$no-content", "$content-string", "$body-number", "$sender-number", "$bad-relation"})
        CHECK_THAT(logged, Catch::Contains(skipped));
    CHECK_THAT(logged, Catch::Contains("skipped Matrix event"));
}

TEST_CASE("matrix: invitations are joined only from people in the playbook", "[matrix_bot]") {
    CapturedLog log;
    MatrixWorld world;
    const std::string mallory = world.sim.add_user("mallory");
    const std::string strangers = world.sim.create_room(mallory, "strangers", std::nullopt, {mallory});
    world.sim.invite(strangers, mallory, world.sim.bot_user_id());
    const std::string legal = world.sim.create_room(world.id("lena"), "legal-desk", std::nullopt, {world.id("lena")});
    world.sim.invite(legal, world.id("lena"), world.sim.bot_user_id());
    world.start();
    CHECK(world.sim.wait_for([&] { return world.sim.room(legal)->joined.count(world.sim.bot_user_id()) == 1; }, 15s));
    CHECK_THAT(world.command("lena", legal, "list"), Catch::Contains("No open incidents"));
    CHECK(world.sim.room(strangers)->joined.count(world.sim.bot_user_id()) == 0);
    world.stop();
    CHECK_THAT(log.text(), Catch::Contains("not in the playbook"));
}

TEST_CASE("matrix: commands typed before warroom was in a room are history, not acted on", "[matrix_bot]") {
    MatrixWorld world;
    auto& sim = world.sim;
    // Typed before warroom ever ran, and in a room it is invited to only later.
    sim.send_text(world.id("alice"), world.general, "!incident declare sev3 Typed before warroom ran");
    const std::string desk = sim.create_room(world.id("lena"), "legal-desk", std::nullopt, {world.id("lena")});
    world.start();
    const std::string before_join = sim.send_text(world.id("lena"), desk, "!incident declare sev3 Typed before it joined");
    sim.invite(desk, world.id("lena"), sim.bot_user_id());
    REQUIRE(sim.wait_for([&] { return sim.room(desk)->joined.count(sim.bot_user_id()) == 1; }, 15s));
    CHECK_THAT(world.command("lena", desk, "list"), Catch::Contains("No open incidents"));
    CHECK_THAT(world.command("alice", world.general, "list"), Catch::Contains("No open incidents"));
    CHECK_FALSE(world.reply_to(desk, before_join));

    world.stop();
    auto tx = world.observer->begin();
    CHECK(tx->incidents(false).empty());
}

TEST_CASE("matrix: a lead handover moves the power level to the new lead", "[matrix_bot]") {
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev3 Leaked signing key"), Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-leaked-signing-key", "alice");
    CHECK_THAT(world.command("alice", main, "lead " + world.id("carol")), Catch::Contains("Asked"));
    world.join_when_invited("inc-1-leaked-signing-key", "carol");
    CHECK_THAT(world.command("carol", main, "lead accept"), Catch::Contains("You are now the Crisis Lead"));
    CHECK(world.sim.wait_for([&] {
        const json users = world.sim.room(main)->power_levels.value("users", json::object());
        return users.value(world.id("carol"), 0) == 50 && !users.contains(world.id("alice")) &&
               users.value(world.sim.bot_user_id(), 0) == 100;
    }, 15s));
    world.stop();
}

TEST_CASE("matrix: an escalation card in the executives' room is decided by an executive's reaction only",
          "[matrix_bot]") {
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev2 Ransom note on file server"), Catch::Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-ransom-note-on-file-server", "alice");
    CHECK_THAT(world.command("alice", main, "escalate Take the file server offline for 4 hours"), Catch::Contains("E-1"));
    const std::string exec = world.audience_room("exec-briefing");
    const auto card = world.wait_for_card(exec, "E-1");
    CHECK(world.sim.wait_for([&] { return reactions_by(world, exec, card.event_id, world.sim.bot_user_id()) == 2; }, 15s));

    world.sim.react(world.id("bob"), exec, card.event_id, std::string(matrix::kAllowKey));
    // Refused, and told so privately: in bob's direct room, not in the executives' room.
    CHECK(world.sim.wait_for([&] {
        const auto direct = world.direct_room_of("bob");
        return direct && world.bot_messages(*direct).size() == 1;
    }, 15s));
    CHECK(bot_lines_containing(world, exec, world.id("bob") + ": ") == 0);
    CHECK(world.edits_of(exec, card.event_id).empty());

    world.sim.react(world.id("erin"), exec, card.event_id, std::string(matrix::kAllowKey));
    CHECK(world.sim.wait_for([&] { return !world.edits_of(exec, card.event_id).empty(); }, 15s));
    CHECK_THAT(world.edits_of(exec, card.event_id).back().content["m.new_content"].value("body", ""),
               Catch::Contains("Allowed"));
    world.stop();
}

TEST_CASE("matrix: settings are checked before connecting", "[matrix_bot]") {
    matrix::MatrixSettings settings;
    settings.homeserver = "http://matrix.example.org";
    settings.user_id = "@warroom:example.org";
    settings.access_token = "syt_x";
    CHECK_THAT(matrix::check_matrix_settings(settings), Catch::Contains("MATRIX_HOMESERVER"));
    settings.homeserver = "https://matrix.example.org";
    settings.user_id = "warroom";
    CHECK_THAT(matrix::check_matrix_settings(settings), Catch::Contains("MATRIX_USER_ID"));
    settings.user_id = "@warroom:example.org";
    settings.access_token.clear();
    CHECK_THAT(matrix::check_matrix_settings(settings), Catch::Contains("MATRIX_ACCESS_TOKEN"));
    settings.password = "hunter2";
    CHECK(matrix::check_matrix_settings(settings).empty());
}

TEST_CASE("matrix: with MATRIX_PASSWORD the bot logs in itself and works as with a token", "[matrix_bot]") {
    CapturedLog log;
    MatrixWorld world;
    matrix::MatrixSettings settings = world.settings();
    settings.access_token.clear();
    settings.password = world.sim.bot_password();
    world.start_with(settings);
    CHECK_THAT(world.command("alice", world.general, "list"), Catch::Contains("No open incidents"));
    world.stop();
    bool logged_in = false;
    for (const auto& request : world.sim.requests())
        logged_in = logged_in || (request.endpoint == "login" && request.status == 200);
    CHECK(logged_in);
    CHECK_THAT(log.text(), !Catch::Contains(world.sim.bot_password()));
}

}  // namespace
}  // namespace warroom::test
