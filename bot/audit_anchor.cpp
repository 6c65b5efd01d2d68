#include "bot/audit_anchor.hpp"

#include <stdexcept>
#include <vector>

#include "bot/effect.hpp"
#include "bot/outbox.hpp"
#include "bot/timeline.hpp"
#include "commands/exercise_guard.hpp"
#include "bot/store.hpp"

namespace warroom {
namespace {

constexpr std::string_view kEntriesMark = ": ";
constexpr std::string_view kHeadMark = ", head ";

}  // namespace

std::optional<AuditAnchor> audit_anchor(Transaction& tx, const Incident& incident) {
    const AuditHead head = audit_head(tx, incident.id);
    if (head.entries == 0) return std::nullopt;
    return AuditAnchor{head, anchor_message(incident.id, head),
                       "audit head posted in " + to_string(incident.main_channel().name) + std::string(kEntriesMark) +
                           describe_head(incident.id, head)};
}

void post_audit_anchor(Transaction& tx, const Incident& incident, Time now) {
    auto anchor = audit_anchor(tx, incident);
    if (!anchor) return;
    // Marked like everything else an exercise posts (the commands' effects
    // pass the same guard in the engine).
    std::vector<Effect> effects{PostMessage{incident.main_channel().name, std::nullopt, anchor->message}};
    confine_to_exercise(incident, effects);
    enqueue_effects(tx, effects, incident.id, now);
    tx.append(TimelineEntry{0, incident.id, now, bot_user(), EntryKind::anchor, anchor->timeline_text});
}

std::optional<PostedAnchor> parse_anchor_entry(const TimelineEntry& entry) {
    if (entry.kind != EntryKind::anchor) return std::nullopt;
    const std::string& text = entry.text;
    const auto head_at = text.rfind(kHeadMark);
    const auto count_at = text.rfind(kEntriesMark, head_at);
    if (head_at == std::string::npos || count_at == std::string::npos) return std::nullopt;
    PostedAnchor anchor;
    anchor.at = entry.at;
    anchor.head.hash = text.substr(head_at + kHeadMark.size());
    try {
        anchor.head.entries = std::stoll(text.substr(count_at + kEntriesMark.size()));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return anchor;
}

}  // namespace warroom
