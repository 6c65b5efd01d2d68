#include "commands/review_statement.hpp"

#include "bot/text.hpp"
#include "commands/authorize.hpp"

namespace warroom {

Outcome record_review_statement(Context& ctx, const ReviewStatement& statement) {
    const std::string name(statement.name);
    if (auto refusal = require_lead_or_workstream_lead(ctx, "record the " + name)) return *refusal;
    const std::string text = ctx.args.rest(0);
    if (text.empty()) return invalid(std::string(statement.ask));
    if (auto problem = check_user_text(text, "the " + name, kMaxTextBytes,
                                       "Shorten it and link to the full analysis for the details");
        !problem.empty())
        return invalid(problem);
    Incident& incident = ctx.the_incident();
    std::string& recorded = incident.*statement.field;
    if (text == recorded) return invalid("that " + name + " is already recorded for " + to_string(incident.id));

    const bool replaces = !recorded.empty();
    recorded = text;
    ctx.tx.save(incident);
    ctx.record(statement.kind, text);
    std::string capitalised = name;
    capitalised[0] = static_cast<char>(capitalised[0] - 'a' + 'A');
    const ChannelName where = incident.find_channel(ctx.channel) ? ctx.channel : incident.main_channel().name;
    ctx.post(where, capitalised + " recorded by " + mention(ctx.caller) + ": " + text);
    return done(capitalised + (replaces ? " updated (the earlier one stays on the timeline)" : " recorded") +
                "; it goes into the review: /incident review");
}

}  // namespace warroom
