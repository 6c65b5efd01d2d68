#pragma once
// The audit record: per incident, an append-only list of every
// decision, each entry carrying the SHA-256 of the one before, so that an
// edited, deleted, inserted or reordered entry is found by recomputing the
// chain. Entries are written in the transaction of the decision they record.
//
// The canonical serialisation (README, "The audit record") is a JSON object
// with the keys actor {id, name}, at (Unix milliseconds), facts, incident
// ("INC-7"), kind, prev and seq, sorted, without whitespace, UTF-8 as is;
// the entry's hash is the lowercase hex SHA-256 of those bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "bot/clock.hpp"
#include "bot/ids.hpp"

namespace warroom {

class Transaction;

struct AuditEntry {
    std::int64_t seq = 0;              // 1, 2, ... within its incident
    IncidentId incident;
    Time at{};
    UserId actor;                      // the platform's user id ("U07ERIN", "@erin:example.org", "erin")
    std::string actor_name;            // the name the platform showed for them
    std::string kind;                  // "draft.approved", ... (README lists them with their facts)
    std::string facts;                 // a JSON object in canonical form
    std::string prev_hash;             // the previous entry's hash; kGenesisHash for the first
    std::string hash;                  // of this entry's canonical form
};

// The `prev` of an incident's first entry.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// JSON in the canonical form: keys sorted, no whitespace, UTF-8 unescaped
// (invalid bytes replaced by U+FFFD so that it always serialises).
std::string canonical_json(const nlohmann::json& value);
// The bytes an entry's hash covers (everything but the hash itself).
std::string canonical_form(const AuditEntry& entry);
std::string sha256_hex(std::string_view bytes);
std::string audit_hash(const AuditEntry& entry);   // sha256_hex(canonical_form(entry))

// The entry as the export writes it: {"seq", "at", "incident", "actor", "kind", "facts", "prev", "hash"}.
nlohmann::json audit_entry_json(const AuditEntry& entry);

// Appends to the incident's chain: numbers the entry after the incident's
// last one, links it to that entry's hash and seals it. Returns it sealed.
AuditEntry append_audit(Transaction& tx, IncidentId incident, Time at, const UserId& actor,
                        std::string_view actor_name, std::string_view kind, const nlohmann::json& facts);

// Incidents with no chain yet were made by a warroom without the audit
// record: each gets a first entry, `chain.begun_at_upgrade`, whose facts
// are a snapshot of what was there (state, drafts, escalations, a digest of
// the timeline), so nothing earlier is presented as chained from the start.
// Returns how many chains were begun.
int begin_chains_at_upgrade(Transaction& tx, Time now);

}  // namespace warroom
