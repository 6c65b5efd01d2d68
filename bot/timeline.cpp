#include "bot/timeline.hpp"

#include <array>
#include <utility>

namespace warroom {
namespace {

constexpr std::array<std::pair<EntryKind, const char*>, 14> kNames{{
    {EntryKind::declared, "declared"},   {EntryKind::lead, "lead"},
    {EntryKind::workstream, "workstream"}, {EntryKind::invite, "invite"},
    {EntryKind::update, "update"},       {EntryKind::note, "note"},
    {EntryKind::decision, "decision"},   {EntryKind::severity, "severity"},
    {EntryKind::status, "status"},       {EntryKind::draft, "draft"},
    {EntryKind::approval, "approval"},   {EntryKind::publication, "publication"},
    {EntryKind::refusal, "refusal"},     {EntryKind::summary, "summary"},
}};

}  // namespace

std::string to_string(EntryKind kind) {
    for (auto& [k, name] : kNames)
        if (k == kind) return name;
    return "note";
}

std::optional<EntryKind> parse_entry_kind(std::string_view text) {
    for (auto& [k, name] : kNames)
        if (text == name) return k;
    return std::nullopt;
}

}  // namespace warroom
