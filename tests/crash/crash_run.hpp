#pragma once
// The crash harness, the same for every platform: the real warroom
// executable runs an incident against a platform simulator and is killed with
// SIGKILL at random moments (seeded) and started again, many times. At the
// end the simulator's record and the database must show that nothing was
// lost or done twice.
//
// With several replicas (run_crash(platform, 3)), that many executables share
// the database (PostgreSQL); each kill takes a random live one, and halfway
// through one replica is killed for good: the others finish the incident.
//
// A platform supplies (see slack_crash_test.cpp, matrix_crash_test.cpp):
//   name, world (a BotWorld: people, playbook, database, observer)
//   environment(playbook)         the executable's environment
//   requests()                    how many requests the bot has made of the simulator
//   type(user, room, text)        a user types "/incident TEXT"; returns the command's id
//   general()                     the room where incidents are declared
//   main_room(name[, user])       the incident's main room, once alice (or `user`) is in it
//   answers(room, command)        how many times the bot answered that command
//   publishes(draft)              how many times a draft was published
//   bot_texts(room)               the text of every message the bot posted in the room
//   incident_channels()           how many channels the bot made for incidents
//   secrets()                     what must never be in the log
//   repeated_posts()              optional: extra copies of any post the bot made
//
// Outside the chat (outside_crash_world.hpp): the playbook's webhook, status
// page and e-mail audiences and its pagers point at simulators the harness
// starts. Each round also approves a text for one of them; every few rounds
// a sev4 incident is declared (which pages), given status page texts (which
// customer-comms approves too), sometimes paged on demand, and resolved.
// Some kills hold the destinations' next answer a moment and land while the
// bot waits for it. At the end the outbox must drain, and every text have
// arrived once (e-mail: at least once, copies counted), every page opened
// once and closed with its incident.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/audit_verify.hpp"
#include "bot_world.hpp"
#include "child_process.hpp"
#include "console_support.hpp"
#include "crash/crash_settings.hpp"
#include "crash/outside_crash_world.hpp"

