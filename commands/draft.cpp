// /incident draft AUDIENCE TEXT
#include "bot/text.hpp"
#include "commands/authorize.hpp"
#include "commands/card.hpp"
#include "commands/command.hpp"
#include "commands/drafting.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (auto refusal = require_member(ctx, "write drafts")) return *refusal;
    if (ctx.args.size() < 2)
        return invalid("say the audience and the text: /incident draft exec We contained the phishing campaign "
                       "(audiences: " + ctx.playbook.audience_names() + ")");
    const std::string audience = ctx.args[0].text;
    if (!ctx.playbook.audience(audience))
        return invalid("\"" + audience + "\" is not an audience of the playbook; use one of: " +
                       ctx.playbook.audience_names());
    if (const std::string problem = ctx.unpinned(*ctx.playbook.audience(audience)); !problem.empty())
        return invalid("a draft for " + audience + " could not be published: " + problem);
    const std::string text = ctx.args.rest(1);
    if (auto problem = check_draft_text(ctx, text); !problem.empty()) return invalid(problem);
    if (auto full = check_pending_room(ctx); !full.empty()) return invalid(full);

    const Draft draft = submit_draft(ctx, audience, text, false);
    return done(to_string(draft.id) + " (" + audience + ") is waiting for " +
                (draft.routed_to == ctx.caller ? std::string("your") : mention(draft.routed_to) + "'s") +
                " approval");
}

}  // namespace

extern const CommandSpec draft_command{
    "draft", "draft AUDIENCE TEXT", "draft an outbound message for the Crisis Lead to approve",
    "AUDIENCE is one of the playbook's audiences (exec, employees, customers, press, ...). The text is published "
    "exactly as written, once, after the Crisis Lead approves it.",
    IncidentScope::required, run};

}  // namespace warroom
