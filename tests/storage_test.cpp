#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <string>

#include "storage/effect_codec.hpp"
#include "storage/sqlite_store.hpp"

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

TEST_CASE("sqlite store: incidents round-trip with channels, members, workstreams and groups", "[storage]") {
    auto store = SqliteStore::open(":memory:");
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
        changed.channels.pop_back();
        changed.workstreams.pop_back();
        changed.channels[0].members.insert(UserId{"erin"});
        changed.invited_groups.erase("secops");
        tx->save(changed);

        auto again = tx->incident(id);
        REQUIRE(again);
        CHECK_FALSE(again->nominee);
        CHECK(again->resolved_at == std::optional<Time>(at_minute(90)));
        CHECK(again->channels.size() == 2);
        CHECK(again->channels[0].members.count(UserId{"erin"}) == 1);
        CHECK(again->workstreams.size() == 1);
        CHECK(again->invited_groups == std::set<std::string>{"legal-team"});
        CHECK_FALSE(tx->incident_for_channel(saved.channels[2].name));
        CHECK(tx->drafts(id).size() == 1);
        CHECK(tx->timeline(id).size() == 1);
    }
}

TEST_CASE("sqlite store: incidents lists by id, optionally only open ones", "[storage]") {
    auto store = SqliteStore::open(":memory:");
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

TEST_CASE("sqlite store: drafts round-trip with and without optional fields", "[storage]") {
    auto store = SqliteStore::open(":memory:");
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

TEST_CASE("sqlite store: status updates and timeline come back oldest first per incident", "[storage]") {
    auto store = SqliteStore::open(":memory:");
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

TEST_CASE("sqlite store: the outbox hands out pending jobs in order", "[storage]") {
    auto store = SqliteStore::open(":memory:");
    auto tx = store->begin();
    const auto a = tx->enqueue(post_to(ChannelName{"inc-1-x"}, "first"), at_minute(0));
    const auto b = tx->enqueue(direct_to(UserId{"alice"}, "second"), at_minute(0));
    const auto c = tx->enqueue(Publish{DraftId{1}, ChannelName{"exec-briefing"}, "third"}, at_minute(1));
    CHECK(a < b);
    CHECK(b < c);

    auto pending = tx->pending_jobs(10);
    REQUIRE(pending.size() == 3);
    CHECK(pending[0].id == a);
    CHECK(pending[1].id == b);
    CHECK(pending[2].id == c);
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

TEST_CASE("sqlite store: platform refs are stored and overwritten", "[storage]") {
    auto store = SqliteStore::open(":memory:");
    auto tx = store->begin();
    CHECK_FALSE(tx->platform_ref("slack.channel", "inc-1-x"));
    tx->set_platform_ref("slack.channel", "inc-1-x", "C123");
    tx->set_platform_ref("card", "inc-1-x", "other kind");
    CHECK(tx->platform_ref("slack.channel", "inc-1-x") == std::optional<std::string>("C123"));
    tx->set_platform_ref("slack.channel", "inc-1-x", "C456");
    CHECK(tx->platform_ref("slack.channel", "inc-1-x") == std::optional<std::string>("C456"));
    CHECK(tx->platform_ref("card", "inc-1-x") == std::optional<std::string>("other kind"));
}

TEST_CASE("sqlite store: a repeated event id is reported", "[storage]") {
    auto store = SqliteStore::open(":memory:");
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

TEST_CASE("sqlite store: a transaction dropped without commit leaves no trace", "[storage]") {
    auto store = SqliteStore::open(":memory:");
    {
        auto tx = store->begin();
        const IncidentId id = tx->next_incident_id();
        tx->save(sample_incident(id));
        tx->save(sample_draft(tx->next_draft_id(), id));
        tx->record_event(EventId{"Ev01"}, at_minute(0));
        tx->enqueue(post_to(ChannelName{"inc-1-x"}, "hello"), at_minute(0));
        tx->set_platform_ref("card", "D-1", "ts-1");
    }
    auto tx = store->begin();
    CHECK_FALSE(tx->incident(IncidentId{1}));
    CHECK(tx->incidents(false).empty());
    CHECK_FALSE(tx->incident_for_channel(ChannelName{"inc-1-credential-stuffing"}));
    CHECK_FALSE(tx->draft(DraftId{1}));
    CHECK(tx->pending_jobs(10).empty());
    CHECK_FALSE(tx->platform_ref("card", "D-1"));
    CHECK(tx->record_event(EventId{"Ev01"}, at_minute(1)));
    CHECK(tx->next_incident_id() == IncidentId{1});
    CHECK(tx->next_draft_id() == DraftId{1});
}

TEST_CASE("sqlite store: one transaction at a time, none used after commit", "[storage]") {
    auto store = SqliteStore::open(":memory:");
    auto tx = store->begin();
    CHECK_THROWS_AS(store->begin(), StorageError);
    tx->commit();
    CHECK_THROWS_AS(tx->next_incident_id(), StorageError);
    tx.reset();
    CHECK_NOTHROW(store->begin());
}

TEST_CASE("sqlite store: data survives closing and reopening a file database", "[storage]") {
    TempDb file;
    IncidentId id;
    OutboxJobId job;
    {
        auto store = SqliteStore::open(file.path());
        auto tx = store->begin();
        id = tx->next_incident_id();
        tx->save(sample_incident(id));
        tx->save(sample_draft(tx->next_draft_id(), id));
        tx->add(StatusUpdate{id, "legal", UserId{"dave"}, "noted", at_minute(3)});
        tx->append(TimelineEntry{0, id, at_minute(0), UserId{"carol"}, EntryKind::declared, "declared"});
        tx->record_event(EventId{"Ev01"}, at_minute(0));
        job = tx->enqueue(post_to(ChannelName{"inc-1-x"}, "hello"), at_minute(0));
        tx->set_platform_ref("card", "D-1", "ts-1");
        tx->commit();
    }
    auto store = SqliteStore::open(file.path());
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
    CHECK(tx->platform_ref("card", "D-1") == std::optional<std::string>("ts-1"));
    CHECK(tx->next_incident_id() == IncidentId{2});
    CHECK(tx->next_draft_id() == DraftId{2});
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
