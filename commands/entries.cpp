#include "commands/entries.hpp"

#include "bot/text.hpp"
#include "commands/authorize.hpp"

namespace warroom {

Outcome record_entry(Context& ctx, EntryCommand which) {
    const char* word = which == EntryCommand::update ? "update" : which == EntryCommand::note ? "note" : "decision";
    const char* doing = which == EntryCommand::update ? "post an update" : which == EntryCommand::note ? "add a note"
                                                                                                   : "record a decision";
    if (auto refusal = require_member(ctx, doing)) return *refusal;
    const std::string text = ctx.args.rest(0);
    if (text.empty()) return invalid(std::string("write the ") + word + ": /incident " + word + " TEXT");
    const char* advice = which == EntryCommand::update ? "Shorten it or post it as two updates"
                         : which == EntryCommand::note ? "Shorten it, split it into two notes, or link to a document "
                                                         "for the long parts"
                                                       : "Record the decision itself and put the reasoning in "
                                                         "/incident note";
    if (auto problem = check_user_text(text, std::string("the ") + word, kMaxTextBytes, advice); !problem.empty())
        return invalid(problem);

    Incident& incident = ctx.the_incident();
    const Workstream* workstream = incident.workstream_of(ctx.channel);
    const ChannelName where = incident.find_channel(ctx.channel) ? ctx.channel : incident.main_channel().name;
    const std::string from = workstream ? " (" + workstream->name + ")" : std::string();
    switch (which) {
        case EntryCommand::update:
            ctx.tx.add(StatusUpdate{incident.id, workstream ? workstream->name : std::string(), ctx.caller, text,
                                    ctx.now});
            ctx.record(EntryKind::update, "update" + from + ": " + text);
            ctx.post(where, "Update from " + mention(ctx.caller) + from + ": " + text);
            return done("Update recorded" + from);
        case EntryCommand::note:
            ctx.record(EntryKind::note, text);
            ctx.post(where, "Note from " + mention(ctx.caller) + ": " + text);
            return done("Note recorded");
        case EntryCommand::decision:
            ctx.record(EntryKind::decision, text);
            ctx.post(where, "Decision recorded by " + mention(ctx.caller) + ": " + text);
            return done("Decision recorded");
    }
    return done("");
}

}  // namespace warroom
