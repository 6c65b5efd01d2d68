#include "bot/timeline.hpp"

#include <array>
#include <utility>

namespace warroom {
namespace {

constexpr std::array<std::pair<EntryKind, const char*>, 26> kNames{{
    {EntryKind::declared, "declared"},   {EntryKind::lead, "lead"},
    {EntryKind::workstream, "workstream"}, {EntryKind::invite, "invite"},
    {EntryKind::update, "update"},       {EntryKind::note, "note"},
    {EntryKind::decision, "decision"},   {EntryKind::severity, "severity"},
    {EntryKind::status, "status"},       {EntryKind::draft, "draft"},
    {EntryKind::approval, "approval"},   {EntryKind::publication, "publication"},
    {EntryKind::refusal, "refusal"},     {EntryKind::summary, "summary"},
    {EntryKind::sync, "sync"},           {EntryKind::missed_sync, "missed_sync"},
    {EntryKind::reminder, "reminder"},   {EntryKind::escalation, "escalation"},
    {EntryKind::escalation_decision, "escalation_decision"},
    {EntryKind::rootcause, "rootcause"}, {EntryKind::impact, "impact"},
    {EntryKind::action, "action"},       {EntryKind::review, "review"},
    {EntryKind::exercise, "exercise"},   {EntryKind::inject, "inject"},
    {EntryKind::anchor, "anchor"},
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
