#pragma once
// Strong types for identifiers, so an incident number cannot be passed where a
// draft number is expected and a user name cannot stand in for a channel.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warroom {

template <class Tag, class Rep>
class StrongId {
public:
    StrongId() = default;
    explicit StrongId(Rep value) : value_(std::move(value)) {}
    const Rep& value() const { return value_; }
    auto operator<=>(const StrongId&) const = default;
    bool operator==(const StrongId&) const = default;

private:
    Rep value_{};
};

struct IncidentTag {};
struct DraftTag {};
struct UserTag {};
struct ChannelTag {};
struct EventTag {};
struct OutboxJobTag {};
struct ScheduleTag {};
struct EscalationTag {};

using IncidentId = StrongId<IncidentTag, std::int64_t>;    // shown as INC-N
using DraftId = StrongId<DraftTag, std::int64_t>;          // shown as D-N
using UserId = StrongId<UserTag, std::string>;             // platform user id or console name
using ChannelName = StrongId<ChannelTag, std::string>;     // without the leading '#'
using EventId = StrongId<EventTag, std::string>;           // inbound event id, for de-duplication
using OutboxJobId = StrongId<OutboxJobTag, std::int64_t>;
using ScheduleId = StrongId<ScheduleTag, std::int64_t>;
using EscalationId = StrongId<EscalationTag, std::int64_t>;  // shown as E-N

// The author of everything the bot does on its own (reminders, reports,
// scheduled summaries, exercise injects). Its words never count as commands.
const UserId& bot_user();

std::string to_string(IncidentId id);   // "INC-7"
std::string to_string(DraftId id);      // "D-3"
std::string to_string(EscalationId id); // "E-2"
std::string mention(const UserId& user); // "@alice"
std::string mentions(const std::vector<UserId>& users);   // "@alice, @bob"
// "@alice", "<@U0123|alice>" (Slack), "@alice:example.org" (Matrix) -> the user; anything else is not a mention.
std::optional<UserId> parse_mention(std::string_view word);
// "#inc-1-x"; a platform reference that names itself ("#exec:example.org", "!room:example.org") as it is.
std::string to_string(const ChannelName& channel);

// Accept "INC-7" / "inc-7", "D-3" / "d-3" and "E-2" / "e-2"; anything else is not an id.
std::optional<IncidentId> parse_incident_id(std::string_view text);
std::optional<DraftId> parse_draft_id(std::string_view text);
std::optional<EscalationId> parse_escalation_id(std::string_view text);

}  // namespace warroom
