// Hostile text through Slack, where a slash command can carry line breaks the
// console cannot type: a title that would forge a heading is refused.
#include "slack_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

TEST_CASE("slack: a title with a line break is refused and nothing is declared", "[slack_bot][hostile]") {
    SlackWorld world;
    world.start();
    const std::string answer =
        world.command("alice", "general", "declare sev2 Phishing\n# Forged heading\n[login](javascript:x)");
    CHECK_THAT(answer, Contains("the title must be one line of text"));
    CHECK_FALSE(world.sim.channel_by_name("inc-1-phishing").has_value());
    // A one-line title still declares.
    CHECK_THAT(world.command("alice", "general", "declare sev2 Phishing"), Contains("Declared INC-1"));
}
