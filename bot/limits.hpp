#pragma once
// Every limit warroom puts on what people type and on what platforms send,
// in one place, each with the reason for its value. A limit is refused with a
// message that names what was too big, its size, the limit and what to do
// instead (see too_long_message in bot/text.hpp), and a refused command
// changes nothing: the checks run before a command touches any state.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace warroom {

// One text a person writes: a draft, revision, update, note, decision,
// root cause, impact, action item, escalation request, reason or comment.
// 4,000 bytes is a long page of prose, fits every platform's message (Slack
// truncates at 40,000 characters and a Block Kit section at 3,000 characters,
// which the card splits), and keeps the timeline and review readable; logs and
// IOC lists belong in a linked document.
inline constexpr std::size_t kMaxTextBytes = 4000;

// An incident's title: it is repeated in the channel header, every card,
// summary and reminder, and slugged into the channel name, so it is a
// headline; the details go into notes.
inline constexpr std::size_t kMaxTitleBytes = 200;

// The next steps the lead types into `/incident summary NEXT STEPS`: the
// summary quotes each workstream's latest update and recent decisions beside
// them, and the whole has to stay one draft (kMaxTextBytes).
inline constexpr std::size_t kMaxSummaryNextStepsBytes = 800;

// A whole command line as it reaches the engine ("/incident INC-7 draft exec
// ..."): room for the longest text plus the command words and mentions, four
// times over. Anything longer is a paste accident, refused before it is even
// split into words.
inline constexpr std::size_t kMaxCommandBytes = 16 * 1024;

// Drafts of one incident waiting for the Crisis Lead's decision. Every one is
// a card waiting in the incident channel and an item of `/incident show`; past
// 50 the lead can no longer see what is waiting, so more are refused until
// some are decided. Playbook-independent: no organisation needs more.
inline constexpr std::size_t kMaxPendingDrafts = 50;

// A channel name, without the '#': Slack's limit, and the Matrix alias
// localpart warroom derives from it.
inline constexpr std::size_t kMaxChannelNameLength = 80;

// A workstream name (typed, or from the playbook or a scenario). Its channel
// is inc-N-NAME, "-ws" added when the main channel holds that name already;
// 40 keeps that within kMaxChannelNameLength for every incident number.
inline constexpr std::size_t kMaxWorkstreamNameLength = 40;

// The longest incident number: IncidentId holds an int64.
inline constexpr std::size_t kMaxIncidentNumberDigits = std::numeric_limits<std::int64_t>::digits10 + 1;  // 19
static_assert(std::string_view("inc-").size() + kMaxIncidentNumberDigits + 1 + kMaxWorkstreamNameLength +
                      std::string_view("-ws").size() <=
                  kMaxChannelNameLength,
              "a workstream channel inc-N-NAME-ws must fit the channel name limit");

}  // namespace warroom
