#pragma once
// The whole Matrix bot in process against the Matrix homeserver simulator:
// the bundled playbook with its people turned into Matrix users, audience
// rooms an admin made and invited warroom to (pinned in the playbook by
// their room ids), a SQLite file, the bot on a
// thread of its own, and helpers that act as the homeserver's users would.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "adapters/matrix/matrix_bot.hpp"
#include "bot_world.hpp"
#include "captured_log.hpp"
#include "matrix_sim/matrix_simulator.hpp"

namespace warroom::test {

using namespace std::chrono_literals;

// How the playbook pins audience rooms on Matrix, by their channel name in the bundled playbook.
using AudiencePins = std::map<std::string, std::string>;

struct MatrixWorld : BotWorld<matrix::MatrixBot> {
    // `pins`: how the playbook pins audience rooms on Matrix, by their channel name in the bundled playbook
    // ("#press-office:localhost", or "press-office" to leave it unpinned); one not given is pinned by the
    // room id of the room alice made for it.
    explicit MatrixWorld(const AudiencePins& pins = {}) {
        for (const std::string& name : kPlaybookPeople) ids[name] = sim.add_user(name);
        std::vector<std::string> everyone;
        for (const auto& [name, id] : ids) everyone.push_back(id);
        general = sim.create_room(id("alice"), "general", std::string("general"), everyone);
        sim.invite(general, id("alice"), sim.bot_user_id());
        // The audience rooms an admin made, named after their channels, and invited warroom to.
        for (const std::string& audience : kAudienceChannels) {
            const std::string room = sim.create_room(id("alice"), audience, std::nullopt, everyone);
            sim.invite(room, id("alice"), sim.bot_user_id());
            audience_rooms[audience] = room;
            audience_channels[audience] = pins.count(audience) ? pins.at(audience) : room;
        }
        open();
    }

    ~MatrixWorld() { stop(); }

    matrix::MatrixSettings settings() const {
        matrix::MatrixSettings settings;
        settings.homeserver = sim.homeserver_url();
        settings.user_id = sim.bot_user_id();
        settings.access_token = sim.bot_token();
        settings.ca_file = sim.ca_file();
        settings.sync_timeout = 2s;
        settings.retry_backoff_max = 1s;
        return settings;
    }

    // Starts the bot and waits until it has joined #general (it trusts alice's invitation).
    void start() { start_with(settings()); }

    void start_with(const matrix::MatrixSettings& chosen) {
        run_bot(chosen);
        REQUIRE(sim.wait_for([&] { return sim.room(general)->joined.count(sim.bot_user_id()) == 1; }, 15s));
    }

    // The bot's answers to the event `command_event`, wherever they went: a
    // notice replying to it in its room, or one naming it (org.warroom.answers)
    // in the caller's direct room.
    std::vector<matrix_sim::SimEvent> answers_to(const std::string& command_event) const {
        std::vector<matrix_sim::SimEvent> answers;
        for (const auto& room : sim.rooms()) {
            for (auto& event : sim.events(room.room_id)) {
                if (event.sender != sim.bot_user_id() || event.type != "m.room.message") continue;
                const auto relates = event.content.value("m.relates_to", nlohmann::json::object());
                if (relates.value("m.in_reply_to", nlohmann::json::object()).value("event_id", "") == command_event ||
                    event.content.value("org.warroom.answers", "") == command_event)
                    answers.push_back(std::move(event));
            }
        }
        return answers;
    }

    // The bot's answer to the event `command_event` typed in `room_id` (see answers_to).
    std::optional<matrix_sim::SimEvent> reply_to(const std::string& room_id, const std::string& command_event) const {
        (void)room_id;   // an answer for the caller alone is in their direct room, not in `room_id`
        auto answers = answers_to(command_event);
        if (answers.empty()) return std::nullopt;
        return answers.front();
    }

    // The room of the bot's direct messages with `user` (warroom made it, is_direct), if any.
    std::optional<std::string> direct_room_of(const std::string& user) const {
        for (const auto& room : sim.rooms())
            if (room.is_direct && room.creator == sim.bot_user_id() &&
                (room.joined.count(id(user)) == 1 || room.invited.count(id(user)) == 1))
                return room.room_id;
        return std::nullopt;
    }

