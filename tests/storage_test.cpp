#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/effect_codec.hpp"
#include "postgres_cluster.hpp"
#include "storage/postgres/postgres_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace warroom {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

const Time kT0 = from_unix_ms(1'767'225'600'000);   // 2026-01-01 00:00 UTC

Time at_minute(int minute) { return kT0 + std::chrono::minutes(minute); }

// A database file under the temp directory, removed with its WAL files.
class TempDb {
public:
    TempDb() {
        static std::atomic<int> counter{0};
        std::random_device random;
        path_ = (fs::temp_directory_path() / ("warroom-storage-test-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(counter++) + "-" + std::to_string(random())))
                    .string();
    }
    ~TempDb() {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path_ + suffix, ignored);
    }
    TempDb(const TempDb&) = delete;
    TempDb& operator=(const TempDb&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A second, raw connection: to look at the file the way another process would.
class RawDb {
public:
    explicit RawDb(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK); }
    ~RawDb() { sqlite3_close(db_); }
    std::string text(const char* sql) {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK);
        std::string result;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
            result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
        return result;
    }
    void exec(const char* sql) { REQUIRE(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK); }

private:
    sqlite3* db_ = nullptr;
};

// A fresh, empty database of one backend, "sqlite" (a temporary file) or
// "postgresql" (a new database on the test cluster), and stores opened on it:
// several stores on one database stand for several replicas.
class TestDatabase {
public:
    explicit TestDatabase(std::string backend) : backend_(std::move(backend)) {
        REQUIRE((backend_ == "sqlite" || backend_ == "postgresql"));
        if (backend_ == "postgresql") url_ = test::fresh_postgres_database();
    }
    std::unique_ptr<Store> open() const {
        if (backend_ == "postgresql") return PostgresStore::open(url_);
        return SqliteStore::open(file_.path());
    }
    // Runs `sql` on a connection of its own, as another process would.
    void execute(const std::string& sql) const {
        if (backend_ == "postgresql") test::postgres_query(url_, sql);
        else RawDb(file_.path()).exec(sql.c_str());
    }
    // The first value `sql` reads, on a connection of its own (a reader: it
    // waits for no writer).
    std::string read(const std::string& sql) const {
        if (backend_ == "postgresql") return test::postgres_query(url_, sql);
        return RawDb(file_.path()).text(sql.c_str());
    }
    const std::string& url() const { return url_; }

private:
    std::string backend_;
    TempDb file_;            // the SQLite file's name; no file for PostgreSQL
    std::string url_;
};

// A fresh store on a fresh database of `backend`; the database lives as long as the store.
struct TestStore {
    std::unique_ptr<TestDatabase> database;
    std::unique_ptr<Store> store;
    Store* operator->() const { return store.get(); }
};

TestStore open_test_store(const std::string& backend) {
    auto database = std::make_unique<TestDatabase>(backend);
    auto store = database->open();
    return TestStore{std::move(database), std::move(store)};
}

// Waits until `condition` holds or `timeout` passes; true if it held. The
// condition asks the server (a connection and a query each time), which
// paces the loop: the server has no way to tell us when a lock is waited for.
template <class Condition>
bool eventually(Condition condition, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition())
        if (std::chrono::steady_clock::now() > deadline) return false;
    return true;
}

// One claim transaction: claims lanes for `holder` and commits.
std::set<std::string> claim(Store& store, std::string_view holder, Time now, Time until, std::size_t limit = 10) {
    auto tx = store.begin(TransactionKind::claim);
    const auto lanes = tx->claim_lanes(holder, now, until, limit);
    tx->commit();
    return {lanes.begin(), lanes.end()};
}

void release(Store& store, std::string_view lane, std::string_view holder) {
    auto tx = store.begin(TransactionKind::claim);
    tx->release_lane(lane, holder);
    tx->commit();
}

bool take_lease(Store& store, std::string_view name, std::string_view holder, Time now, Time until) {
    auto tx = store.begin(TransactionKind::claim);
    const bool held = tx->take_lease(name, holder, now, until);
    tx->commit();
    return held;
}

// What a thread did, for the main thread to check (Catch2's assertions are
// not for other threads).
template <class T>
struct Outcome {
    T value{};
    std::string error;
};

template <class T, class Work>
Outcome<T> outcome_of(Work work) {
    Outcome<T> outcome;
    try {
        outcome.value = work();
    } catch (const std::exception& error) {
        outcome.error = error.what();
    }
    return outcome;
}

Incident sample_incident(IncidentId id) {
    Incident incident;
    incident.id = id;
    incident.title = "Credential stuffing on login";
    incident.severity = Severity::sev2;
    incident.status = Status::mitigating;
    incident.lead = UserId{"alice"};
    incident.nominee = UserId{"bob"};
    incident.declared_by = UserId{"carol"};
    incident.declared_at = at_minute(0);
    incident.lead_since = at_minute(5);
    const std::string prefix = "inc-" + std::to_string(id.value());
    incident.channels.push_back(
        Channel{ChannelName{prefix + "-credential-stuffing"}, ChannelKind::main, "", {UserId{"alice"}, UserId{"carol"}}});
    incident.channels.push_back(
        Channel{ChannelName{prefix + "-legal"}, ChannelKind::workstream, "legal", {UserId{"dave"}}});
    incident.channels.push_back(
        Channel{ChannelName{prefix + "-engineering"}, ChannelKind::workstream, "engineering", {}});
    // Deliberately not alphabetical: the order of opening must survive.
    incident.workstreams.push_back(Workstream{"legal", UserId{"dave"}, ChannelName{prefix + "-legal"}, at_minute(10)});
    incident.workstreams.push_back(
        Workstream{"engineering", std::nullopt, ChannelName{prefix + "-engineering"}, at_minute(12)});
    incident.invited_groups = {"secops", "legal-team"};
    return incident;
}

Draft sample_draft(DraftId id, IncidentId incident) {
    Draft draft;
    draft.id = id;
    draft.incident = incident;
    draft.audience = "exec";
    draft.author = UserId{"bob"};
    draft.text = "We are investigating <unusual> login activity & have blocked it.";
    draft.created_at = at_minute(20);
    draft.routed_to = UserId{"alice"};
    return draft;
}

Card sample_card() {
    Card card;
    card.draft = DraftId{3};
    card.incident = IncidentId{7};
    card.incident_title = "Ransomware on \"fileserver\"";
    card.audience = "customers";
    card.audience_channel = "customer-comms";
    card.author = UserId{"bob"};
    card.text = "Line one\nLine two: ünïcödé ✓";
    card.revision = 2;
    card.state = DraftState::changes_requested;
    card.decided_by = UserId{"alice"};
    card.decided_at = at_minute(42);
    card.reason = "Too specific about the vector";
    card.rerouted_to = UserId{"erin"};
    card.exercise = true;
    return card;
}

void require_same_card(const Card& a, const Card& b) {
    CHECK(a.draft == b.draft);
    CHECK(a.incident == b.incident);
    CHECK(a.incident_title == b.incident_title);
    CHECK(a.audience == b.audience);
    CHECK(a.audience_channel == b.audience_channel);
    CHECK(a.author == b.author);
    CHECK(a.text == b.text);
    CHECK(a.revision == b.revision);
    CHECK(a.state == b.state);
    CHECK(a.decided_by == b.decided_by);
    CHECK(a.decided_at == b.decided_at);
    CHECK(a.reason == b.reason);
    CHECK(a.rerouted_to == b.rerouted_to);
    CHECK(a.exercise == b.exercise);
}

template <class T>
T round_trip(const T& effect) {
    const Effect decoded = decode_effect(encode_effect(Effect{effect}));
    REQUIRE(std::holds_alternative<T>(decoded));
    return std::get<T>(decoded);
}

}  // namespace

// ---------------------------------------------------------------------------
// SQLite only: the file, its journal, its version pragma.