namespace warroom::test {

using namespace std::chrono_literals;

// Longer than an outbox lane's lease (20 s) with room to spare: among
// replicas, what a killed one held waits that long before another takes it.
inline constexpr std::chrono::seconds kPastALease{60};

// What a run found: the line the harness prints, and what the checks compare.
struct CrashFigures {
    int kills = 0;
    std::size_t published = 0;    // approved drafts published
    std::size_t duplicates = 0;   // anything done twice: a publish, a note, an answer, a sync report
    std::size_t lost = 0;         // anything not done: a draft not published, a note, an answer, a sync
    std::size_t unverified = 0;   // times the audit record did not verify (after a kill, or at the end)
};

inline std::ostream& operator<<(std::ostream& out, const CrashFigures& figures) {
    return out << "kills " << figures.kills << ", published " << figures.published << ", duplicates "
               << figures.duplicates << ", lost " << figures.lost << ", audit unverified " << figures.unverified;
}

// The all-hands syncs fired so far: (due_at, every_ms), earliest first; and
// how many sync reminders fired.
struct FiredSyncs {
    std::vector<std::pair<std::int64_t, std::int64_t>> syncs;
    std::size_t reminders = 0;
};

inline FiredSyncs fired_syncs(Store& store) {
    auto tx = store.begin();
    const TableRows schedules = tx->read_table("schedules");
    const auto column = [&](std::string_view name) {
        return static_cast<std::size_t>(
            std::find(schedules.columns.begin(), schedules.columns.end(), name) - schedules.columns.begin());
    };
    const std::size_t kind = column("kind"), target = column("target"), state = column("state"),
                      due_at = column("due_at"), every = column("every_ms");
    FiredSyncs fired;
    for (const auto& row : schedules.rows) {
        if (std::get<std::string>(row.at(target)) != "all" || std::get<std::string>(row.at(state)) != "fired") continue;
        const std::string& what = std::get<std::string>(row.at(kind));
        if (what == "sync") fired.syncs.emplace_back(std::get<std::int64_t>(row.at(due_at)), std::get<std::int64_t>(row.at(every)));
        if (what == "sync_reminder") ++fired.reminders;
    }
    std::sort(fired.syncs.begin(), fired.syncs.end());
    return fired;
}

template <class Platform>
CrashFigures run_crash(Platform& platform, int replicas = 1) {
    auto& world = platform.world;
    const CrashSettings& settings = crash_settings();
    const std::uint32_t seed = settings.seed != 0 ? settings.seed : std::random_device{}();
    const std::string run = (replicas > 1 ? "replicas " : "crash ") + platform.name;
    std::cout << run << ": seed " << seed << ", " << settings.kills << " kills, " << replicas << " replica(s) on "
              << world.store->backend() << std::endl;
    INFO(run << " seed " << seed << " (repeat with --seed " << seed << ")");
    std::mt19937 random(seed);
    const auto started = std::chrono::steady_clock::now();

    const auto stem = temp_path("warroom-crash-" + platform.name);
    const auto playbook = std::filesystem::path(stem).replace_extension(".json");
    const auto log = std::filesystem::path(stem).replace_extension(".log");
    world.write_playbook(playbook);
    OutsideCrashWorld outside;
    outside.point_playbook(playbook);
    const std::vector<std::string> environment = outside.environment(platform.environment(playbook));
    // Requests of the chat platform and of the outside destinations.
    const auto requests = [&] { return platform.requests() + outside.requests(); };

    CrashFigures figures;
    // The audit record of every incident, as a killed bot left it: each
    // commit holds a decision with its entry, so the chain is whole and the
    // tables agree with it at every moment (what `warroom export INC-N
    // --verify` checks).
    std::string first_unverified;
    const auto audit_verifies = [&] {
        auto tx = world.observer->begin();
        for (const Incident& incident : tx->incidents(false)) {
            const AuditVerdict verdict = verify_incident_record(*tx, incident);
            if (verdict.verified()) continue;
            if (first_unverified.empty()) first_unverified = verdict.problem->message;
            return false;
        }
        return true;
    };
    // Each replica has a name of its own: the holder of its outbox lanes.
    const auto start = [&](int replica) {
        std::vector<std::string> env = environment;
        if (replicas > 1) env.push_back("WARROOM_REPLICA=replica-" + std::to_string(replica + 1));
        return std::make_unique<ChildProcess>(WARROOM_BINARY, env, log);
    };
    std::vector<std::unique_ptr<ChildProcess>> bots;
    for (int replica = 0; replica < replicas; ++replica) bots.push_back(start(replica));
    // Halfway, one of several replicas is killed for good.
    const int kill_for_good_at = replicas > 1 ? std::max(1, settings.kills / 2) : -1;
    // Kills a live replica once the bots have made 0..15 more requests (0: at
    // once; or after 2 s, when they are idle), then starts it again. Some
    // kills instead hold the outside destinations' next answers 150..600 ms
    // and, when a delivery comes within 2 s, kill while the bot waits for it
    // (for an e-mail, the moment the server kept it, or while its greeting is
    // held): one in two just after a command that
    // sends something outside (`delivering`), one in eight otherwise.
    const auto crash_and_restart = [&](bool delivering = false) {
        bool held = false;
        if (std::uniform_int_distribution<int>(0, delivering ? 1 : 7)(random) == 0) {
            const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(150, 600)(random));
            const bool greeting = std::uniform_int_distribution<int>(0, 1)(random) == 0;
            outside.hold_answers(delay, greeting);
            const std::size_t before = outside.held_requests();
            // The held answer's random length places the kill within the bot's wait.
            if (outside.wait_for_held_request(before, 2s)) outside.kill_mid_delivery();
            held = true;
        } else if (const std::size_t more = std::uniform_int_distribution<std::size_t>(0, 15)(random); more > 0) {
            const std::size_t at = requests() + more;
            world.sim.wait_for([&] { return requests() >= at; }, 2s);
        }
        std::vector<int> live;
        for (int replica = 0; replica < replicas; ++replica)
            if (bots[static_cast<std::size_t>(replica)]) live.push_back(replica);
        const int victim = live[std::uniform_int_distribution<std::size_t>(0, live.size() - 1)(random)];
        auto& bot = bots[static_cast<std::size_t>(victim)];
        bot->stop(SIGKILL);
        ++figures.kills;
        if (held) outside.answer_promptly();
        if (!audit_verifies()) ++figures.unverified;
        if (figures.kills == kill_for_good_at) {
            std::cout << run << ": replica-" << victim + 1 << " killed for good after kill " << figures.kills
                      << std::endl;
            bot.reset();
        } else {
            bot = start(victim);
        }
    };
    // After two commands in three.
    const auto maybe_crash = [&](bool delivering = false) {
        if (figures.kills < settings.kills && std::uniform_int_distribution<int>(0, 2)(random) > 0)
            crash_and_restart(delivering);
    };
    const auto holds_within = [&](const std::function<bool(Transaction&)>& check, std::chrono::seconds deadline) {
        return world.sim.wait_for([&] {
            auto tx = world.observer->begin();
            return check(*tx);
        }, deadline);
    };