    // "!incident TEXT" typed by `user` in `room_id`; waits for the bot's answer and returns its body.
    std::string command(const std::string& user, const std::string& room_id, const std::string& text) {
        const std::string event = sim.send_text(id(user), room_id, "!incident " + text);
        std::optional<matrix_sim::SimEvent> reply;
        REQUIRE(sim.wait_for([&] { return (reply = reply_to(room_id, event)).has_value(); }, 15s));
        return reply->content.value("body", std::string());
    }

    std::string alias(const std::string& name) const { return "#" + name + ":" + sim.server_name(); }

    // The room alice made for an audience channel of the bundled playbook ("exec-briefing").
    std::string audience_room(const std::string& name) const { return audience_rooms.at(name); }

    // The room warroom made (or was given) for channel `name`.
    matrix_sim::SimRoom room_named(const std::string& name) {
        std::optional<matrix_sim::SimRoom> found;
        REQUIRE(sim.wait_for([&] { return (found = sim.room_by_alias(alias(name))).has_value(); }, 15s));
        return *found;
    }

    // `user` accepts warroom's invitation to the room of channel `name`, as their client would.
    std::string join_when_invited(const std::string& name, const std::string& user) {
        const std::string room_id = room_named(name).room_id;
        REQUIRE(sim.wait_for([&] {
            const auto room = sim.room(room_id);
            return room->invited.count(id(user)) == 1 || room->joined.count(id(user)) == 1;
        }, 15s));
        if (sim.room(room_id)->joined.count(id(user)) == 0) sim.join(room_id, id(user));
        return room_id;
    }

    // The bot's messages in a room (edits and reactions left out).
    std::vector<matrix_sim::SimEvent> bot_messages(const std::string& room_id) const {
        std::vector<matrix_sim::SimEvent> messages;
        for (auto& event : sim.events(room_id)) {
            if (event.sender != sim.bot_user_id() || event.type != "m.room.message") continue;
            const auto relates = event.content.value("m.relates_to", nlohmann::json::object());
            if (relates.value("rel_type", "") == "m.replace") continue;
            messages.push_back(std::move(event));
        }
        return messages;
    }

    // Messages the bot published for `draft` ("D-1") in a room (each piece of a publish carries the marker).
    std::size_t publishes_of(const std::string& room_id, const std::string& draft) const {
        std::size_t count = 0;
        for (const auto& event : bot_messages(room_id))
            count += event.content.value("org.warroom.publish", nlohmann::json::object()).value("draft", "") == draft;
        return count;
    }

    // The card of a draft ("D-1") or escalation ("E-1") in a room.
    std::optional<matrix_sim::SimEvent> card_of(const std::string& room_id, const std::string& subject) const {
        for (auto& event : bot_messages(room_id)) {
            const auto marker = event.content.value("org.warroom.card", nlohmann::json::object());
            if (marker.value("draft", "") == subject || marker.value("escalation", "") == subject) return event;
        }
        return std::nullopt;
    }

    matrix_sim::SimEvent wait_for_card(const std::string& room_id, const std::string& subject) {
        std::optional<matrix_sim::SimEvent> card;
        REQUIRE(sim.wait_for([&] { return (card = card_of(room_id, subject)).has_value(); }, 15s));
        return *card;
    }

    // The edits of an event, oldest first.
    std::vector<matrix_sim::SimEvent> edits_of(const std::string& room_id, const std::string& event_id) const {
        std::vector<matrix_sim::SimEvent> edits;
        for (auto& event : sim.events(room_id)) {
            const auto relates = event.content.value("m.relates_to", nlohmann::json::object());
            if (relates.value("rel_type", "") == "m.replace" && relates.value("event_id", "") == event_id)
                edits.push_back(std::move(event));
        }
        return edits;
    }

    matrix_sim::MatrixSimulator sim;
    std::string general;
    std::map<std::string, std::string> audience_rooms;   // channel name -> the room alice made for it
};

}  // namespace warroom::test
