#pragma once
// What the Slack and Matrix test worlds share: the bundled playbook with its
// people renamed to the platform's user ids, a SQLite file with the bot's
// connection and the test's own, the engine, and the bot on a thread of its
// own, started and stopped as the real executable would be.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "console_support.hpp"
#include "storage/open_store.hpp"

namespace warroom::test {

// The people of the bundled playbook (and a few more the scripts use).
inline const std::vector<std::string> kPlaybookPeople = {"alice", "bob", "carol", "lena", "pat", "cora", "sam", "erin"};
// The audience channels of the bundled playbook that an admin made for warroom.
inline const std::vector<std::string> kAudienceChannels = {"exec-briefing", "announcements", "customer-comms",
                                                           "press-office"};

// Runs one SQL statement on the database file as the bot would find it after
// a crash; returns how many rows it changed.
inline int execute(const std::filesystem::path& database, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(database.string().c_str(), &db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const int changed = sqlite3_changes(db);
    INFO(sql << ": " << (error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
    return changed;
}

// Runs one SQL statement that yields rows, each column as text (read only).
inline std::vector<std::vector<std::string>> query(const std::filesystem::path& database, const std::string& sql) {
    sqlite3* db = nullptr;
    std::vector<std::vector<std::string>> rows;
    REQUIRE(sqlite3_open_v2(database.string().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    const auto collect = [](void* into, int columns, char** values, char**) {
        auto& out = *static_cast<std::vector<std::vector<std::string>>*>(into);
        out.emplace_back();
        for (int c = 0; c < columns; ++c) out.back().push_back(values[c] ? values[c] : "");
        return 0;
    };
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), collect, &rows, &error);
    INFO(sql << ": " << (error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
    return rows;
}

// Marks the jobs of effect type `type` ("publish", "post", "post_card"...)
// done earlier as pending again, as if the bot had crashed after performing
// them and before recording it. Returns how many there were.
inline int reopen_jobs(const std::filesystem::path& database, const std::string& type) {
    return execute(database, "UPDATE outbox SET done_at = NULL WHERE json_extract(effect, '$.type') = '" + type +
                                 "' AND done_at IS NOT NULL");
}

// The (one) publish job pending again.
inline void reopen_publish_job(const std::filesystem::path& database) { REQUIRE(reopen_jobs(database, "publish") == 1); }

template <class Bot>
struct BotWorld {
    ~BotWorld() { stop(); }

    // The bundled playbook, its people named by their platform ids as such a playbook must, and its
    // audience channels as `audience_channels` says.
    std::string playbook_json() const {
        std::string json(bundled_playbook_json());
        for (const auto& [name, id] : ids) {
            const std::string quoted = "\"" + name + "\"";
            for (std::size_t at = json.find(quoted); at != std::string::npos; at = json.find(quoted, at + 1))
                json.replace(at, quoted.size(), "\"" + id + "\"");
        }
        if (audience_channels.empty()) return json;
        nlohmann::json book = nlohmann::json::parse(json);
        for (auto& audience : book.at("audiences"))
            if (auto pinned = audience_channels.find(audience.value("channel", "")); pinned != audience_channels.end())
                audience["channel"] = pinned->second;
        return book.dump(2);
    }

    // playbook_json() in a file of its own, for the executable (without the
    // scenarios, whose files sit beside the bundled playbook, not in /tmp).
    void write_playbook(const std::filesystem::path& path) const {
        nlohmann::json book = nlohmann::json::parse(playbook_json());
        book.erase("scenarios");
        std::ofstream out(path);
        out << book.dump(2);
    }

    // Once `ids` is filled: the playbook, the database and the engine.
    void open() {
        PlaybookLoad load = parse_playbook(playbook_json());
        REQUIRE(load.problems.empty());
        playbook = *load.playbook;
        store = open_store(database_url());
        observer = open_store(database_url());
        engine = std::make_unique<Engine>(*store, playbook, clock);
    }

    // Moves this world to a PostgreSQL database, before the bot starts.
    void use_postgres(std::string url) {
        postgres = std::move(url);
        engine.reset();
        store.reset();
        observer.reset();
        open();
    }

    template <class Settings>
    void run_bot(const Settings& settings) {
        bot = std::make_unique<Bot>(*engine, *store, clock, settings);
        thread = std::thread([this] { exit_code = bot->run(); });
    }

    void stop() {
        if (!bot) return;
        bot->stop();
        thread.join();
        bot.reset();
    }

    const std::string& id(const std::string& name) const { return ids.at(name); }

    std::map<std::string, std::string> ids;   // name -> platform user id
    // The bundled playbook's audience channel (exec-briefing) -> what this world's playbook says instead
    // (on Slack, the channel's id); a channel not here keeps its name.
    std::map<std::string, std::string> audience_channels;
    // The database the bot uses: `postgres` when set (a PostgreSQL URL), else the SQLite file `database`.
    std::string database_url() const { return postgres.empty() ? database.path.string() : postgres; }

    TempDatabase database;
    std::string postgres;
    Playbook playbook;
    std::unique_ptr<Store> store;      // the bot's, used only on its thread while it runs
    std::unique_ptr<Store> observer;   // the test's own connection to the same database
    SystemClock clock;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Bot> bot;
    std::thread thread;
    int exit_code = -1;
};

}  // namespace warroom::test