TEST_CASE("sqlite store: migrations run from empty and only once", "[storage]") {
    REQUIRE(SqliteStore::latest_schema_version() >= 1);
    auto memory = SqliteStore::open(":memory:");
    CHECK(memory->schema_version() == SqliteStore::latest_schema_version());

    TempDb file;
    SqliteStore::open(file.path());
    // Re-applying a migration would fail on CREATE TABLE, so opening again
    // succeeding at the same version shows nothing was re-run.
    auto reopened = SqliteStore::open(file.path());
    CHECK(reopened->schema_version() == SqliteStore::latest_schema_version());
}

TEST_CASE("sqlite store: a database from a newer build is refused", "[storage]") {
    TempDb file;
    SqliteStore::open(file.path());
    {
        RawDb raw(file.path());
        const std::string set = "PRAGMA user_version = " + std::to_string(SqliteStore::latest_schema_version() + 1);
        raw.exec(set.c_str());
    }
    REQUIRE_THROWS_AS(SqliteStore::open(file.path()), StorageError);
    REQUIRE_THROWS_WITH(SqliteStore::open(file.path()), Contains("newer than this warroom build"));
}

TEST_CASE("sqlite store: a file database runs in WAL mode", "[storage]") {
    TempDb file;
    auto store = SqliteStore::open(file.path());
    RawDb other(file.path());
    CHECK(other.text("PRAGMA journal_mode") == "wal");
}

TEST_CASE("sqlite store: the log is checkpointed into the database file while the store stays open", "[storage]") {
    TempDb file;
    auto store = SqliteStore::open(file.path());
    const auto size_of = [](const std::string& path) {
        std::error_code ignored;
        const auto size = fs::file_size(path, ignored);
        return ignored ? std::uintmax_t{0} : size;
    };
    const std::uintmax_t before = size_of(file.path());
    // Well past the 1,000 pages after which a checkpoint is asked for: 400 commits of about 10 pages.
    const std::string bulk(40'000, 'x');
    IncidentId incident;
    {
        auto tx = store->begin();
        incident = tx->next_incident_id();
        tx->save(sample_incident(incident));
        tx->commit();
    }
    for (int i = 0; i < 400; ++i) {
        TimelineEntry entry;
        entry.incident = incident;
        entry.at = at_minute(i);
        entry.actor = UserId{"alice"};
        entry.text = bulk + std::to_string(i);
        auto tx = store->begin();
        tx->append(entry);
        tx->commit();
    }
    // The checkpoint runs on a thread of its own: wait for the file to take the pages, with a deadline.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (size_of(file.path()) < before + 4'000'000 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    CHECK(size_of(file.path()) >= before + 4'000'000);
}

TEST_CASE("sqlite store: a writer that never pauses still sees the log start again", "[storage]") {
    TempDb file;
    auto store = SqliteStore::open(file.path());
    IncidentId incident;
    {
        auto tx = store->begin();
        incident = tx->next_incident_id();
        tx->save(sample_incident(incident));
        tx->commit();
    }
    // About 100 MB of commits back to back: without a restart the log would hold all of it.
    const std::string bulk(40'000, 'x');
    std::uintmax_t largest_log = 0;
    for (int i = 0; i < 2'500; ++i) {
        TimelineEntry entry;
        entry.incident = incident;
        entry.at = at_minute(i);
        entry.actor = UserId{"alice"};
        entry.text = bulk;
        auto tx = store->begin();
        tx->append(entry);
        tx->commit();
        std::error_code ignored;
        largest_log = std::max(largest_log, fs::file_size(file.path() + "-wal", ignored));
    }
    CHECK(largest_log > 4'000'000);    // it did grow past the first checkpoint
    CHECK(largest_log < 90'000'000);   // and started again by 20,000 pages (about 82 MB) at the latest
}

// ---------------------------------------------------------------------------
// Both backends, from one source: each test case runs once per backend.

TEST_CASE("store: incidents round-trip with channels, members, workstreams and groups", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    const IncidentId id = tx->next_incident_id();
    CHECK(id == IncidentId{1});
    const Incident saved = sample_incident(id);
    tx->save(saved);

    auto loaded = tx->incident(id);
    REQUIRE(loaded);
    CHECK(loaded->id == id);
    CHECK(loaded->title == saved.title);
    CHECK(loaded->severity == Severity::sev2);
    CHECK(loaded->status == Status::mitigating);
    CHECK(loaded->lead == UserId{"alice"});
    CHECK(loaded->nominee == std::optional<UserId>(UserId{"bob"}));
    CHECK(loaded->declared_by == UserId{"carol"});
    CHECK(loaded->declared_at == saved.declared_at);
    CHECK(loaded->lead_since == saved.lead_since);
    CHECK_FALSE(loaded->resolved_at);
    CHECK_FALSE(loaded->exercise);
    REQUIRE(loaded->channels.size() == 3);
    for (std::size_t i = 0; i < saved.channels.size(); ++i) {
        CHECK(loaded->channels[i].name == saved.channels[i].name);
        CHECK(loaded->channels[i].kind == saved.channels[i].kind);
        CHECK(loaded->channels[i].workstream == saved.channels[i].workstream);
        CHECK(loaded->channels[i].members == saved.channels[i].members);
    }
    CHECK(loaded->main_channel().name == saved.channels[0].name);
    REQUIRE(loaded->workstreams.size() == 2);
    CHECK(loaded->workstreams[0].name == "legal");
    CHECK(loaded->workstreams[0].lead == std::optional<UserId>(UserId{"dave"}));
    CHECK(loaded->workstreams[0].channel == saved.workstreams[0].channel);
    CHECK(loaded->workstreams[0].opened_at == at_minute(10));
    CHECK(loaded->workstreams[1].name == "engineering");
    CHECK_FALSE(loaded->workstreams[1].lead);
    CHECK(loaded->invited_groups == saved.invited_groups);

    CHECK(tx->incident_for_channel(saved.channels[1].name) == std::optional<IncidentId>(id));
    CHECK_FALSE(tx->incident_for_channel(ChannelName{"random"}));
    CHECK_FALSE(tx->incident(IncidentId{99}));

    SECTION("saving again replaces channels and keeps drafts and timeline") {
        tx->save(sample_draft(tx->next_draft_id(), id));
        tx->append(TimelineEntry{0, id, at_minute(1), UserId{"carol"}, EntryKind::declared, "declared"});

        Incident changed = *loaded;
        changed.nominee.reset();
        changed.status = Status::resolved;
        changed.resolved_at = at_minute(90);
        changed.exercise = true;
        changed.scenario = "ransomware-tabletop";
        changed.root_cause = "reused password";
        changed.impact = "none";
        changed.channels.pop_back();
        changed.workstreams.pop_back();
        changed.channels[0].members.insert(UserId{"erin"});
        changed.invited_groups.erase("secops");
        tx->save(changed);

        auto again = tx->incident(id);
        REQUIRE(again);
        CHECK_FALSE(again->nominee);
        CHECK(again->resolved_at == std::optional<Time>(at_minute(90)));
        CHECK(again->exercise);
        CHECK(again->scenario == "ransomware-tabletop");
        CHECK(again->root_cause == "reused password");
        CHECK(again->impact == "none");
        CHECK(again->channels.size() == 2);
        CHECK(again->channels[0].members.count(UserId{"erin"}) == 1);
        CHECK(again->workstreams.size() == 1);
        CHECK(again->invited_groups == std::set<std::string>{"legal-team"});
        CHECK_FALSE(tx->incident_for_channel(saved.channels[2].name));
        CHECK(tx->drafts(id).size() == 1);
        CHECK(tx->timeline(id).size() == 1);
    }
}

TEST_CASE("store: incidents lists by id, optionally only open ones", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    for (int i = 0; i < 3; ++i) {
        Incident incident = sample_incident(tx->next_incident_id());
        if (i == 1) incident.status = Status::resolved;
        tx->save(incident);
    }
    auto all = tx->incidents(false);
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == IncidentId{1});
    CHECK(all[2].id == IncidentId{3});
    auto open = tx->incidents(true);
    REQUIRE(open.size() == 2);
    CHECK(open[0].id == IncidentId{1});
    CHECK(open[1].id == IncidentId{3});
}

TEST_CASE("store: drafts round-trip with and without optional fields", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    const IncidentId incident = tx->next_incident_id();
    tx->save(sample_incident(incident));

    const Draft plain = sample_draft(tx->next_draft_id(), incident);
    Draft decided = sample_draft(tx->next_draft_id(), incident);
    decided.audience = "customers";
    decided.state = DraftState::published;
    decided.revision = 3;
    decided.is_summary = true;
    decided.decided_by = UserId{"alice"};
    decided.decided_at = at_minute(30);
    decided.reason = "fine after edits";
    decided.published_at = at_minute(31);
    decided.lead_approval = UserId{"alice"};
    decided.approver_approval = UserId{"pat"};
    tx->save(plain);
    tx->save(decided);
    CHECK(plain.id == DraftId{1});
    CHECK(decided.id == DraftId{2});

    auto first = tx->draft(plain.id);
    REQUIRE(first);
    CHECK(first->incident == incident);
    CHECK(first->audience == "exec");
    CHECK(first->author == UserId{"bob"});
    CHECK(first->text == plain.text);
    CHECK(first->state == DraftState::pending);
    CHECK(first->revision == 1);
    CHECK_FALSE(first->is_summary);
    CHECK(first->created_at == at_minute(20));
    CHECK(first->routed_to == UserId{"alice"});
    CHECK_FALSE(first->decided_by);
    CHECK_FALSE(first->decided_at);
    CHECK(first->reason.empty());
    CHECK_FALSE(first->published_at);
    CHECK_FALSE(first->lead_approval);
    CHECK_FALSE(first->approver_approval);

    auto second = tx->draft(decided.id);
    REQUIRE(second);
    CHECK(second->audience == "customers");
    CHECK(second->state == DraftState::published);
    CHECK(second->revision == 3);
    CHECK(second->is_summary);
    CHECK(second->decided_by == std::optional<UserId>(UserId{"alice"}));
    CHECK(second->decided_at == std::optional<Time>(at_minute(30)));
    CHECK(second->reason == "fine after edits");
    CHECK(second->published_at == std::optional<Time>(at_minute(31)));
    CHECK(second->lead_approval == std::optional<UserId>(UserId{"alice"}));
    CHECK(second->approver_approval == std::optional<UserId>(UserId{"pat"}));

    Draft revised = *first;
    revised.text = "Revised text";
    revised.revision = 2;
    tx->save(revised);
    auto all = tx->drafts(incident);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == plain.id);
    CHECK(all[0].text == "Revised text");
    CHECK(all[0].revision == 2);
    CHECK(all[1].id == decided.id);
    CHECK_FALSE(tx->draft(DraftId{42}));

    // Foreign keys are enforced: a draft needs its incident.
    CHECK_THROWS_AS(tx->save(sample_draft(DraftId{50}, IncidentId{404})), StorageError);
}

