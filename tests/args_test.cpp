// Splitting command text into words, keeping user text exactly as typed, and
// recognising mentions in each platform's form.
#include <catch2/catch.hpp>

#include "commands/args.hpp"

using namespace warroom;

namespace {

Args split_ok(std::string_view text) {
    std::string error;
    auto args = Args::split(text, &error);
    INFO("split error: " << error);
    REQUIRE(args);
    return *args;
}

std::vector<std::string> texts(const Args& args) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) out.push_back(args[i].text);
    return out;
}

}  // namespace

TEST_CASE("split: words separated by any whitespace", "[args]") {
    const Args args = split_ok("  declare\tsev1  Payroll\nphishing  ");
    CHECK(texts(args) == std::vector<std::string>{"declare", "sev1", "Payroll", "phishing"});
    for (std::size_t i = 0; i < args.size(); ++i) CHECK_FALSE(args[i].quoted);
    // Offsets point into the original text.
    CHECK(args[0].begin == 2);
    CHECK(args[0].end == 9);

    CHECK(split_ok("").empty());
    CHECK(split_ok("   \t ").empty());
}

TEST_CASE("split: double and single quotes keep a phrase as one word", "[args]") {
    const Args args = split_ok(R"(draft exec "We are investigating" now 'single quoted')");
    REQUIRE(args.size() == 5);
    CHECK(args[2].text == "We are investigating");
    CHECK(args[2].quoted);
    CHECK(args[3].text == "now");
    CHECK_FALSE(args[3].quoted);
    CHECK(args[4].text == "single quoted");
    CHECK(args[4].quoted);

    // An empty quoted word is still a word.
    const Args empty = split_ok(R"(note "")");
    REQUIRE(empty.size() == 2);
    CHECK(empty[1].text.empty());
    CHECK(empty[1].quoted);
}

TEST_CASE("split: curly quotes from phones and word processors work like straight ones", "[args]") {
    const Args args = split_ok("note \u201cthe VPN is down\u201d again");
    REQUIRE(args.size() == 3);
    CHECK(args[1].text == "the VPN is down");
    CHECK(args[1].quoted);
    CHECK(args[2].text == "again");
}

