// /incident action TEXT [@owner]: a follow-up for the review, numbered, ... per incident.
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

constexpr std::string_view kExample = "/incident action Add lookalike-domain rules to the mail gateway @bob";

Outcome run(Context& ctx) {
    if (auto refusal = require_lead_or_workstream_lead(ctx, "add action items")) return *refusal;
    std::string text = ctx.args.rest(0);
    std::optional<UserId> owner;
    // The owner is a mention that ends the text; a mention inside it is just part of the text.
    if (!ctx.args.empty()) {
        const Word& last = ctx.args[ctx.args.size() - 1];
        if (!last.quoted && (owner = parse_mention(last.text)))
            text = trim(std::string_view(text).substr(0, text.size() - last.text.size()));
    }
    if (text.empty()) return invalid("say what needs doing, and optionally who owns it: " + std::string(kExample));
    if (auto problem = check_user_text(text, "the action item", kMaxTextBytes,
                                       "Shorten it or split it into two action items");
        !problem.empty())
        return invalid(problem);
    if (owner && *owner == bot_user())
        return invalid("warroom cannot own an action item; end the text with the person who will do it, e.g. " +
                       std::string(kExample));

    const Incident& incident = ctx.the_incident();
    ActionItem item{incident.id, 0, text, owner, ctx.caller, ctx.now};
    const std::string id = "A-" + std::to_string(ctx.tx.add(item));
    const std::string who = owner ? "owner " + mention(*owner) : std::string("unassigned");
    ctx.record(EntryKind::action, id + ": " + text + " (" + who + ")");
    const ChannelName where = incident.find_channel(ctx.channel) ? ctx.channel : incident.main_channel().name;
    ctx.post(where, "Action item " + id + " added by " + mention(ctx.caller) + ": " + text + " (" + who + ")");
    if (owner && *owner != ctx.caller)
        ctx.tell(*owner, mention(ctx.caller) + " gave you action item " + id + " from " + to_string(incident.id) +
                             " (" + incident.title + "): " + text);
    if (!owner)
        return done("Action item " + id + " recorded, unassigned; to name an owner, end the text with @name");
    return done("Action item " + id + " recorded, " + who);
}

}  // namespace

extern const CommandSpec action_command{
    "action", "action TEXT [@owner]", "add an action item for the review",
    "Numbered A-1, A-2, ... per incident. A mention at the very end names the owner; without one the item is "
    "unassigned. The Crisis Lead, or a workstream lead in their workstream's channel; works after resolution too.",
    IncidentScope::required, run};

}  // namespace warroom
