// The list of subcommands; each is defined in its own file.
#include "commands/command.hpp"

#include <nlohmann/json.hpp>

#include "bot/audit.hpp"
#include "bot/audit_anchor.hpp"

namespace warroom {

extern const CommandSpec declare_command, lead_command, workstream_command, invite_command, update_command,
    note_command, decision_command, severity_command, status_command, draft_command, approve_command,
    reject_command, changes_command, revise_command, withdraw_command, summary_command, timeline_command,
    list_command, show_command, help_command, sync_command, escalate_command, allow_command, deny_command,
    exercise_command, rootcause_command, impact_command, action_command, review_command, retry_command,
    page_command;

const std::vector<const CommandSpec*>& all_commands() {
    static const std::vector<const CommandSpec*> commands{
        &declare_command,  &list_command,     &show_command,    &lead_command,    &workstream_command,
        &invite_command,   &update_command,   &note_command,    &decision_command, &severity_command,
        &status_command,   &draft_command,    &approve_command, &reject_command,  &changes_command,
        &revise_command,   &withdraw_command, &summary_command, &sync_command,    &escalate_command,
        &retry_command,    &page_command,
        &allow_command,    &deny_command,     &timeline_command, &exercise_command, &rootcause_command,
        &impact_command,   &action_command,   &review_command,  &help_command,
    };
    return commands;
}

const CommandSpec* find_command(std::string_view name) {
    for (const CommandSpec* command : all_commands())
        if (command->name == name) return command;
    return nullptr;
}

std::string usage_of(const CommandSpec& command) { return "Usage: /incident " + std::string(command.usage); }

void Context::record(EntryKind kind, std::string text) {
    tx.append(TimelineEntry{0, incident->id, now, caller, kind, std::move(text)});
}

}  // namespace warroom

namespace warroom {

std::string Context::unpinned(const Audience& audience) const {
    if ((incident && incident->exercise) || !audience.is_chat()) return {};
    return unpinned_problem(pins, audience.channel, audience.name);
}

void Context::audit(std::string_view kind, const nlohmann::json& facts) {
    append_audit(tx, incident->id, now, caller, caller_name, kind, facts);
}

void anchor_audit_record(Context& ctx) {
    const auto anchor = audit_anchor(ctx.tx, ctx.the_incident());
    if (!anchor) return;
    ctx.post(ctx.the_incident().main_channel().name, anchor->message);
    ctx.tx.append(TimelineEntry{0, ctx.the_incident().id, ctx.now, bot_user(), EntryKind::anchor, anchor->timeline_text});
}

}  // namespace warroom