TEST_CASE("store: status updates and timeline come back oldest first per incident", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    const IncidentId one = tx->next_incident_id();
    const IncidentId two = tx->next_incident_id();
    tx->save(sample_incident(one));
    tx->save(sample_incident(two));

    tx->add(StatusUpdate{one, "legal", UserId{"dave"}, "Regulator notified", at_minute(3)});
    tx->add(StatusUpdate{two, "", UserId{"alice"}, "other incident", at_minute(4)});
    tx->add(StatusUpdate{one, "", UserId{"alice"}, "Contained", at_minute(2)});
    auto updates = tx->updates(one);
    REQUIRE(updates.size() == 2);
    CHECK(updates[0].incident == one);
    CHECK(updates[0].workstream == "legal");
    CHECK(updates[0].author == UserId{"dave"});
    CHECK(updates[0].text == "Regulator notified");
    CHECK(updates[0].at == at_minute(3));
    CHECK(updates[1].workstream.empty());
    CHECK(updates[1].text == "Contained");

    const auto s1 = tx->append(TimelineEntry{0, one, at_minute(0), UserId{"carol"}, EntryKind::declared, "declared"});
    const auto s2 = tx->append(TimelineEntry{0, two, at_minute(1), UserId{"alice"}, EntryKind::note, "elsewhere"});
    const auto s3 = tx->append(TimelineEntry{0, one, at_minute(1), UserId{"alice"}, EntryKind::approval, "D-1 approved"});
    CHECK(s1 < s2);
    CHECK(s2 < s3);
    auto timeline = tx->timeline(one);
    REQUIRE(timeline.size() == 2);
    CHECK(timeline[0].seq == s1);
    CHECK(timeline[0].incident == one);
    CHECK(timeline[0].actor == UserId{"carol"});
    CHECK(timeline[0].kind == EntryKind::declared);
    CHECK(timeline[0].text == "declared");
    CHECK(timeline[0].at == at_minute(0));
    CHECK(timeline[1].seq == s3);
    CHECK(timeline[1].kind == EntryKind::approval);
}

TEST_CASE("store: the outbox hands out pending jobs in order", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    const auto a = tx->enqueue(post_to(ChannelName{"inc-1-x"}, "first"), "incident:1", at_minute(0));
    const auto b = tx->enqueue(direct_to(UserId{"alice"}, "second"), "", at_minute(0));
    const auto c = tx->enqueue(Publish{DraftId{1}, ChannelName{"exec-briefing"}, "third"}, "incident:1", at_minute(1));
    CHECK(a < b);
    CHECK(b < c);

    auto pending = tx->pending_jobs(10);
    REQUIRE(pending.size() == 3);
    CHECK(pending[0].id == a);
    CHECK(pending[1].id == b);
    CHECK(pending[2].id == c);
    CHECK(pending[0].lane == "incident:1");
    CHECK(pending[1].lane.empty());
    CHECK(std::get<PostMessage>(pending[0].effect).text == "first");
    CHECK(std::get<Publish>(pending[2].effect).text == "third");
    CHECK(tx->pending_jobs(2).size() == 2);

    tx->complete_job(a, at_minute(2));
    tx->complete_job(a, at_minute(3));   // a repeat is harmless
    pending = tx->pending_jobs(10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].id == b);
    CHECK(pending[1].id == c);
}

TEST_CASE("store: the outbox backlog counts the pending jobs of every lane and dates the oldest",
          "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    OutboxBacklog backlog = tx->outbox_backlog();
    CHECK(backlog.jobs == 0);
    CHECK_FALSE(backlog.oldest);

    const auto a = tx->enqueue(post_to(ChannelName{"inc-1-x"}, "first"), "incident:1", at_minute(1));
    tx->enqueue(direct_to(UserId{"alice"}, "second"), "", at_minute(2));
    const auto c = tx->enqueue(post_to(ChannelName{"inc-2-y"}, "third"), "incident:2", at_minute(3));
    backlog = tx->outbox_backlog();
    CHECK(backlog.jobs == 3);
    CHECK(backlog.oldest == std::optional(at_minute(1)));

    tx->complete_job(a, at_minute(4));
    tx->complete_job(c, at_minute(4));
    tx->commit();
    tx.reset();
    auto next = store->begin(TransactionKind::read);
    backlog = next->outbox_backlog();
    CHECK(backlog.jobs == 1);
    CHECK(backlog.oldest == std::optional(at_minute(2)));
}

