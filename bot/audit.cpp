#include "bot/audit.hpp"

#include <openssl/evp.h>

#include <array>
#include <nlohmann/json.hpp>

#include "bot/draft.hpp"
#include "bot/escalation.hpp"
#include "bot/incident.hpp"
#include "bot/timeline.hpp"
#include "bot/store.hpp"

namespace warroom {

using nlohmann::json;

std::string canonical_json(const json& value) {
    // nlohmann's objects are std::maps, so keys come out sorted by their
    // UTF-8 bytes, which is Unicode code point order, as Python's sort_keys.
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Written out by hand rather than through a json object: it is on the path of
// every decision, and the keys are fixed. The stored facts go in byte for
// byte: they were written in canonical form, so any edit, even into an
// equivalent spelling, changes the hash.
std::string canonical_form(const AuditEntry& entry) {
    std::string out;
    out.reserve(160 + entry.actor.value().size() + entry.actor_name.size() + entry.facts.size());
    out += R"({"actor":{"id":)";
    out += canonical_json(entry.actor.value());
    out += R"(,"name":)";
    out += canonical_json(entry.actor_name);
    out += R"(},"at":)";
    out += std::to_string(to_unix_ms(entry.at));
    out += R"(,"facts":)";
    out += entry.facts;
    out += R"(,"incident":")";
    out += to_string(entry.incident);
    out += R"(","kind":)";
    out += canonical_json(entry.kind);
    out += R"(,"prev":)";
    out += canonical_json(entry.prev_hash);
    out += R"(,"seq":)";
    out += std::to_string(entry.seq);
    out += '}';
    return out;
}

namespace {

// OpenSSL 3 looks the algorithm up among its providers on every EVP_Digest
// that names it by EVP_sha256(); fetched once, and with the context reused,
// hashing an entry takes a third of the instructions.
struct Sha256 {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    Sha256() = default;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    ~Sha256() {
        EVP_MD_CTX_free(context);
        EVP_MD_free(md);
    }
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    thread_local const Sha256 sha256;
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (sha256.md == nullptr || sha256.context == nullptr ||
        EVP_DigestInit_ex2(sha256.context, sha256.md, nullptr) != 1 ||
        EVP_DigestUpdate(sha256.context, bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(sha256.context, digest.data(), &length) != 1)
        throw std::runtime_error("SHA-256 failed in OpenSSL");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0xf]);
    }
    return hex;
}

std::string audit_hash(const AuditEntry& entry) { return sha256_hex(canonical_form(entry)); }

json audit_entry_json(const AuditEntry& entry) {
    json facts = json::parse(entry.facts, nullptr, false);
    if (facts.is_discarded()) facts = entry.facts;
    return {{"seq", entry.seq},
            {"at", to_unix_ms(entry.at)},
            {"incident", to_string(entry.incident)},
            {"actor", {{"id", entry.actor.value()}, {"name", entry.actor_name}}},
            {"kind", entry.kind},
            {"facts", std::move(facts)},
            {"prev", entry.prev_hash},
            {"hash", entry.hash}};
}

AuditEntry append_audit(Transaction& tx, IncidentId incident, Time at, const UserId& actor,
                        std::string_view actor_name, std::string_view kind, const json& facts) {
    AuditEntry entry;
    entry.incident = incident;
    entry.at = at;
    entry.actor = actor;
    entry.actor_name = actor_name.empty() ? actor.value() : std::string(actor_name);
    entry.kind = std::string(kind);
    entry.facts = canonical_json(facts.is_object() ? facts : json::object());
    if (auto last = tx.last_audit_entry(incident)) {
        entry.seq = last->seq + 1;
        entry.prev_hash = last->hash;
    } else {
        entry.seq = 1;
        entry.prev_hash = std::string(kGenesisHash);
    }
    entry.hash = audit_hash(entry);
    tx.insert_audit(entry);
    return entry;
}

namespace {

json snapshot_of(Transaction& tx, const Incident& incident) {
    json drafts = json::array();
    for (const Draft& draft : tx.drafts(incident.id)) {
        drafts.push_back({{"draft", to_string(draft.id)},
                          {"audience", draft.audience},
                          {"state", to_string(draft.state)},
                          {"revision", draft.revision},
                          {"text", draft.text},
                          {"decided_by", draft.decided_by ? json(draft.decided_by->value()) : json(nullptr)}});
    }
    json escalations = json::array();
    for (const Escalation& escalation : tx.escalations(incident.id)) {
        escalations.push_back({{"escalation", to_string(escalation.id)},
                               {"state", to_string(escalation.state)},
                               {"decided_by", escalation.decided_by ? json(escalation.decided_by->value())
                                                                    : json(nullptr)}});
    }
    // The timeline before the upgrade is not chained; its digest at least
    // pins down what it said when the chain began.
    json rows = json::array();
    for (const TimelineEntry& entry : tx.timeline(incident.id))
        rows.push_back({entry.seq, to_unix_ms(entry.at), entry.actor.value(), to_string(entry.kind), entry.text});
    return {{"note", "this incident was made by a warroom without the audit record; the chain begins here, at the "
                     "upgrade, and covers the state below, not how it came about"},
            {"title", incident.title},
            {"severity", to_string(incident.severity)},
            {"status", to_string(incident.status)},
            {"lead", incident.lead.value()},
            {"exercise", incident.exercise},
            {"drafts", std::move(drafts)},
            {"escalations", std::move(escalations)},
            {"timeline_entries", rows.size()},
            {"timeline_sha256", sha256_hex(canonical_json(rows))}};
}

}  // namespace

int begin_chains_at_upgrade(Transaction& tx, Time now) {
    int begun = 0;
    for (IncidentId id : tx.unchained_incidents()) {
        const auto incident = tx.incident(id);
        if (!incident) continue;
        append_audit(tx, id, now, bot_user(), "warroom", "chain.begun_at_upgrade", snapshot_of(tx, *incident));
        ++begun;
    }
    return begun;
}

}  // namespace warroom