    struct Typed {
        std::string room;
        std::string id;
    };
    std::vector<Typed> commands;
    const auto type_as = [&](const std::string& user, const std::string& room, const std::string& text) {
        commands.push_back({room, platform.type(user, room, text)});
    };
    const auto type = [&](const std::string& room, const std::string& text) { type_as("alice", room, text); };

    // Every draft the run approved, and its audience: exec's are published in the chat, the others delivered.
    std::vector<std::pair<Draft, std::string>> approved;
    // Drafts `text` for `audience` in incident `incident` (typed in `room`), waits until it is there and
    // approves it: alice as the Crisis Lead, and cora for customer-comms when the audience needs it.
    const auto draft_and_approve = [&](int incident, const std::string& room, const std::string& audience,
                                       const std::string& text) {
        type(room, "draft " + audience + " " + text);
        maybe_crash();
        std::optional<Draft> draft;
        INFO("drafting \"" << text << "\" in INC-" << incident << ", " << figures.kills << " kills so far");
        REQUIRE(holds_within([&](Transaction& tx) {
            for (Draft& candidate : tx.drafts(IncidentId{incident}))
                if (candidate.text == text) draft = std::move(candidate);
            return draft.has_value();
        }, 60s));
        const bool needs_cora = world.playbook.approvers_of(audience) != nullptr;
        type(room, "approve " + to_string(draft->id));
        maybe_crash(audience != "exec" && !needs_cora);
        if (needs_cora) {
            type_as("cora", room, "approve " + to_string(draft->id));
            maybe_crash(true);
        }
        if (audience != "exec")
            outside.approved({to_string(IncidentId{incident}), to_string(draft->id), audience, text});
        approved.emplace_back(*draft, audience);
    };

    type(platform.general(), "declare sev3 Leaked signing key");
    maybe_crash();
    const std::string main = platform.main_room("inc-1-leaked-signing-key");
    // sev3 pages security-oncall and brings customer-comms in (the harness's playbook): cora, who approves
    // status page texts, joins.
    outside.paged("INC-1", "security-oncall");
    platform.main_room("inc-1-leaked-signing-key", "cora");
    // The shortest cadence there is: reminders and reports come due all through the run.
    type(main, "sync 30s all");
    maybe_crash();

    // How many all-hands syncs have fired so far.
    const auto syncs_fired = [&] { return fired_syncs(*world.observer).syncs.size(); };
    // Every kRoundsPerSync rounds the run waits for the next sync and kills
    // the bot as it posts the report, so kills also land on schedules firing.
    constexpr int kRoundsPerSync = 20;
    int sync_kills = 0;
    const auto crash_at_next_sync = [&] {
        const std::size_t before = syncs_fired();
        REQUIRE(world.sim.wait_for([&] { return syncs_fired() != before; }, 45s));
        ++sync_kills;
        crash_and_restart();
    };