TEST_CASE("store: outbox lanes keep their jobs in order and go to one holder at a time", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    OutboxJobId two_first, one_a, general, one_b;
    {
        auto tx = store->begin();
        two_first = tx->enqueue(post_to(ChannelName{"inc-2-x"}, "two first"), "incident:2", at_minute(0));
        one_a = tx->enqueue(post_to(ChannelName{"inc-1-x"}, "one a"), "incident:1", at_minute(0));
        general = tx->enqueue(direct_to(UserId{"alice"}, "no incident"), "", at_minute(0));
        one_b = tx->enqueue(post_to(ChannelName{"inc-1-x"}, "one b"), "incident:1", at_minute(0));
        tx->commit();
    }
    {
        auto tx = store->begin(TransactionKind::claim);
        const auto one = tx->pending_jobs("incident:1", 10);
        REQUIRE(one.size() == 2);
        CHECK(one[0].id == one_a);
        CHECK(one[1].id == one_b);
        CHECK(one[0].lane == "incident:1");
        CHECK(std::get<PostMessage>(one[1].effect).text == "one b");
        CHECK(tx->pending_jobs("incident:1", 1).size() == 1);
        CHECK(tx->pending_jobs("incident:9", 10).empty());
        const auto all = tx->pending_jobs(10);
        REQUIRE(all.size() == 4);
        CHECK(all[0].lane == "incident:2");
        CHECK(all[2].id == general);
        CHECK(all[2].lane.empty());
    }
    using Lanes = std::set<std::string>;
    if (backend == "sqlite") {
        // One process's database: every lane with pending jobs is its own,
        // whatever the holder says, and a claim writes nothing.
        CHECK(claim(*store.store, "a", at_minute(0), at_minute(1), 2) == Lanes{"incident:2", "incident:1"});
        CHECK(claim(*store.store, "b", at_minute(0), at_minute(1)) == Lanes{"incident:2", "incident:1", ""});
        {
            auto tx = store->begin();
            tx->complete_job(general, at_minute(1));
            tx->commit();
        }
        CHECK(claim(*store.store, "b", at_minute(0), at_minute(1)) == Lanes{"incident:2", "incident:1"});
        return;
    }
    // Within its limit, a claim takes the lanes whose oldest jobs are oldest.
    CHECK(claim(*store.store, "a", at_minute(0), at_minute(1), 2) == Lanes{"incident:2", "incident:1"});
    CHECK(claim(*store.store, "b", at_minute(0), at_minute(1)) == Lanes{""});
    CHECK(claim(*store.store, "b", at_minute(0), at_minute(1)) == Lanes{""});   // its own again
    // A renews its lanes; B's claims after A's first lease ended find them still A's.
    CHECK(claim(*store.store, "a", at_minute(0), at_minute(3)) == Lanes{"incident:2", "incident:1"});
    CHECK(claim(*store.store, "b", at_minute(2), at_minute(4)) == Lanes{""});
    CHECK(claim(*store.store, "b", at_minute(3), at_minute(4)) == Lanes{""});   // not ended while now == until
    // A heartbeat extends every lane A holds.
    {
        auto tx = store->begin(TransactionKind::claim);
        tx->renew_lanes("a", at_minute(6));
        tx->commit();
    }
    CHECK(claim(*store.store, "b", at_minute(5), at_minute(7)) == Lanes{""});
    // Only the holder gives a lane back, and only once its jobs are done;
    // then it is free at once, though A's lease would run on.
    release(*store.store, "incident:1", "b");
    release(*store.store, "incident:1", "a");
    CHECK(claim(*store.store, "b", at_minute(5), at_minute(7)) == Lanes{""});
    {
        auto tx = store->begin();
        tx->complete_job(one_a, at_minute(5));
        tx->complete_job(one_b, at_minute(5));
        tx->commit();
    }
    release(*store.store, "incident:1", "a");
    {
        auto tx = store->begin();
        tx->enqueue(post_to(ChannelName{"inc-1-x"}, "one c"), "incident:1", at_minute(5));
        tx->commit();
    }
    CHECK(claim(*store.store, "b", at_minute(5), at_minute(7)) == Lanes{"incident:1", ""});
    // A lane without pending jobs is not handed out; a new job brings it back.
    {
        auto tx = store->begin();
        tx->complete_job(two_first, at_minute(5));
        tx->commit();
    }
    CHECK(claim(*store.store, "c", at_minute(10), at_minute(20)) == Lanes{"incident:1", ""});
    {
        auto tx = store->begin();
        tx->enqueue(post_to(ChannelName{"inc-2-x"}, "two again"), "incident:2", at_minute(12));
        tx->commit();
    }
    CHECK(claim(*store.store, "a", at_minute(12), at_minute(13)) == Lanes{"incident:2"});
}

TEST_CASE("store: two stores claiming at once get disjoint lanes", "[storage][postgresql]") {
    // PostgreSQL only: a SQLite file is one process's, and hands every lane to it.
    TestDatabase database("postgresql");
    auto first = database.open();
    auto second = database.open();
    std::set<std::string> all;
    {
        auto tx = first->begin();
        for (int i = 1; i <= 8; ++i) {
            const std::string lane = "incident:" + std::to_string(i);
            tx->enqueue(post_to(ChannelName{"inc-x"}, "job"), lane, at_minute(0));
            all.insert(lane);
        }
        tx->commit();
    }
    // Each takes up to 5 of the 8: between them they must get all 8, none twice.
    const auto claim_in_thread = [](Store& store, std::string holder) {
        return std::async(std::launch::async, [&store, holder] {
            return outcome_of<std::set<std::string>>(
                [&] { return claim(store, holder, at_minute(0), at_minute(1), 5); });
        });
    };
    auto a = claim_in_thread(*first, "a");
    auto b = claim_in_thread(*second, "b");
    const auto by_a = a.get();
    const auto by_b = b.get();
    REQUIRE(by_a.error.empty());
    REQUIRE(by_b.error.empty());
    for (const std::string& lane : by_a.value) CHECK(by_b.value.count(lane) == 0);
    std::set<std::string> both = by_a.value;
    both.insert(by_b.value.begin(), by_b.value.end());
    CHECK(both.size() == by_a.value.size() + by_b.value.size());
    // Serialised, the second finds the first's 5 held and takes the other 3;
    // side by side, each skips what the other is locking.
    CHECK(both == all);
}

TEST_CASE("store: leases are taken, renewed, expire and are released", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    Store& s = *store.store;
    CHECK(take_lease(s, "matrix.sync", "a", at_minute(0), at_minute(1)));
    CHECK_FALSE(take_lease(s, "matrix.sync", "b", at_minute(0), at_minute(1)));
    CHECK(take_lease(s, "other.role", "b", at_minute(0), at_minute(1)));   // another name is another lease
    CHECK(take_lease(s, "matrix.sync", "a", at_minute(1), at_minute(3)));   // renewed
    CHECK_FALSE(take_lease(s, "matrix.sync", "b", at_minute(2), at_minute(4)));
    CHECK_FALSE(take_lease(s, "matrix.sync", "b", at_minute(3), at_minute(4)));   // now == until: still A's
    CHECK(take_lease(s, "matrix.sync", "b", at_minute(4), at_minute(5)));   // A's ended
    CHECK_FALSE(take_lease(s, "matrix.sync", "a", at_minute(4), at_minute(5)));
    {
        auto tx = s.begin(TransactionKind::claim);
        tx->release_lease("matrix.sync", "a");   // not A's: changes nothing
        tx->commit();
    }
    CHECK_FALSE(take_lease(s, "matrix.sync", "a", at_minute(4), at_minute(5)));
    {
        auto tx = s.begin(TransactionKind::claim);
        tx->release_lease("matrix.sync", "b");
        tx->commit();
    }
    CHECK(take_lease(s, "matrix.sync", "a", at_minute(4), at_minute(5)));
}