TEST_CASE("split: an unterminated quote is an error that says where", "[args]") {
    std::string error;
    CHECK_FALSE(Args::split(R"(note "oops no end)", &error));
    CHECK_THAT(error, Catch::Contains("never closed"));
    CHECK_THAT(error, Catch::Contains("oops"));   // points at the quote the user has to close

    error.clear();
    CHECK_FALSE(Args::split("note \u201cstill open", &error));
    CHECK_THAT(error, Catch::Contains("never closed"));

    error.clear();
    CHECK_FALSE(Args::split("note 'open", &error));
    CHECK_FALSE(error.empty());

    // A null error pointer is allowed.
    CHECK_FALSE(Args::split("\"x", nullptr));
}

TEST_CASE("split: apostrophes inside words are ordinary characters", "[args]") {
    const Args args = split_ok("update don't click links, it's phishing; users' passwords reset");
    CHECK(texts(args) == std::vector<std::string>{"update", "don't", "click", "links,", "it's", "phishing;",
                                                  "users'", "passwords", "reset"});
    for (std::size_t i = 0; i < args.size(); ++i) CHECK_FALSE(args[i].quoted);
}

TEST_CASE("rest: the user's text exactly as typed from a word on", "[args]") {
    const std::string typed = R"(update   Mail  gateway   patched;  "quoted" part kept, café ☕  )";
    const Args args = split_ok(typed);
    CHECK(args.rest(1) == R"(Mail  gateway   patched;  "quoted" part kept, café ☕)");
    CHECK(args.rest(0) == R"(update   Mail  gateway   patched;  "quoted" part kept, café ☕)");
    CHECK(args.rest(args.size()) == "");
    CHECK(args.rest(99) == "");

    // One quoted word is returned without its quotes ...
    CHECK(split_ok(R"(draft exec "Hello, world")").rest(2) == "Hello, world");
    // ... several words keep theirs: the text is what was typed.
    CHECK(split_ok(R"(note "a b" c)").rest(1) == R"("a b" c)");
}

TEST_CASE("drop: the same arguments without the first words, text unchanged", "[args]") {
    const Args args = split_ok("INC-7 update  two  spaces");
    const Args dropped = args.drop(2);
    REQUIRE(dropped.size() == 2);
    CHECK(dropped[0].text == "two");
    CHECK(dropped.rest(0) == "two  spaces");
    CHECK(args.drop(4).empty());
    CHECK(args.drop(10).empty());
    CHECK(args.size() == 4);   // the original is untouched
}

TEST_CASE("take_option removes --name VALUE wherever it is", "[args]") {
    SECTION("at the end") {
        Args args = split_ok("sev1 Payroll phishing --lead @bob");
        auto value = args.take_option("--lead");
        REQUIRE(value);
        CHECK(*value == "@bob");
        CHECK(texts(args) == std::vector<std::string>{"sev1", "Payroll", "phishing"});
        CHECK(args.rest(1) == "Payroll phishing");
    }
    SECTION("in the middle, without leaving it in rest()") {
        Args args = split_ok("sev1 --lead @bob Payroll phishing");
        CHECK(args.take_option("--lead") == std::optional<std::string>("@bob"));
        CHECK(texts(args) == std::vector<std::string>{"sev1", "Payroll", "phishing"});
        CHECK(args.rest(1) == "Payroll phishing");
        CHECK(args.rest(0).find("--lead") == std::string::npos);
        CHECK(args.rest(0).find("@bob") == std::string::npos);
    }
    SECTION("between title words, leaving the title as it reads without it") {
        Args args = split_ok("sev1 Payroll --lead @bob phishing");
        CHECK(args.take_option("--lead") == std::optional<std::string>("@bob"));
        CHECK(texts(args) == std::vector<std::string>{"sev1", "Payroll", "phishing"});
        CHECK(args.rest(1) == "Payroll phishing");
        CHECK(args.rest(2) == "phishing");
        CHECK(args.drop(1).rest(0) == "Payroll phishing");
    }
    SECTION("last, without a value") {
        Args args = split_ok("sev1 Title --lead");
        auto value = args.take_option("--lead");
        REQUIRE(value);
        CHECK(value->empty());
        CHECK(texts(args) == std::vector<std::string>{"sev1", "Title"});
    }
    SECTION("absent") {
        Args args = split_ok("sev1 Title words");
        CHECK_FALSE(args.take_option("--lead"));
        CHECK(args.size() == 3);
        CHECK(args.rest(1) == "Title words");
    }
    SECTION("a quoted \"--lead\" is text, not an option") {
        Args args = split_ok(R"(sev1 "--lead" @bob)");
        CHECK_FALSE(args.take_option("--lead"));
        CHECK(args.size() == 3);
    }
}

TEST_CASE("parse_mention: the forms each platform sends", "[args]") {
    CHECK(parse_mention("@alice") == std::optional<UserId>(UserId{"alice"}));
    CHECK(parse_mention("@bob.smith") == std::optional<UserId>(UserId{"bob.smith"}));
    // Prose punctuation is not part of the name.
    CHECK(parse_mention("@bob,") == std::optional<UserId>(UserId{"bob"}));
    // Slack: the id is the user, the label is ignored.
    CHECK(parse_mention("<@U0123|alice>") == std::optional<UserId>(UserId{"U0123"}));
    CHECK(parse_mention("<@U0123>") == std::optional<UserId>(UserId{"U0123"}));
    // Matrix ids keep their sigil.
    CHECK(parse_mention("@alice:example.org") == std::optional<UserId>(UserId{"@alice:example.org"}));
}

TEST_CASE("parse_mention: junk is not a person", "[args]") {
    for (std::string_view junk : {"", "alice", "@", "@@alice", "@al!ce", "@al ice", "<@>", "<@U0123",
                                  "<@U01 23>", "#general", "<#C0123|general>", "<!channel>", "D-3", "INC-1"}) {
        INFO("word: \"" << junk << "\"");
        CHECK_FALSE(parse_mention(junk));
    }
}