    // Every kRoundsPerPagedIncident rounds, a sev4 incident: paged at
    // declaration (and, every other one, legal-oncall on demand), one or two
    // status page texts, then resolved, which resolves its pages and its
    // status page incident.
    constexpr int kRoundsPerPagedIncident = 5;
    int paged_incidents = 0;
    const auto paged_incident = [&] {
        const int number = ++paged_incidents;
        const int incident = 1 + number;
        const std::string id = to_string(IncidentId{incident});
        const std::string n = std::to_string(number);
        const std::string name = "inc-" + std::to_string(incident) + "-paged-outage-" + n;
        type(platform.general(), "declare sev4 Paged outage " + n);
        maybe_crash(true);
        outside.paged(id, "security-oncall");
        const std::string room = platform.main_room(name);
        platform.main_room(name, "cora");
        if (number % 2 == 1) {
            type(room, "page legal-oncall");
            maybe_crash(true);
            outside.paged(id, "legal-oncall");
        }
        draft_and_approve(incident, room, "status-page", "Paged outage " + n + ": we are investigating.");
        if (number % 2 == 0)
            draft_and_approve(incident, room, "status-page", "Paged outage " + n + ": fixed, we are watching it.");
        // Resolved once its texts are approved: their status page incident is resolved after them.
        REQUIRE(holds_within([&](Transaction& tx) {
            for (const Draft& draft : tx.drafts(IncidentId{incident}))
                if (draft.state == DraftState::pending) return false;
            return true;
        }, 60s));
        type(room, "status resolved");
        maybe_crash(true);
        outside.resolved(id);
    };

    // The outside audiences INC-1's rounds take turns at.
    const std::vector<std::string> outside_audiences = {"ticketing", "board", "status-page"};
    int rounds = 0;
    while (figures.kills < settings.kills) {
        const int round = ++rounds;
        INFO("round " << round << ", " << figures.kills << " kills so far");
        if (round % kRoundsPerSync == 0 || (round == 2 && settings.kills < 2 * kRoundsPerSync)) crash_at_next_sync();
        type(main, "note clue [" + std::to_string(round) + "]");
        maybe_crash();
        draft_and_approve(1, main, "exec", "Status update " + std::to_string(round));
        const std::string& audience = outside_audiences[static_cast<std::size_t>(round) % outside_audiences.size()];
        draft_and_approve(1, main, audience, "Outside update " + std::to_string(round) + " for " + audience);
        if (round % kRoundsPerPagedIncident == 0) paged_incident();
    }

