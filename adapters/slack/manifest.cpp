#include "adapters/slack/manifest.hpp"

namespace warroom::slack {
namespace {

// Every scope is here for a Web API call warroom makes; a scope not listed
// is one warroom does not need. chat:write.public is deliberately absent:
// warroom posts only in channels it created (and so is a member of) and in
// audience channels an admin invited it to, so it never writes into a
// channel it has not been let into.
constexpr const char* kBotScopes[] = {
    "commands",            // the /incident and /inc slash commands
    "chat:write",          // chat.postMessage, chat.update (cards after a decision), chat.postEphemeral (refusals)
    "channels:manage",     // conversations.create/invite/setTopic/setPurpose for public channels
    "groups:write",        // the same for private channels: incident channels are private by default
    "channels:read",       // conversations.list: is a taken incident channel name warroom's own?; member_left_channel
    "groups:read",         // the same for private channels; member_left_channel in private ones
    "channels:history",    // conversations.history: before repeating a post after a crash, look for it
    "groups:history",      // the same repeat check in private channels
    "im:history",          // and in direct messages
    "pins:write",          // pins.add for the incident header
    "users:read",          // users.info: names for user ids in headers and reviews
    "im:write",            // conversations.open: direct messages to one person (handover requests, reminders)
};

nlohmann::json slash_command(const char* command, const char* description) {
    return {
        {"command", command},
        {"description", description},
        {"usage_hint", "declare sev1 TITLE · draft exec TEXT · help"},
        // Mentions and channels arrive as <@U0123|alice> and <#C0123|ops>:
        // ids, which do not change when someone renames themselves.
        {"should_escape", true},
    };
}

}  // namespace

nlohmann::json slack_manifest() {
    nlohmann::json scopes = nlohmann::json::array();
    for (const char* scope : kBotScopes) scopes.push_back(scope);
    return {
        {"_metadata", {{"major_version", 1}, {"minor_version", 1}}},
        {"display_information",
         {{"name", "warroom"},
          {"description", "Runs a security incident response: channels, Crisis Lead, approved comms, syncs, review."},
          {"background_color", "#8b1a1a"}}},
        {"features",
         {{"bot_user", {{"display_name", "warroom"}, {"always_online", true}}},
          {"slash_commands",
           {slash_command("/incident", "Declare and run a security incident"),
            slash_command("/inc", "Short for /incident")}}}},
        {"oauth_config", {{"scopes", {{"bot", scopes}}}}},
        {"settings",
         {{"socket_mode_enabled", true},
          {"interactivity", {{"is_enabled", true}}},
          // Someone left an incident channel or was removed from it: members
          // lose their rights, the Crisis Lead is invited back.
          {"event_subscriptions", {{"bot_events", {"member_left_channel"}}}},
          {"org_deploy_enabled", false},
          {"token_rotation_enabled", false}}},
    };
}

}  // namespace warroom::slack
