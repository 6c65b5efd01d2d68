#include "bot/audit_verify.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <variant>

#include <nlohmann/json.hpp>

#include "bot/text.hpp"
#include "bot/store.hpp"

namespace warroom {

using nlohmann::json;

namespace {

std::string named(const AuditEntry& entry) {
    return "entry " + std::to_string(entry.seq) + " (" + entry.kind + ")";
}

AuditProblem problem_at(const AuditEntry& entry, const std::string& message) {
    return {entry.seq, entry.kind, named(entry) + ": " + message};
}

std::string in_quotes(std::string_view text) { return "\"" + truncate_utf8(text, 120) + "\""; }

// The first reason the entry at `index` does not continue the chain, if any.
std::optional<AuditProblem> check_entry(IncidentId incident, const std::vector<AuditEntry>& entries,
                                        std::size_t index) {
    const AuditEntry& entry = entries[index];
    const auto expected = static_cast<std::int64_t>(index) + 1;
    if (entry.seq != expected) {
        if (entry.seq > expected) {
            std::string missing = entry.seq == expected + 1
                                      ? "entry " + std::to_string(expected) + " is missing"
                                      : "entries " + std::to_string(expected) + " to " +
                                            std::to_string(entry.seq - 1) + " are missing";
            if (expected == 1) missing += " (the record begins at entry " + std::to_string(entry.seq) + ")";
            else missing += " (" + std::to_string(expected - 1) + " is followed by " + std::to_string(entry.seq) + ")";
            return AuditProblem{expected, {}, missing + " — entries were deleted"};
        }
        return AuditProblem{entry.seq, entry.kind,
                            named(entry) + " comes after entry " + std::to_string(expected - 1) +
                                ", where entry " + std::to_string(expected) +
                                " should be — entries were repeated or reordered"};
    }
    if (entry.incident != incident)
        return problem_at(entry, "it belongs to " + to_string(entry.incident) + ", not " + to_string(incident) +
                                     " — it was moved between records");
    if (index == 0) {
        if (entry.prev_hash != kGenesisHash)
            return problem_at(entry, "the first entry's prev must be 64 zeros but it is " + entry.prev_hash +
                                         " — entries before it were removed");
    } else if (const AuditEntry& previous = entries[index - 1]; entry.prev_hash != previous.hash) {
        return problem_at(entry, "it links to a previous entry with hash " + entry.prev_hash + ", but " +
                                     named(previous) + " has hash " + previous.hash +
                                     " — an entry was inserted, removed or moved before it, or " + named(previous) +
                                     " was replaced");
    }
    // Facts are hashed re-serialised, so stored facts that are not already
    // canonical (extra spaces, reordered keys) would otherwise pass unseen.
    const json facts = json::parse(entry.facts, nullptr, false);
    if (facts.is_discarded() || !facts.is_object())
        return problem_at(entry, "its facts are not a JSON object — the entry was edited");
    if (canonical_json(facts) != entry.facts)
        return problem_at(entry, "its facts are not stored in canonical form (sorted keys, no whitespace) — the "
                                 "entry was edited");
    if (const std::string content = audit_hash(entry); content != entry.hash)
        return problem_at(entry, "its hash is " + entry.hash + " but its content hashes to " + content +
                                     " — the entry was edited");
    return std::nullopt;
}

// --- reconciliation ------------------------------------------------------------

// A value the record implies for a table cell, and the entry that implied it.
struct Said {
    std::string value;
    std::int64_t seq = 0;              // 0: no entry says anything about it; not compared
    std::string kind;
    std::string verb;                  // "approved", "set it to", ...
    bool quote = false;                // free text, shown in quotes
};

struct DraftReplay {
    Said text, revision, state, decided_by, audience;
};

struct EscalationReplay {
    Said text, state, decided_by;
};

struct Replay {
    Said severity, status, lead;
    std::map<std::string, DraftReplay> drafts;            // by "D-3"
    std::map<std::string, EscalationReplay> escalations;  // by "E-2"
};

std::string text_of(const json& facts, const char* key) {
    const auto found = facts.find(key);
    if (found == facts.end()) return {};
    if (found->is_string()) return found->get<std::string>();
    if (found->is_null()) return {};
    return found->dump();
}

Said said(const AuditEntry& entry, std::string value, std::string verb, bool quote = false) {
    return {std::move(value), entry.seq, entry.kind, std::move(verb), quote};
}

using Step = void (*)(Replay&, const AuditEntry&, const json& facts);

void opened(Replay& r, const AuditEntry& e, const json& f) {
    r.severity = said(e, text_of(f, "severity"), "declared it");
    r.status = said(e, to_string(Status::investigating), "declared it");
    r.lead = said(e, text_of(f, "lead"), "declared it with");
}

DraftReplay& draft_of(Replay& r, const json& f) { return r.drafts[text_of(f, "draft")]; }

void set_state(DraftReplay& d, const AuditEntry& e, DraftState state, const std::string& verb) {
    d.state = said(e, to_string(state), verb);
}

void decided(DraftReplay& d, const AuditEntry& e, const json& f, DraftState state, const std::string& verb) {
    set_state(d, e, state, verb);
    d.decided_by = said(e, e.actor.value(), "recorded it decided by");
    d.revision = said(e, text_of(f, "revision"), verb + " revision");
}

// The replay, one step per kind; kinds not listed change nothing a table holds.
const std::map<std::string, Step, std::less<>>& steps() {
    static const std::map<std::string, Step, std::less<>> table = {
        {"incident.declared", opened},
        {"exercise.started", opened},
        {"incident.severity", [](Replay& r, const AuditEntry& e, const json& f) {
             r.severity = said(e, text_of(f, "to"), "changed it to");
         }},
        {"incident.status", [](Replay& r, const AuditEntry& e, const json& f) {
             r.status = said(e, text_of(f, "to"), "set it to");
         }},
        {"exercise.ended", [](Replay& r, const AuditEntry& e, const json& f) {
             r.status = said(e, text_of(f, "to"), "ended it as");
         }},
        {"lead.accepted", [](Replay& r, const AuditEntry& e, const json& f) {
             r.lead = said(e, text_of(f, "to"), "handed it to");
         }},
        {"chain.begun_at_upgrade", [](Replay& r, const AuditEntry& e, const json& f) {
             r.severity = said(e, text_of(f, "severity"), "found it at the upgrade as");
             r.status = said(e, text_of(f, "status"), "found it at the upgrade as");
             r.lead = said(e, text_of(f, "lead"), "found it at the upgrade as");
             const std::string found = "found it at the upgrade as";
             if (const auto drafts = f.find("drafts"); drafts != f.end() && drafts->is_array()) {
                 for (const json& row : *drafts) {
                     if (!row.is_object()) continue;
                     DraftReplay& d = draft_of(r, row);
                     d.text = said(e, text_of(row, "text"), found, true);
                     d.revision = said(e, text_of(row, "revision"), found);
                     d.state = said(e, text_of(row, "state"), found);
                     d.decided_by = said(e, text_of(row, "decided_by"), found);
                     d.audience = said(e, text_of(row, "audience"), found);
                 }
             }
             if (const auto escalations = f.find("escalations");
                 escalations != f.end() && escalations->is_array()) {
                 for (const json& row : *escalations) {
                     if (!row.is_object()) continue;
                     EscalationReplay& x = r.escalations[text_of(row, "escalation")];
                     x.state = said(e, text_of(row, "state"), found);
                     x.decided_by = said(e, text_of(row, "decided_by"), found);
                 }
             }
         }},
        {"draft.created", [](Replay& r, const AuditEntry& e, const json& f) {
             DraftReplay& d = draft_of(r, f);
             d.text = said(e, text_of(f, "text"), "created it with", true);
             d.revision = said(e, text_of(f, "revision"), "created it as revision");
             d.audience = said(e, text_of(f, "audience"), "created it for");
             set_state(d, e, DraftState::pending, "created it");
             d.decided_by = said(e, {}, "created it undecided, decided by");
         }},
        {"draft.revised", [](Replay& r, const AuditEntry& e, const json& f) {
             DraftReplay& d = draft_of(r, f);
             d.text = said(e, text_of(f, "text"), "revised it to", true);
             d.revision = said(e, text_of(f, "revision"), "revised it to revision");
             set_state(d, e, DraftState::pending, "revised it, leaving it");
             d.decided_by = said(e, {}, "revised it, undecided, decided by");
         }},
        {"draft.approved", [](Replay& r, const AuditEntry& e, const json& f) {
             DraftReplay& d = draft_of(r, f);
             d.text = said(e, text_of(f, "text"), "approved", true);
             d.audience = said(e, text_of(f, "audience"), "approved it for");
             // Two-person approval: a partial approval leaves the draft
             // waiting for the other approver; who is named as decider
             // then is not the record's to say.
             const auto complete = f.find("complete");
             if (complete != f.end() && complete->is_boolean() && !complete->get<bool>()) {
                 set_state(d, e, DraftState::pending, "approved it in part, leaving it");
                 d.revision = said(e, text_of(f, "revision"), "approved revision");
                 d.decided_by.seq = 0;
                 return;
             }
             decided(d, e, f, DraftState::approved, "approved");
         }},
        {"draft.rejected", [](Replay& r, const AuditEntry& e, const json& f) {
             decided(draft_of(r, f), e, f, DraftState::rejected, "rejected");
         }},
        {"draft.changes_requested", [](Replay& r, const AuditEntry& e, const json& f) {
             decided(draft_of(r, f), e, f, DraftState::changes_requested, "requested changes to");
         }},
        {"draft.withdrawn", [](Replay& r, const AuditEntry& e, const json& f) {
             set_state(draft_of(r, f), e, DraftState::withdrawn, "withdrew it, making it");
         }},
        {"draft.published", [](Replay& r, const AuditEntry& e, const json& f) {
             set_state(draft_of(r, f), e, DraftState::published, "published it, making it");
         }},
        {"escalation.requested", [](Replay& r, const AuditEntry& e, const json& f) {
             EscalationReplay& x = r.escalations[text_of(f, "escalation")];
             x.text = said(e, text_of(f, "text"), "requested", true);
             x.state = said(e, to_string(EscalationState::pending), "requested it, making it");
             x.decided_by = said(e, {}, "requested it, undecided, decided by");
         }},
        {"escalation.allowed", [](Replay& r, const AuditEntry& e, const json& f) {
             EscalationReplay& x = r.escalations[text_of(f, "escalation")];
             x.state = said(e, to_string(EscalationState::allowed), "made it");
             x.decided_by = said(e, e.actor.value(), "recorded it decided by");
         }},
        {"escalation.denied", [](Replay& r, const AuditEntry& e, const json& f) {
             EscalationReplay& x = r.escalations[text_of(f, "escalation")];
             x.state = said(e, to_string(EscalationState::denied), "made it");
             x.decided_by = said(e, e.actor.value(), "recorded it decided by");
         }},
    };
    return table;
}

std::string shown(const std::string& value, bool quote) {
    if (quote) return in_quotes(value);
    return value.empty() ? "nobody" : value;
}

std::optional<AuditProblem> compare(const std::string& row, const std::string& table, const std::string& field,
                                    const std::string& found, const Said& expected) {
    if (expected.seq == 0 || expected.value == found) return std::nullopt;
    return AuditProblem{expected.seq, expected.kind,
                        row + " in the " + table + " table says " + field + " " + shown(found, expected.quote) +
                            " but entry " + std::to_string(expected.seq) + " (" + expected.kind + ") " +
                            expected.verb + " " + shown(expected.value, expected.quote) +
                            " — the table was edited, or the decision was made without its entry"};
}

}  // namespace

AuditVerdict verify_chain(IncidentId incident, const std::vector<AuditEntry>& entries) {
    AuditVerdict verdict;
    verdict.head.entries = static_cast<std::int64_t>(entries.size());
    if (!entries.empty()) verdict.head.hash = entries.back().hash;
    if (entries.empty()) {
        verdict.problem = AuditProblem{1, {}, to_string(incident) + " has no audit entries at all — its record was "
                                              "deleted (every incident has at least the entry that declared it)"};
        return verdict;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (auto problem = check_entry(incident, entries, i)) {
            verdict.problem = std::move(problem);
            return verdict;
        }
    }
    return verdict;
}

std::optional<AuditProblem> check_posted_head(IncidentId incident, const std::vector<AuditEntry>& entries,
                                              std::string_view head) {
    const std::string wanted = ascii_lower(trim(head));
    const bool hex = wanted.size() == 64 &&
                     std::all_of(wanted.begin(), wanted.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex)
        return AuditProblem{0, {}, "\"" + std::string(head) + "\" is not a head: a head is the 64 hex digits after "
                                   "\"head\" in the line warroom posted (\"Audit record of " +
                                   to_string(incident) + ": 42 entries, head 3f5a...\")"};
    for (const AuditEntry& entry : entries)
        if (entry.hash == wanted) return std::nullopt;
    std::string ends = entries.empty() ? std::string("has no entries")
                                       : "now ends at entry " + std::to_string(entries.back().seq) + " (" +
                                             entries.back().hash + ")";
    return AuditProblem{0, {}, "the head " + wanted + " posted for " + to_string(incident) +
                                   " is not in its audit record, which " + ends +
                                   " — the record was rewritten or cut after that head was posted"};
}

std::optional<AuditProblem> reconcile(const std::vector<AuditEntry>& entries, const Incident& incident,
                                      const std::vector<Draft>& drafts, const std::vector<Escalation>& escalations) {
    Replay replay;
    for (const AuditEntry& entry : entries) {
        const auto step = steps().find(entry.kind);
        if (step == steps().end()) continue;
        const json facts = json::parse(entry.facts, nullptr, false);
        if (!facts.is_object()) continue;   // verify_chain has said so already
        step->second(replay, entry, facts);
    }

    const std::string id = to_string(incident.id);
    if (auto p = compare(id, "incidents", "severity", to_string(incident.severity), replay.severity)) return p;
    if (auto p = compare(id, "incidents", "status", to_string(incident.status), replay.status)) return p;
    if (auto p = compare(id, "incidents", "lead", incident.lead.value(), replay.lead)) return p;

    for (const Draft& draft : drafts) {
        const std::string name = to_string(draft.id);
        const auto found = replay.drafts.find(name);
        if (found == replay.drafts.end())
            return AuditProblem{0, {}, name + " is in the drafts table but no entry of " + id +
                                           "'s audit record mentions it — the row was added outside warroom"};
        const DraftReplay& d = found->second;
        if (auto p = compare(name, "drafts", "text", draft.text, d.text)) return p;
        if (auto p = compare(name, "drafts", "revision", std::to_string(draft.revision), d.revision)) return p;
        if (auto p = compare(name, "drafts", "state", to_string(draft.state), d.state)) return p;
        if (auto p = compare(name, "drafts", "decided_by", draft.decided_by ? draft.decided_by->value() : "",
                             d.decided_by))
            return p;
        if (auto p = compare(name, "drafts", "audience", draft.audience, d.audience)) return p;
    }
    // Not structured bindings: clang 14 (the fuzz build) cannot capture them in a lambda.
    for (const auto& entry : replay.drafts) {
        const std::string& name = entry.first;
        const DraftReplay& d = entry.second;
        const bool present = std::any_of(drafts.begin(), drafts.end(),
                                         [&](const Draft& draft) { return to_string(draft.id) == name; });
        if (present) continue;
        const Said& first = d.state.seq ? d.state : d.text;
        return AuditProblem{first.seq, first.kind,
                            "entry " + std::to_string(first.seq) + " (" + first.kind + ") records " + name + ", which " +
                                "is not in the drafts table — the row was deleted"};
    }

    for (const Escalation& escalation : escalations) {
        const std::string name = to_string(escalation.id);
        const auto found = replay.escalations.find(name);
        if (found == replay.escalations.end())
            return AuditProblem{0, {}, name + " is in the escalations table but no entry of " + id +
                                           "'s audit record mentions it — the row was added outside warroom"};
        const EscalationReplay& x = found->second;
        if (auto p = compare(name, "escalations", "text", escalation.text, x.text)) return p;
        if (auto p = compare(name, "escalations", "state", to_string(escalation.state), x.state)) return p;
        if (auto p = compare(name, "escalations", "decided_by",
                             escalation.decided_by ? escalation.decided_by->value() : "", x.decided_by))
            return p;
    }
    for (const auto& entry : replay.escalations) {
        const std::string& name = entry.first;
        const EscalationReplay& x = entry.second;
        const bool present = std::any_of(escalations.begin(), escalations.end(), [&](const Escalation& escalation) {
            return to_string(escalation.id) == name;
        });
        if (present) continue;
        return AuditProblem{x.state.seq, x.state.kind,
                            "entry " + std::to_string(x.state.seq) + " (" + x.state.kind + ") records " + name +
                                ", which is not in the escalations table — the row was deleted"};
    }
    return std::nullopt;
}

AuditVerdict verify_incident_record(Transaction& tx, const Incident& incident) {
    const std::vector<AuditEntry> entries = tx.audit_entries(incident.id);
    AuditVerdict verdict = verify_chain(incident.id, entries);
    if (verdict.verified())
        verdict.problem = reconcile(entries, incident, tx.drafts(incident.id), tx.escalations(incident.id));
    return verdict;
}

AuditHead audit_head(Transaction& tx, IncidentId incident) {
    AuditHead head;
    if (auto last = tx.last_audit_entry(incident)) {
        head.entries = last->seq;
        head.hash = last->hash;
    }
    return head;
}

// --- exported files --------------------------------------------------------------

namespace {

bool has_float(const json& value) {
    if (value.is_number_float()) return true;
    if (value.is_structured())
        for (const json& item : value)
            if (has_float(item)) return true;
    return false;
}

// One exported entry, or what is wrong with it ("entry 3 in the file: ...").
std::variant<AuditEntry, std::string> read_entry(const json& item, std::size_t position) {
    const std::string where = "the file's audit entry #" + std::to_string(position + 1) + ": ";
    if (!item.is_object()) return where + "is not a JSON object";
    auto integer = [&](const char* key) -> std::optional<std::int64_t> {
        const auto found = item.find(key);
        if (found == item.end() || !found->is_number_integer()) return std::nullopt;
        if (found->is_number_unsigned() && found->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
        return found->get<std::int64_t>();
    };
    auto text = [&](const json& object, const char* key) -> std::optional<std::string> {
        const auto found = object.find(key);
        if (found == object.end() || !found->is_string()) return std::nullopt;
        return found->get<std::string>();
    };
    AuditEntry entry;
    const auto seq = integer("seq");
    const auto at = integer("at");
    if (!seq) return where + "\"seq\" is missing or not an integer";
    if (!at) return where + "\"at\" is missing or not an integer (Unix milliseconds)";
    entry.seq = *seq;
    entry.at = from_unix_ms(*at);
    const auto incident = text(item, "incident");
    const auto id = incident ? parse_incident_id(*incident) : std::nullopt;
    if (!id || to_string(*id) != *incident) return where + "\"incident\" is missing or not written like INC-7";
    entry.incident = *id;
    const auto actor = item.find("actor");
    if (actor == item.end() || !actor->is_object() || !text(*actor, "id") || !text(*actor, "name"))
        return where + "\"actor\" must be {\"id\": ..., \"name\": ...}";
    entry.actor = UserId{*text(*actor, "id")};
    entry.actor_name = *text(*actor, "name");
    const auto kind = text(item, "kind");
    const auto prev = text(item, "prev");
    const auto hash = text(item, "hash");
    if (!kind || !prev || !hash) return where + "\"kind\", \"prev\" and \"hash\" must be strings";
    entry.kind = *kind;
    entry.prev_hash = *prev;
    entry.hash = *hash;
    const auto facts = item.find("facts");
    if (facts == item.end() || !facts->is_object()) return where + "\"facts\" must be a JSON object";
    if (has_float(*facts)) return where + "its facts hold a number with a fraction; the record has only integers";
    entry.facts = canonical_json(*facts);
    return entry;
}

}  // namespace

ExportedAuditLoad read_exported_audit(const json& file) {
    if (!file.is_object()) return {std::nullopt, "the file is not a JSON object; export one with: warroom export "
                                                 "INC-7 --format json > INC-7.json"};
    const auto audit = file.find("audit");
    if (audit == file.end() || !audit->is_array())
        return {std::nullopt, "the file has no \"audit\" list of entries; export one with: warroom export INC-7 "
                              "--format json > INC-7.json"};
    ExportedAudit exported;
    for (std::size_t i = 0; i < audit->size(); ++i) {
        auto entry = read_entry((*audit)[i], i);
        if (auto* problem = std::get_if<std::string>(&entry)) return {std::nullopt, *problem};
        exported.entries.push_back(std::move(std::get<AuditEntry>(entry)));
    }
    std::optional<IncidentId> incident;
    if (const auto it = file.find("incident"); it != file.end() && it->is_object()) {
        if (const auto id = it->find("id"); id != it->end() && id->is_string())
            incident = parse_incident_id(id->get<std::string>());
    }
    if (!incident && !exported.entries.empty()) incident = exported.entries.front().incident;
    if (!incident) return {std::nullopt, "the file names no incident and has no audit entries"};
    exported.incident = *incident;
    if (const auto head = file.find("audit_head"); head != file.end() && head->is_object()) {
        if (const auto hash = head->find("hash"); hash != head->end() && hash->is_string())
            exported.stated_head = hash->get<std::string>();
        if (const auto count = head->find("entries"); count != head->end() && count->is_number_integer())
            exported.stated_entries = count->get<std::int64_t>();
    }
    return {std::move(exported), {}};
}

AuditVerdict verify_exported_audit(const ExportedAudit& audit) {
    AuditVerdict verdict = verify_chain(audit.incident, audit.entries);
    if (!verdict.verified()) return verdict;
    const bool head_differs = audit.stated_head && *audit.stated_head != verdict.head.hash;
    const bool count_differs = audit.stated_entries && *audit.stated_entries != verdict.head.entries;
    if (head_differs || count_differs)
        verdict.problem = AuditProblem{
            0, {},
            "the file says its record ends at " +
                (audit.stated_entries ? std::to_string(*audit.stated_entries) : std::string("?")) + " entries, head " +
                audit.stated_head.value_or("?") + ", but its entries end at " + describe_head(audit.incident, verdict.head) +
                " — entries were added to or removed from the file after the export"};
    return verdict;
}

std::string describe_head(IncidentId, const AuditHead& head) {
    return std::to_string(head.entries) + (head.entries == 1 ? " entry" : " entries") + ", head " + head.hash;
}

std::string anchor_message(IncidentId incident, const AuditHead& head) {
    const std::string id = to_string(incident);
    return "Audit record of " + id + ": " + describe_head(incident, head) + ". Keep this line: `warroom export " + id +
           " --verify --head " + head.hash + "` proves the record has not been changed since.";
}

}  // namespace warroom