TEST_CASE("store: of two stores recording the same event, exactly one succeeds", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    TestDatabase database(backend);
    auto first = database.open();
    auto second = database.open();
    constexpr int kEvents = 20;
    const auto record_all = [](Store& store) {
        return std::async(std::launch::async, [&store] {
            return outcome_of<std::vector<bool>>([&] {
                std::vector<bool> recorded;
                for (int i = 0; i < kEvents; ++i) {
                    auto tx = store.begin();
                    recorded.push_back(tx->record_event(EventId{"Ev" + std::to_string(i)}, at_minute(0)));
                    tx->commit();
                }
                return recorded;
            });
        });
    };
    auto a = record_all(*first);
    auto b = record_all(*second);
    const auto by_a = a.get();
    const auto by_b = b.get();
    REQUIRE(by_a.error.empty());
    REQUIRE(by_b.error.empty());
    REQUIRE(by_a.value.size() == kEvents);
    REQUIRE(by_b.value.size() == kEvents);
    for (int i = 0; i < kEvents; ++i) {
        INFO("event " << i);
        CHECK(by_a.value[i] != by_b.value[i]);
    }
}

TEST_CASE("store: schedules, escalations, action items and the audit record round-trip", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    const IncidentId id = tx->next_incident_id();
    tx->save(sample_incident(id));

    SECTION("schedules: due ones earliest first, done ones gone") {
        Schedule recurring;
        recurring.incident = id;
        recurring.kind = ScheduleKind::sync_reminder;
        recurring.target = "legal";
        recurring.due_at = at_minute(30);
        recurring.every = std::chrono::minutes(30);
        recurring.id = tx->add(recurring);
        Schedule once;
        once.incident = id;
        once.kind = ScheduleKind::summary;
        once.due_at = at_minute(10);
        once.id = tx->add(once);
        CHECK(recurring.id < once.id);

        CHECK(tx->next_due_time() == std::optional<Time>(at_minute(10)));
        CHECK(tx->due_schedules(at_minute(9), 10).empty());
        auto due = tx->due_schedules(at_minute(30), 10);
        REQUIRE(due.size() == 2);
        CHECK(due[0].id == once.id);
        CHECK(due[1].id == recurring.id);
        CHECK(due[1].kind == ScheduleKind::sync_reminder);
        CHECK(due[1].target == "legal");
        CHECK(due[1].every == std::chrono::minutes(30));
        CHECK(due[1].state == ScheduleState::pending);
        CHECK_FALSE(due[1].done_at);
        CHECK(tx->due_schedules(at_minute(30), 1).size() == 1);

        once.state = ScheduleState::fired;
        once.done_at = at_minute(10);
        tx->save(once);
        const auto pending = tx->pending_schedules(id);
        REQUIRE(pending.size() == 1);
        CHECK(pending[0].id == recurring.id);
        CHECK(tx->next_due_time() == std::optional<Time>(at_minute(30)));
        recurring.state = ScheduleState::cancelled;
        tx->save(recurring);
        CHECK_FALSE(tx->next_due_time());
    }
    SECTION("escalations: numbered E-1, E-2 and decided in place") {
        Escalation asked;
        asked.id = tx->next_escalation_id();
        asked.incident = id;
        asked.requested_by = UserId{"alice"};
        asked.text = "Take the file servers offline";
        asked.requested_at = at_minute(5);
        asked.deadline = at_minute(35);
        tx->save(asked);
        Escalation other = asked;
        other.id = tx->next_escalation_id();
        other.deadline.reset();
        tx->save(other);
        CHECK(asked.id == EscalationId{1});
        CHECK(other.id == EscalationId{2});

        asked.state = EscalationState::allowed;
        asked.decided_by = UserId{"erin"};
        asked.decided_at = at_minute(7);
        asked.comment = "Go";
        tx->save(asked);
        auto loaded = tx->escalation(asked.id);
        REQUIRE(loaded);
        CHECK(loaded->incident == id);
        CHECK(loaded->text == asked.text);
        CHECK(loaded->requested_at == at_minute(5));
        CHECK(loaded->deadline == std::optional<Time>(at_minute(35)));
        CHECK(loaded->state == EscalationState::allowed);
        CHECK(loaded->decided_by == std::optional<UserId>(UserId{"erin"}));
        CHECK(loaded->decided_at == std::optional<Time>(at_minute(7)));
        CHECK(loaded->comment == "Go");
        const auto all = tx->escalations(id);
        REQUIRE(all.size() == 2);
        CHECK_FALSE(all[1].deadline);
        CHECK(all[1].state == EscalationState::pending);
        CHECK_FALSE(tx->escalation(EscalationId{9}));
    }
    SECTION("action items: numbered 1, 2 per incident") {
        CHECK(tx->add(ActionItem{id, 0, "Rotate keys", UserId{"dave"}, UserId{"alice"}, at_minute(60)}) == 1);
        CHECK(tx->add(ActionItem{id, 0, "Write runbook", std::nullopt, UserId{"alice"}, at_minute(61)}) == 2);
        const IncidentId other = tx->next_incident_id();
        tx->save(sample_incident(other));
        CHECK(tx->add(ActionItem{other, 0, "Elsewhere", std::nullopt, UserId{"bob"}, at_minute(62)}) == 1);
        const auto items = tx->action_items(id);
        REQUIRE(items.size() == 2);
        CHECK(items[0].number == 1);
        CHECK(items[0].text == "Rotate keys");
        CHECK(items[0].owner == std::optional<UserId>(UserId{"dave"}));
        CHECK(items[0].added_by == UserId{"alice"});
        CHECK(items[0].added_at == at_minute(60));
        CHECK_FALSE(items[1].owner);
    }
    SECTION("the audit record: by seq, a taken seq refused") {
        CHECK(tx->unchained_incidents() == std::vector<IncidentId>{id});
        CHECK_FALSE(tx->last_audit_entry(id));
        const AuditEntry first = append_audit(*tx, id, at_minute(1), UserId{"alice"}, "Alice", "incident.declared",
                                              nlohmann::json{{"title", "x"}});
        const AuditEntry second = append_audit(*tx, id, at_minute(2), UserId{"bob"}, "", "note.added", nlohmann::json::object());
        CHECK(first.seq == 1);
        CHECK(second.seq == 2);
        CHECK(second.prev_hash == first.hash);
        const auto entries = tx->audit_entries(id);
        REQUIRE(entries.size() == 2);
        CHECK(entries[0].actor_name == "Alice");
        CHECK(entries[0].facts == first.facts);
        CHECK(entries[0].at == at_minute(1));
        CHECK(entries[1].hash == second.hash);
        CHECK(entries[1].actor_name == "bob");
        CHECK(tx->last_audit_entry(id)->seq == 2);
        CHECK(tx->unchained_incidents().empty());
        CHECK_THROWS_AS(tx->insert_audit(first), StorageError);
    }
}

TEST_CASE("store: incidents from before the audit record get their chains at the next open", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    TestDatabase database(backend);
    {
        auto store = database.open();
        auto tx = store->begin();
        tx->save(sample_incident(tx->next_incident_id()));
        tx->commit();
    }
    // What migration 3 leaves in a database that had incidents.
    database.execute("INSERT INTO counters (name, value) VALUES ('audit_chains_to_begin', 1)");
    auto store = database.open();
    auto tx = store->begin();
    const auto entries = tx->audit_entries(IncidentId{1});
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].kind == "chain.begun_at_upgrade");
    CHECK(tx->unchained_incidents().empty());
    tx.reset();
    store.reset();
    auto again = database.open();   // the mark is gone: nothing is begun twice
    CHECK(again->begin()->audit_entries(IncidentId{1}).size() == 1);
}

