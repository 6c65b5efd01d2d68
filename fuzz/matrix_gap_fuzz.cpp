// Fuzzes one page of a Matrix /messages answer as warroom's gap filling reads
// it (read_gap_page_body): the pages that bring back what a shortened /sync
// left out, and what every room is paged for when no sync answer can be read.
// Each event kept is then read as the bot reads it (read_timeline_event).
//
// Properties: nothing throws or crashes on any body; the events kept are the
// first entries of the page's chunk, in order; none is warroom's own join or
// older than the point the previous sync covered; the page says it reached a
// known event exactly when it kept fewer entries than the chunk had; `end` is
// the answer's own end token.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "adapters/matrix/matrix_events.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using namespace warroom::matrix;
using nlohmann::json;
using warroom::fuzz::require;

constexpr std::string_view kBot = "@warroom:example.org";
constexpr std::int64_t kKnownBeforeMs = 1700000000000;   // the previous sync's arrival, less the clock slack

bool older_than_known(const json& event) {
    const auto ts = event.find("origin_server_ts");
    if (ts == event.end()) return false;
    if (ts->is_number_unsigned()) return ts->get<std::uint64_t>() < static_cast<std::uint64_t>(kKnownBeforeMs);
    return ts->is_number_integer() && ts->get<std::int64_t>() < kKnownBeforeMs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto result = read_gap_page_body(body, kBot, kKnownBeforeMs);
    const auto* page = std::get_if<GapPage>(&result);
    if (!page) return 0;
    const json answer = json::parse(body, nullptr, false);
    require(answer.is_object() && answer.contains("chunk") && answer["chunk"].is_array(), "a page has a chunk", body);
    const json& chunk = answer["chunk"];
    require(page->events.size() <= chunk.size(), "a page keeps no more events than its chunk has", body);
    for (std::size_t i = 0; i < page->events.size(); ++i) {
        require(page->events[i] == chunk[i], "the events kept are the chunk's first entries, in order", body);
        require(!is_own_join(page->events[i], kBot), "warroom's own join is never kept", body);
        require(!older_than_known(page->events[i]), "an event the previous sync covered is never kept", body);
    }
    require(page->reached_known == (page->events.size() < chunk.size()),
            "a page stops early exactly at a known event", body);
    if (page->reached_known) {
        const json& stop = chunk[page->events.size()];
        require(is_own_join(stop, kBot) || older_than_known(stop), "a page stops at a known event", body);
    }
    const auto end = answer.find("end");
    require(end != answer.end() && end->is_string() ? page->end == end->get<std::string>() : page->end.empty(),
            "end is the answer's end token", body);
    const SyncContext context{std::string(kBot), nullptr, nullptr};
    for (const json& event : page->events) (void)read_timeline_event(event, "!room:example.org", context);
    return 0;
}
