// Fuzzes a Matrix /sync response body: read_sync_body, with resolvers that
// know one incident room and two cards (a draft's and an escalation's).
// Inputs holding a NUL byte also feed command_text_with_pills directly, the
// part before it as the body and the rest as formatted_body.
//
// Properties: nothing throws or crashes on any body; every event is keyed
// "matrix:" + its event id, never comes from warroom itself, and is named by
// the room resolver or keeps its room id; a card decision is only ever about
// a card the resolver knows.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/matrix/matrix_events.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using namespace warroom::matrix;
using warroom::fuzz::require;

constexpr std::string_view kBot = "@warroom:example.org";

std::optional<ChannelName> known_rooms(const std::string& room_id) {
    if (room_id == "!inc1:example.org") return ChannelName{"inc-1-payroll"};
    if (room_id == "!exec:example.org") return ChannelName{"exec-briefing"};
    return std::nullopt;
}

std::optional<CardRef> known_cards(const std::string& event_id) {
    if (event_id == "$draftcard") return CardRef{DraftId{3}};
    if (event_id == "$esccard") return CardRef{EscalationId{2}};
    return std::nullopt;
}

void check_event(const MatrixEvent& item, std::string_view body) {
    const Event& event = item.event;
    require(event.id.value() == std::string(kEventPrefix) + item.matrix_event_id, "an event is keyed matrix:ID", body);
    require(!item.matrix_event_id.empty(), "an event has its Matrix id", body);
    require(event.user.value() != kBot, "warroom's own events are never acted on", body);
    if (auto known = known_rooms(item.room_id))
        require(event.channel == *known, "a known room becomes warroom's name for it", body);
    else
        require(event.channel.value() == item.room_id, "an unknown room keeps its room id as its name", body);
    if (const auto* action = std::get_if<CardAction>(&event.what))
        require(action->draft == DraftId{3}, "a card decision is about the draft the card shows", body);
    if (const auto* answer = std::get_if<EscalationAnswer>(&event.what))
        require(answer->escalation == EscalationId{2}, "an escalation answer is about the card's escalation", body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const SyncContext context{std::string(kBot), known_rooms, known_cards};
    const auto result = read_sync_body(body, context);
    if (const auto* batch = std::get_if<SyncBatch>(&result)) {
        for (const SyncItem& item : batch->items)
            if (const auto* event = std::get_if<MatrixEvent>(&item)) check_event(*event, body);
    }
    if (const std::size_t nul = body.find('\0'); nul != std::string_view::npos)
        (void)command_text_with_pills(body.substr(0, nul), body.substr(nul + 1));
    return 0;
}