TEST_CASE("store: platform refs are stored and overwritten", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    CHECK_FALSE(tx->platform_ref("slack.channel", "inc-1-x"));
    tx->set_platform_ref("slack.channel", "inc-1-x", "C123");
    tx->set_platform_ref("card", "inc-1-x", "other kind");
    CHECK(tx->platform_ref("slack.channel", "inc-1-x") == std::optional<std::string>("C123"));
    tx->set_platform_ref("slack.channel", "inc-1-x", "C456");
    CHECK(tx->platform_ref("slack.channel", "inc-1-x") == std::optional<std::string>("C456"));
    CHECK(tx->platform_ref("card", "inc-1-x") == std::optional<std::string>("other kind"));
}

TEST_CASE("store: a repeated event id is reported", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    {
        auto tx = store->begin();
        CHECK(tx->record_event(EventId{"Ev01"}, at_minute(0)));
        CHECK_FALSE(tx->record_event(EventId{"Ev01"}, at_minute(1)));
        CHECK(tx->record_event(EventId{"Ev02"}, at_minute(1)));
        tx->commit();
    }
    auto tx = store->begin();
    CHECK_FALSE(tx->record_event(EventId{"Ev01"}, at_minute(2)));
}

TEST_CASE("store: a transaction dropped without commit leaves no trace", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    {
        auto tx = store->begin();
        const IncidentId id = tx->next_incident_id();
        tx->save(sample_incident(id));
        tx->save(sample_draft(tx->next_draft_id(), id));
        tx->record_event(EventId{"Ev01"}, at_minute(0));
        tx->enqueue(post_to(ChannelName{"inc-1-x"}, "hello"), "incident:1", at_minute(0));
        tx->set_platform_ref("card", "D-1", "ts-1");
        tx->take_lease("matrix.sync", "a", at_minute(0), at_minute(1));
    }
    auto tx = store->begin();
    CHECK_FALSE(tx->incident(IncidentId{1}));
    CHECK(tx->incidents(false).empty());
    CHECK_FALSE(tx->incident_for_channel(ChannelName{"inc-1-credential-stuffing"}));
    CHECK_FALSE(tx->draft(DraftId{1}));
    CHECK(tx->pending_jobs(10).empty());
    CHECK(tx->claim_lanes("a", at_minute(0), at_minute(1), 10).empty());
    CHECK_FALSE(tx->platform_ref("card", "D-1"));
    CHECK(tx->take_lease("matrix.sync", "b", at_minute(0), at_minute(1)));
    CHECK(tx->record_event(EventId{"Ev01"}, at_minute(1)));
    CHECK(tx->next_incident_id() == IncidentId{1});
    CHECK(tx->next_draft_id() == DraftId{1});
}

TEST_CASE("store: grouped transactions become durable together, or each at once where the backend does not group",
          "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    TestDatabase database(backend);
    auto store = database.open();
    // What another process sees.
    const auto recorded = [&](const std::string& id) {
        return database.read("SELECT count(*) FROM processed_events WHERE event_id = '" + id + "'") == "1";
    };

    const bool held = store->begin_group();
    CHECK(held == (backend == "sqlite"));
    {
        auto tx = store->begin();
        tx->record_event(EventId{"Ev01"}, at_minute(0));
        tx->commit();
    }
    {
        auto tx = store->begin();   // dropped: undoes itself and nothing the group held before it
        tx->record_event(EventId{"Ev02"}, at_minute(0));
    }
    {
        auto tx = store->begin();
        tx->record_event(EventId{"Ev03"}, at_minute(0));
        tx->commit();
    }
    CHECK(recorded("Ev01") == !held);
    CHECK(recorded("Ev03") == !held);
    store->commit_group();
    CHECK(recorded("Ev01"));
    CHECK_FALSE(recorded("Ev02"));
    CHECK(recorded("Ev03"));

    store->begin_group();
    {
        auto tx = store->begin();
        tx->record_event(EventId{"Ev04"}, at_minute(1));
        tx->commit();
    }
    store->abort_group();
    CHECK(recorded("Ev04") == !held);   // dropped with the group where it was held

    // After a group, transactions commit on their own again.
    auto tx = store->begin();
    tx->record_event(EventId{"Ev05"}, at_minute(2));
    tx->commit();
    tx.reset();
    CHECK(recorded("Ev05"));
}

TEST_CASE("store: one transaction at a time, none used after commit", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    auto store = open_test_store(backend);
    auto tx = store->begin();
    CHECK_THROWS_AS(store->begin(), StorageError);
    CHECK_THROWS_AS(store->begin(TransactionKind::claim), StorageError);
    tx->commit();
    CHECK_THROWS_AS(tx->next_incident_id(), StorageError);
    tx.reset();
    CHECK_NOTHROW(store->begin());
}

TEST_CASE("store: data survives closing and reopening the database", "[storage][postgresql]") {
    const std::string backend = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    CAPTURE(backend);
    TestDatabase database(backend);
    IncidentId id;
    OutboxJobId job;
    {
        auto store = database.open();
        auto tx = store->begin();
        id = tx->next_incident_id();
        tx->save(sample_incident(id));
        tx->save(sample_draft(tx->next_draft_id(), id));
        tx->add(StatusUpdate{id, "legal", UserId{"dave"}, "noted", at_minute(3)});
        tx->append(TimelineEntry{0, id, at_minute(0), UserId{"carol"}, EntryKind::declared, "declared"});
        tx->record_event(EventId{"Ev01"}, at_minute(0));
        job = tx->enqueue(post_to(ChannelName{"inc-1-x"}, "hello"), "incident:1", at_minute(0));
        tx->set_platform_ref("card", "D-1", "ts-1");
        tx->commit();
    }
    auto store = database.open();
    auto tx = store->begin();
    auto incident = tx->incident(id);
    REQUIRE(incident);
    CHECK(incident->channels.size() == 3);
    CHECK(incident->workstreams.size() == 2);
    CHECK(tx->drafts(id).size() == 1);
    CHECK(tx->updates(id).size() == 1);
    CHECK(tx->timeline(id).size() == 1);
    CHECK_FALSE(tx->record_event(EventId{"Ev01"}, at_minute(1)));
    auto pending = tx->pending_jobs(10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].id == job);
    CHECK(pending[0].lane == "incident:1");
    CHECK(tx->platform_ref("card", "D-1") == std::optional<std::string>("ts-1"));
    CHECK(tx->next_incident_id() == IncidentId{2});
    CHECK(tx->next_draft_id() == DraftId{2});
}

