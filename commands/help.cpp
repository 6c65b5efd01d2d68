// /incident help [COMMAND]
#include "bot/text.hpp"
#include "commands/command.hpp"

namespace warroom {
namespace {

Outcome run(Context& ctx) {
    if (ctx.args.size() > 1) return invalid("help takes at most one command: /incident help draft");
    if (ctx.args.size() == 1) {
        const CommandSpec* command = find_command(ascii_lower(ctx.args[0].text));
        if (!command)
            return invalid("there is no command \"" + ctx.args[0].text + "\"; /incident help lists them all");
        std::string text = usage_of(*command) + "\n" + std::string(command->summary);
        if (!command->details.empty()) text += "\n" + std::string(command->details);
        return done(text);
    }
    std::string text = "warroom runs an incident response. Commands (/incident or /inc):";
    for (const CommandSpec* command : all_commands())
        text += "\n  " + std::string(command->usage) + " — " + std::string(command->summary);
    text += "\nInside an incident's channels the incident is implied; elsewhere name it first: /incident INC-7 "
            "update ...\n/incident help COMMAND explains one.";
    return done(text);
}

}  // namespace

extern const CommandSpec help_command{"help", "help [COMMAND]", "list the commands, or explain one", "",
                                      IncidentScope::none, run};

}  // namespace warroom
