// The audit record's chain as written: numbering, links, the canonical form
// an outside checker recomputes, and chains begun for incidents that predate it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bot/audit.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "test_support.hpp"

using namespace warroom;
using warroom::test::Harness;
using nlohmann::json;

TEST_CASE("the canonical form is the sorted compact JSON of the entry without its hash", "[audit]") {
    AuditEntry entry;
    entry.seq = 3;
    entry.incident = IncidentId{7};
    entry.at = from_unix_ms(1764579600123);
    entry.actor = UserId{"U07ERIN"};
    entry.actor_name = "Érin \"the exec\"";
    entry.kind = "draft.approved";
    entry.facts = canonical_json(json{{"text", "Line one\nline <two> & ✅"}, {"draft", "D-3"}, {"revision", 2}});
    entry.prev_hash = std::string(kGenesisHash);

    // What any JSON library gives for the same object with sorted keys and no whitespace.
    const json body = {{"seq", 3},
                       {"at", 1764579600123},
                       {"incident", "INC-7"},
                       {"actor", {{"id", "U07ERIN"}, {"name", "Érin \"the exec\""}}},
                       {"kind", "draft.approved"},
                       {"facts", json::parse(entry.facts)},
                       {"prev", std::string(kGenesisHash)}};
    CHECK(canonical_form(entry) == body.dump());
    CHECK(entry.facts == R"({"draft":"D-3","revision":2,"text":"Line one\nline <two> & ✅"})");
    // SHA-256 of "abc", the FIPS 180-2 example.
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(audit_hash(entry) == sha256_hex(body.dump()));
}

TEST_CASE("every decision of a command is chained in its incident's record", "[audit]") {
    Harness world;
    world.say("alice", "general", "/incident declare sev3 Leaked key");
    world.say("alice", "inc-1-leaked-key", "/incident draft exec Key rotated");
    world.say("alice", "inc-1-leaked-key", "/incident approve D-1");
    world.drain();

    auto tx = world.store->begin();
    const auto entries = tx->audit_entries(IncidentId{1});
    std::vector<std::string> kinds;
    for (const AuditEntry& entry : entries) kinds.push_back(entry.kind);
    CHECK(kinds == std::vector<std::string>{"incident.declared", "workstream.opened", "draft.created",
                                            "draft.approved", "draft.published"});
    for (std::size_t i = 0; i < entries.size(); ++i) {
        CHECK(entries[i].seq == static_cast<std::int64_t>(i + 1));
        CHECK(entries[i].prev_hash == (i == 0 ? std::string(kGenesisHash) : entries[i - 1].hash));
        CHECK(entries[i].hash == audit_hash(entries[i]));
    }
    const json approved = json::parse(entries[3].facts);
    CHECK(approved["text"] == "Key rotated");
    CHECK(entries[3].actor == UserId{"alice"});
    const json published = json::parse(entries[4].facts);
    CHECK(published["reference"].get<std::string>().rfind("test-ref-", 0) == 0);   // the performer's answer
    CHECK(published["text"].get<std::string>().find("Key rotated") != std::string::npos);
}