TEST_CASE("store: whole tables copy from one backend to the other", "[storage][postgresql]") {
    const std::string from = GENERATE(as<std::string>{}, "sqlite", "postgresql");
    const std::string to = from == "sqlite" ? "postgresql" : "sqlite";
    CAPTURE(from, to);
    auto source = open_test_store(from);
    std::int64_t last_seq = 0;
    {
        auto tx = source->begin();
        const IncidentId id = tx->next_incident_id();
        Incident incident = sample_incident(id);
        incident.exercise = true;
        tx->save(incident);
        Draft draft = sample_draft(tx->next_draft_id(), id);
        draft.is_summary = true;
        draft.decided_at = at_minute(21);
        tx->save(draft);
        tx->add(StatusUpdate{id, "legal", UserId{"dave"}, "noted", at_minute(3)});
        last_seq = tx->append(TimelineEntry{0, id, at_minute(0), UserId{"carol"}, EntryKind::declared, "declared"});
        tx->record_event(EventId{"Ev01"}, at_minute(0));
        tx->enqueue(post_to(ChannelName{"inc-1-x"}, "hello"), "incident:1", at_minute(0));
        tx->set_platform_ref("card", "D-1", "ts-1");
        Schedule schedule;
        schedule.incident = id;
        schedule.due_at = at_minute(30);
        tx->add(schedule);
        Escalation escalation;
        escalation.id = tx->next_escalation_id();
        escalation.incident = id;
        escalation.requested_by = UserId{"alice"};
        escalation.text = "offline";
        tx->save(escalation);
        tx->add(ActionItem{id, 0, "Rotate keys", std::nullopt, UserId{"alice"}, at_minute(60)});
        append_audit(*tx, id, at_minute(1), UserId{"alice"}, "Alice", "incident.declared", nlohmann::json::object());
        tx->take_lease("matrix.sync", "a", at_minute(0), at_minute(1));
        tx->commit();
    }
    auto target = open_test_store(to);
    {
        auto read = source->begin();
        auto write = target->begin();
        for (std::string_view table : kStoredTables) write->write_table(table, read->read_table(table));
        write->commit();
    }
    auto read = source->begin();
    auto copy = target->begin();
    for (std::string_view table : kStoredTables) {
        INFO(table);
        auto original = read->read_table(table);
        auto copied = copy->read_table(table);
        CHECK(copied.columns == original.columns);
        std::sort(original.rows.begin(), original.rows.end());
        std::sort(copied.rows.begin(), copied.rows.end());
        CHECK(copied.rows == original.rows);
        CHECK(copy->count_rows(table) == read->count_rows(table));
        // Every table is exercised, but a SQLite database (one process's) keeps no outbox lanes.
        if (table != "outbox_lanes" || from == "postgresql") CHECK(copy->count_rows(table) > 0);
    }
    auto incident = copy->incident(IncidentId{1});
    REQUIRE(incident);
    CHECK(incident->exercise);
    CHECK(incident->channels.size() == 3);
    CHECK(copy->draft(DraftId{1})->is_summary);
    // Ids generated after the copy follow the copied ones.
    CHECK(copy->append(TimelineEntry{0, IncidentId{1}, at_minute(2), UserId{"carol"}, EntryKind::note, "x"}) > last_seq);
    CHECK(copy->next_incident_id() == IncidentId{2});
    CHECK_THROWS_AS(copy->read_table("pg_authid"), StorageError);
}

// ---------------------------------------------------------------------------
// PostgreSQL only: replicas on one server, and the server going away.

TEST_CASE("postgresql store: replicas opening a fresh database together migrate it once", "[storage][postgresql]") {
    const std::string url = test::fresh_postgres_database();
    const auto open_in_thread = [&url] {
        return std::async(std::launch::async, [&url] {
            return outcome_of<int>([&] { return PostgresStore::open(url)->schema_version(); });
        });
    };
    auto a = open_in_thread();
    auto b = open_in_thread();
    const auto opened_a = a.get();
    const auto opened_b = b.get();
    // A migration applied twice fails on CREATE TABLE, so both opening shows it ran once.
    REQUIRE(opened_a.error.empty());
    REQUIRE(opened_b.error.empty());
    CHECK(opened_a.value == PostgresStore::latest_schema_version());
    CHECK(opened_b.value == PostgresStore::latest_schema_version());
    CHECK(test::postgres_query(url, "SELECT count(*) FROM warroom_schema") == "1");
    CHECK(PostgresStore::open(url)->schema_version() == PostgresStore::latest_schema_version());
}

TEST_CASE("postgresql store: a database from a newer build is refused", "[storage][postgresql]") {
    const std::string url = test::fresh_postgres_database();
    PostgresStore::open(url);
    test::postgres_query(url, "UPDATE warroom_schema SET version = " +
                                  std::to_string(PostgresStore::latest_schema_version() + 1));
    REQUIRE_THROWS_AS(PostgresStore::open(url), StorageError);
    REQUIRE_THROWS_WITH(PostgresStore::open(url), Contains("newer than this warroom build"));
}

TEST_CASE("postgresql store: an unreachable server is StorageUnavailable, and no message shows the password",
          "[storage][postgresql]") {
    const std::string port = std::to_string(test::unused_local_port());
    const auto failure_of = [](const std::string& conninfo) -> std::string {
        try {
            PostgresStore::open(conninfo);
        } catch (const StorageUnavailable& error) {
            return std::string("unavailable: ") + error.what();
        } catch (const StorageError& error) {
            return std::string("error: ") + error.what();
        }
        return "opened";
    };
    for (const std::string& closed : {"postgresql://warroom:s3cret-word@127.0.0.1:" + port + "/warroom",
                                      "host=127.0.0.1 port=" + port + " user=warroom password=s3cret-word"}) {
        const std::string failure = failure_of(closed);
        INFO(failure);
        CHECK(failure.starts_with("unavailable: postgresql: connect: "));
        CHECK_FALSE(Contains("s3cret").match(failure));
    }
    // libpq's own complaints about a malformed setting would quote it.
    for (const std::string& malformed : {"postgresql://warroom:s3cret%zz@127.0.0.1:" + port + "/warroom",
                                         std::string("host=127.0.0.1 password=s3cret word")}) {
        const std::string failure = failure_of(malformed);
        INFO(failure);
        CHECK(failure.starts_with("error: postgresql: "));
        CHECK_FALSE(Contains("s3cret").match(failure));
    }
}

TEST_CASE("postgresql store: a NUL in text is stored as U+FFFD, not cut short", "[storage][postgresql]") {
    auto store = PostgresStore::open(test::fresh_postgres_database());
    auto tx = store->begin();
    tx->set_platform_ref("card", "D-1", std::string("before\0after", 12));
    CHECK(tx->platform_ref("card", "D-1") == std::optional<std::string>("before\xEF\xBF\xBD" "after"));
}

TEST_CASE("postgresql store: write transactions of two replicas run one after the other", "[storage][postgresql]") {
    const std::string url = test::fresh_postgres_database();
    auto first = PostgresStore::open(url);
    auto second = PostgresStore::open(url);
    auto writing = first->begin();
    CHECK(writing->next_incident_id() == IncidentId{1});

    std::atomic<bool> second_began{false};
    auto second_writes = std::async(std::launch::async, [&] {
        return outcome_of<IncidentId>([&] {
            auto tx = second->begin();
            second_began = true;
            const IncidentId id = tx->next_incident_id();
            tx->commit();
            return id;
        });
    });
    // The second waits on the write lock, seen from the server's side.
    const auto waiting_for_lock = [&] {
        return test::postgres_query(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                                         "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") ==
               "1";
    };
    // CHECK, not REQUIRE: the sections below must end the first transaction,
    // or the waiting thread would never finish.
    CHECK(eventually(waiting_for_lock));
    CHECK_FALSE(second_began);
    SECTION("until the first commits, and then sees what it wrote") {
        writing->commit();
        const auto written = second_writes.get();
        REQUIRE(written.error.empty());
        CHECK(second_began);
        CHECK(written.value == IncidentId{2});
    }
    SECTION("until the first rolls back") {
        writing.reset();
        const auto written = second_writes.get();
        REQUIRE(written.error.empty());
        CHECK(written.value == IncidentId{1});
    }
}

TEST_CASE("postgresql store: claimers skip the lanes another is claiming and wait for no writer",
          "[storage][postgresql]") {
    const std::string url = test::fresh_postgres_database();
    auto first = PostgresStore::open(url);
    auto second = PostgresStore::open(url);
    {
        auto tx = first->begin();
        for (int i = 1; i <= 4; ++i)
            tx->enqueue(post_to(ChannelName{"inc-x"}, "job"), "incident:" + std::to_string(i), at_minute(0));
        tx->commit();
    }
    auto writing = first->begin();   // holds the write lock throughout: claims do not queue behind it
    writing->enqueue(post_to(ChannelName{"inc-x"}, "uncommitted"), "incident:9", at_minute(0));

    auto claiming = second->begin(TransactionKind::claim);
    const auto by_second = claiming->claim_lanes("b", at_minute(0), at_minute(1), 2);
    CHECK(by_second == std::vector<std::string>{"incident:1", "incident:2"});   // oldest jobs first
    // A third replica claims while the second's transaction still holds its rows.
    auto third = PostgresStore::open(url);
    auto third_claims = std::async(std::launch::async, [&] {
        return outcome_of<std::vector<std::string>>([&] {
            auto tx = third->begin(TransactionKind::claim);
            auto lanes = tx->claim_lanes("c", at_minute(0), at_minute(1), 10);
            tx->commit();
            return lanes;
        });
    });
    const bool answered = third_claims.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    claiming->commit();   // frees the third, should it have waited after all
    REQUIRE(answered);
    const auto by_third = third_claims.get();
    REQUIRE(by_third.error.empty());
    CHECK(by_third.value == std::vector<std::string>{"incident:3", "incident:4"});
    writing.reset();
}