    // Stop the cadence, so that nothing comes due while the end is checked; then the outbox drains.
    type(main, "sync off all");
    const auto drain_started = std::chrono::steady_clock::now();
    REQUIRE(holds_within([&](Transaction& tx) {
        for (const auto& [draft, audience] : approved)
            if (tx.draft(draft.id)->state != DraftState::published) return false;
        return tx.pending_schedules(IncidentId{1}).empty() && tx.pending_jobs(1).empty();
    }, 180s));
    const auto drained_in =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - drain_started);
    // Running (not just started, when SIGTERM would find no handler yet): it answers.
    type(main, "show");
    REQUIRE(world.sim.wait_for([&] { return platform.answers(main, commands.back().id) > 0; }, 60s));
    std::vector<int> statuses;
    for (auto& bot : bots)
        if (bot) statuses.push_back(bot->stop(SIGTERM));
    const std::string logged = read_file(log);
    std::filesystem::remove(playbook);
    std::filesystem::remove(log);
    INFO(logged.substr(logged.size() > 20000 ? logged.size() - 20000 : 0));
    for (const int status : statuses) {
        // Stopped cleanly: exit code 0, or, for a bot restarted a moment before
        // that had not yet set up its handler, SIGTERM's own default action (a
        // clean stop to a service manager too). A crash shows as another signal.
        INFO("exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ", signal "
                            << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
        CHECK(((WIFEXITED(status) && WEXITSTATUS(status) == 0) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)));
    }
    for (const std::string& secret : platform.secrets()) CHECK_THAT(logged, !Catch::Contains(secret));
    for (const std::string& secret : outside.secrets()) CHECK_THAT(logged, !Catch::Contains(secret));

    // Every approved draft for the chat published exactly once.
    std::size_t chat_drafts = 0;
    for (const auto& [draft, audience] : approved) {
        if (audience != "exec") continue;
        ++chat_drafts;
        const std::size_t published = platform.publishes(to_string(draft.id));
        if (published > 0) ++figures.published;
        else ++figures.lost;
        if (published > 1) figures.duplicates += published - 1;
    }
    // Every text for the outside delivered once (e-mail: at least once), every page opened once and
    // closed with its incident.
    const OutsideFigures delivered = outside.count();
    figures.lost += delivered.lost();
    figures.duplicates += delivered.duplicates();
    // Every command answered exactly once.
    std::size_t unanswered = 0, answered_twice = 0;
    for (const Typed& command : commands) {
        const std::size_t answers = platform.answers(command.room, command.id);
        if (answers == 0) ++unanswered;
        if (answers > 1) answered_twice += answers - 1;
    }
    figures.lost += unanswered;
    figures.duplicates += answered_twice;
    // Every command applied once: one incident and the paged ones, each draft once, each note once and in order.
    std::size_t incidents = 0, drafts = 0, resolved = 0;
    std::vector<std::string> clues;
    {
        auto tx = world.observer->begin();
        for (const Incident& incident : tx->incidents(false)) {
            ++incidents;
            drafts += tx->drafts(incident.id).size();
            resolved += incident.status == Status::resolved;
        }
        for (const TimelineEntry& entry : tx->timeline(IncidentId{1}))
            if (entry.text.find("clue [") != std::string::npos) clues.push_back(entry.text);
    }
    std::size_t clues_out_of_order = 0;
    for (int round = 1; round <= rounds; ++round) {
        const std::string clue = "clue [" + std::to_string(round) + "]";
        const auto copies = std::count_if(clues.begin(), clues.end(),
                                          [&](const std::string& text) { return text.find(clue) != std::string::npos; });
        if (copies == 0) ++figures.lost;
        if (copies > 1) figures.duplicates += static_cast<std::size_t>(copies) - 1;
        if (copies == 1 && (round > static_cast<int>(clues.size()) || clues[round - 1].find(clue) == std::string::npos))
            ++clues_out_of_order;
    }
    // Every sync that came due fired once, none skipped: the fired rows follow
    // one another by the cadence, and each gave one report. Reminders: one
    // per fired reminder at most (none when the sync itself was already due).
    // Texts name the minute only, so two reports may read the same: they are counted, not compared.
    const FiredSyncs all_fired = fired_syncs(*world.observer);
    const auto& fired = all_fired.syncs;
    std::size_t skipped = 0;
    for (std::size_t n = 1; n < fired.size(); ++n)
        if (fired[n].first - fired[n - 1].first != fired[n].second) ++skipped;
    std::size_t reports = 0, reminders = 0;
    for (const std::string& text : platform.bot_texts(main)) {
        if (text.rfind("All-hands sync report", 0) == 0) ++reports;
        if (text.rfind("All-hands sync at", 0) == 0) ++reminders;
    }
    const std::size_t most_reminders = all_fired.reminders;
    const std::size_t repeated_reports =
        (reports > fired.size() ? reports - fired.size() : 0) + (reminders > most_reminders ? reminders - most_reminders : 0);
    figures.duplicates += repeated_reports;
    figures.lost += skipped + (fired.size() > reports ? fired.size() - reports : 0);
    // Where a platform can tell one post from another (Slack's message metadata), no post twice at all.
    std::size_t repeated_posts = 0;
    if constexpr (requires { platform.repeated_posts(); }) repeated_posts = platform.repeated_posts();
    figures.duplicates += repeated_posts;
    // No channel made twice: a sev3 incident has its main channel and engineering, a sev4 its main channel.
    const std::size_t channels = platform.incident_channels();
    const std::size_t expected_channels = 2 + static_cast<std::size_t>(paged_incidents);
    if (channels > expected_channels) figures.duplicates += channels - expected_channels;
    // SQLite's own check of the file a killed process left (PostgreSQL's WAL is not the harness's to check).
    const auto integrity = world.postgres.empty() ? query(world.database.path, "PRAGMA integrity_check")
                                                  : std::vector<std::vector<std::string>>{{"ok"}};
    // At the end: the record verifies, and every published draft has exactly
    // one draft.published entry.
    if (!audit_verifies()) ++figures.unverified;
    std::size_t published_entries_wrong = 0;
    {
        auto tx = world.observer->begin();
        for (const Incident& incident : tx->incidents(false)) {
            std::map<std::string, int> published_entries;
            for (const AuditEntry& entry : tx->audit_entries(incident.id)) {
                if (entry.kind != "draft.published") continue;
                ++published_entries[nlohmann::json::parse(entry.facts).value("draft", "")];
            }
            for (const Draft& draft : tx->drafts(incident.id)) {
                const int entries = published_entries[to_string(draft.id)];
                if (entries != (draft.state == DraftState::published ? 1 : 0)) ++published_entries_wrong;
            }
        }
    }

    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
    std::cout << run << ": " << figures << ", e-mail duplicates " << delivered.email_duplicates << " ("
              << rounds << " rounds, " << approved.size() << " drafts (" << chat_drafts << " for the chat), "
              << incidents << " incidents (" << resolved << " resolved), " << commands.size() << " commands, "
              << fired.size() << " syncs, " << sync_kills << " kills as a sync fired; outbox drained "
              << drained_in.count() << " ms after the last command; seed " << seed << ", " << seconds.count()
              << " s)" << std::endl;
    print_outside(std::cout, run, delivered);

    INFO("first audit failure: " << first_unverified);
    CHECK(figures.unverified == 0);
    CHECK(published_entries_wrong == 0);
    CHECK(figures.kills == settings.kills);
    CHECK(figures.published == chat_drafts);
    CHECK(chat_drafts == static_cast<std::size_t>(rounds));
    CHECK(figures.duplicates == 0);
    CHECK(figures.lost == 0);
    CHECK(unanswered == 0);
    CHECK(answered_twice == 0);
    CHECK(incidents == 1 + static_cast<std::size_t>(paged_incidents));
    CHECK(resolved == static_cast<std::size_t>(paged_incidents));
    CHECK(channels == expected_channels);
    CHECK(drafts == approved.size());
    // The outside destinations, one by one (their sums are in figures.lost and figures.duplicates).
    CHECK(delivered.webhook_delivered == delivered.webhook_texts);
    CHECK(delivered.webhook_lost == 0);
    CHECK(delivered.webhook_duplicated == 0);
    CHECK(delivered.webhook_refused == 0);
    CHECK(delivered.statuspage_written == delivered.statuspage_texts);
    CHECK(delivered.statuspage_lost == 0);
    CHECK(delivered.statuspage_duplicated == 0);
    CHECK(delivered.statuspage_extra_incidents == 0);
    CHECK(delivered.statuspage_wrongly_resolved == 0);
    CHECK(delivered.email_lost == 0);            // copies are counted and printed, not failed: SMTP cannot promise fewer
    CHECK(delivered.email_other_ids == 0);
    CHECK(delivered.pages_lost == 0);
    CHECK(delivered.pages_reopened == 0);
    CHECK(delivered.pages_wrong_state == 0);
    CHECK(delivered.pages_unexpected == 0);
    CHECK(clues.size() == static_cast<std::size_t>(rounds));
    CHECK(clues_out_of_order == 0);
    CHECK(skipped == 0);
    CHECK(repeated_reports == 0);
    CHECK(repeated_posts == 0);
    CHECK(reports == fired.size());
    CHECK(fired.size() >= static_cast<std::size_t>(sync_kills));
    REQUIRE(integrity.size() == 1);
    CHECK(integrity[0][0] == "ok");
    return figures;
}

}  // namespace warroom::test