TEST_CASE("postgresql store: a lost connection is StorageUnavailable, and the next begin connects again",
          "[storage][postgresql]") {
    const std::string url = test::fresh_postgres_database();
    auto store = PostgresStore::open(url);
    const auto cut_connections = [&url] {
        // Waits (up to 10 s) until the backends are gone.
        test::postgres_query(url, "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    };
    {
        auto tx = store->begin();
        CHECK(tx->next_incident_id() == IncidentId{1});
        cut_connections();
        CHECK_THROWS_AS(tx->next_incident_id(), StorageUnavailable);
    }
    {
        auto tx = store->begin();   // reconnected, its statements prepared anew
        CHECK(tx->next_incident_id() == IncidentId{1});
        tx->commit();
    }
    // Cut between transactions, the loss shows at BEGIN, before any work: begin() connects again itself.
    cut_connections();
    auto tx = store->begin();
    CHECK(tx->next_incident_id() == IncidentId{2});
}

TEST_CASE("effect codec: every effect round-trips", "[storage]") {
    SECTION("create_channel") {
        auto e = round_trip(CreateChannel{ChannelName{"inc-7-ransomware"}, IncidentId{7}, false, "SEV1: \"quoted\""});
        CHECK(e.name == ChannelName{"inc-7-ransomware"});
        CHECK(e.incident == IncidentId{7});
        CHECK_FALSE(e.is_private);
        CHECK(e.topic == "SEV1: \"quoted\"");
    }
    SECTION("invite") {
        auto e = round_trip(InviteUsers{ChannelName{"inc-7-legal"}, {UserId{"alice"}, UserId{"@bob:example.org"}}});
        CHECK(e.channel == ChannelName{"inc-7-legal"});
        CHECK(e.users == std::vector<UserId>{UserId{"alice"}, UserId{"@bob:example.org"}});
        CHECK(round_trip(InviteUsers{ChannelName{"c"}, {}}).users.empty());
    }
    SECTION("post to a channel and to a user") {
        auto in_channel = round_trip(post_to(ChannelName{"inc-7-x"}, "hi <all>"));
        CHECK(in_channel.channel == std::optional<ChannelName>(ChannelName{"inc-7-x"}));
        CHECK_FALSE(in_channel.user);
        CHECK(in_channel.text == "hi <all>");
        auto direct = round_trip(direct_to(UserId{"alice"}, "psst"));
        CHECK_FALSE(direct.channel);
        CHECK(direct.user == std::optional<UserId>(UserId{"alice"}));
        CHECK(direct.text == "psst");
        CHECK_FALSE(direct.pin);
        PostMessage header = post_to(ChannelName{"inc-7-x"}, "INC-7 header");
        header.pin = true;
        CHECK(round_trip(header).pin);
        // Invalid UTF-8 from a client is replaced, not a reason to lose the message.
        CHECK(round_trip(post_to(ChannelName{"c"}, "bad \xff byte")).text == "bad \xef\xbf\xbd byte");
    }
    SECTION("hand over channels") {
        auto e = round_trip(HandOverChannels{IncidentId{7}, {ChannelName{"inc-7-x"}, ChannelName{"inc-7-legal"}},
                                             UserId{"@alice:example.org"}, UserId{"@carol:example.org"}});
        CHECK(e.incident == IncidentId{7});
        CHECK(e.channels == std::vector<ChannelName>{ChannelName{"inc-7-x"}, ChannelName{"inc-7-legal"}});
        CHECK(e.from == UserId{"@alice:example.org"});
        CHECK(e.to == UserId{"@carol:example.org"});
    }
    SECTION("post_card") {
        const Card card = sample_card();
        auto e = round_trip(PostCard{UserId{"alice"}, card});
        CHECK(e.to == UserId{"alice"});
        require_same_card(e.card, card);
        Card bare;   // no optional fields set
        bare.author = UserId{"bob"};
        require_same_card(round_trip(PostCard{UserId{"alice"}, bare}).card, bare);
    }
    SECTION("update_card") {
        const Card card = sample_card();
        auto e = round_trip(UpdateCard{UserId{"erin"}, card});
        CHECK(e.to == UserId{"erin"});
        require_same_card(e.card, card);
    }
    SECTION("publish") {
        auto e = round_trip(Publish{DraftId{3}, ChannelName{"press-office"}, "INC-7: statement\napproved by alice"});
        CHECK(e.draft == DraftId{3});
        CHECK(e.channel == ChannelName{"press-office"});
        CHECK(e.text == "INC-7: statement\napproved by alice");
    }
    SECTION("escalation cards, posted and updated") {
        EscalationCard card;
        card.escalation = EscalationId{2};
        card.incident = IncidentId{7};
        card.incident_title = "Ransomware";
        card.requested_by = UserId{"alice"};
        card.text = "Take the file servers offline";
        card.deadline = at_minute(30);
        card.executives = {UserId{"erin"}, UserId{"frank"}};
        card.state = EscalationState::allowed;
        card.decided_by = UserId{"erin"};
        card.decided_at = at_minute(12);
        card.comment = "Go";
        card.exercise = true;
        for (const EscalationCard& decoded : {round_trip(PostEscalation{ChannelName{"exec-briefing"}, card}).card,
                                              round_trip(UpdateEscalation{ChannelName{"exec-briefing"}, card}).card}) {
            CHECK(decoded.escalation == card.escalation);
            CHECK(decoded.incident == card.incident);
            CHECK(decoded.incident_title == card.incident_title);
            CHECK(decoded.requested_by == card.requested_by);
            CHECK(decoded.text == card.text);
            CHECK(decoded.deadline == card.deadline);
            CHECK(decoded.executives == card.executives);
            CHECK(decoded.state == card.state);
            CHECK(decoded.decided_by == card.decided_by);
            CHECK(decoded.decided_at == card.decided_at);
            CHECK(decoded.comment == card.comment);
            CHECK(decoded.exercise == card.exercise);
        }
        EscalationCard bare;   // pending, no deadline, no decision
        bare.requested_by = UserId{"alice"};
        const auto decoded = round_trip(PostEscalation{ChannelName{"exec-briefing"}, bare}).card;
        CHECK_FALSE(decoded.deadline);
        CHECK_FALSE(decoded.decided_by);
        CHECK(decoded.state == EscalationState::pending);
    }
}

TEST_CASE("effect codec: malformed input is a StorageError", "[storage]") {
    for (const char* bad : {
             "",
             "not json",
             "{\"type\": \"post\", \"channel\": \"x\"",
             "[]",
             "{}",
             "{\"type\": \"teleport\"}",
             "{\"type\": \"post\", \"channel\": \"x\"}",
             "{\"type\": \"post\", \"text\": \"no target\"}",
             "{\"type\": \"publish\", \"draft\": \"three\", \"channel\": \"c\", \"text\": \"t\"}",
             "{\"type\": \"invite\", \"channel\": \"c\", \"users\": [1]}",
             "{\"type\": \"post_card\", \"to\": \"alice\"}",
         }) {
        INFO(bad);
        CHECK_THROWS_AS(decode_effect(bad), StorageError);
    }
    Card card = sample_card();
    std::string json = encode_effect(PostCard{UserId{"alice"}, card});
    json.replace(json.find("changes_requested"), 17, "maybe_later");
    CHECK_THROWS_AS(decode_effect(json), StorageError);
}

}  // namespace warroom
