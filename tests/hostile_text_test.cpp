// Exports escape user text for their format (no raw HTML, no
// forged headings, no terminal control characters), and a title is one line.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <string>

#include "bot/safe_text.hpp"
#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

namespace {

const Time kStart = from_unix_ms(1'795'000'000'000);

const std::string kEsc = "\x1b";
// A hyperlink to javascript: and a red colour, as a terminal would act on them.
const std::string kOsc8Link = kEsc + "]8;;javascript:alert(1)" + kEsc + "\\click" + kEsc + "]8;;" + kEsc + "\\";
const std::string kRed = kEsc + "[31m";

std::string markdown_export(const TempDatabase& db) {
    const auto run = run_command(std::string(WARROOM_BINARY) + " --db '" + db.path.string() +
                                 "' export INC-1 --format md 2>&1");
    REQUIRE(WIFEXITED(run.status));
    REQUIRE(WEXITSTATUS(run.status) == 0);
    return run.output;
}

// `what` somewhere not escaped by a backslash before it.
bool has_unescaped(const std::string& text, const std::string& what) {
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        if (at == 0 || text[at - 1] != '\\') return true;
    return false;
}

bool has_line_starting(const std::string& text, const std::string& start) {
    for (const std::string& line : lines_of(text))
        if (line.rfind(start, 0) == 0) return true;
    return false;
}

}  // namespace

TEST_CASE("the Markdown review shows hostile text as typed: no HTML, links, headings or terminal escapes",
          "[export][hostile]") {
    TempDatabase db;
    {
        SimulatedConsole console(db.path, kStart);
        REQUIRE(console.script("alice: /incident declare sev2 Phishing <img src=x onerror=alert(1)> **loud**\n"
                               "alice: /incident INC-1 note <script>alert(1)</script> [login](javascript:alert(1)) "
                               "![pixel](https://evil.example/p.png) " + kRed + "red" + kOsc8Link + "\n"
                               "alice: /incident INC-1 impact # Forged heading | a | table |\n"
                               "alice: /incident INC-1 rootcause - forged list item &amp; an entity\n") == 0);
    }
    const std::string md = markdown_export(db);
    INFO(md);
    // Nothing a terminal acts on.
    CHECK(md.find(kEsc) == std::string::npos);
    CHECK(md.find('\x07') == std::string::npos);
    // No raw HTML, no link or image markup.
    CHECK(md.find("<script>") == std::string::npos);
    CHECK_FALSE(has_unescaped(md, "<img"));
    CHECK_FALSE(has_unescaped(md, "](javascript:"));
    CHECK(md.find("![pixel](") == std::string::npos);
    CHECK(md.find("**loud**") == std::string::npos);
    CHECK_FALSE(has_unescaped(md, "&amp;"));
    // The text still reads as typed, escaped.
    CHECK_THAT(md, Contains("\\<script\\>alert(1)\\</script\\>"));
    CHECK_THAT(md, Contains("\\[login\\](javascript:alert(1))"));
    CHECK_THAT(md, Contains("Phishing \\<img src=x onerror=alert(1)\\> \\*\\*loud\\*\\*"));
    // The impact cannot open a heading or a table; the root cause no list.
    CHECK_FALSE(has_line_starting(md, "# Forged"));
    CHECK(has_line_starting(md, "\\# Forged heading \\| a \\| table \\|"));
    CHECK(has_line_starting(md, "\\- forged list item \\&amp; an entity"));
    // The only headings are the review's own.
    for (const std::string& line : lines_of(md))
        if (line.rfind("#", 0) == 0) CHECK((line.rfind("# Post-incident review", 0) == 0 || line.rfind("## ", 0) == 0 ||
                                            line.rfind("### D-", 0) == 0));
}

TEST_CASE("a title must be one line without control characters", "[export][hostile][console]") {
    TempDatabase db;
    SimulatedConsole console(db.path, kStart);
    console.script("alice: /incident declare sev2 Outage " + kRed + "red\n"
                   "alice: /incident declare sev2 Outage\there\n"
                   "alice: /incident declare sev2 Outage \xe2\x80\xae" "gnp.exe\n"
                   "alice: /incident declare sev2 Outage @channel look\n");
    const std::string out = console.out.str();
    INFO(out);
    CHECK(lines_of(out).size() >= 4);
    std::size_t refused = 0;
    for (const std::string& line : lines_of(out))
        refused += line.find("error: the title must be one line of text, without line breaks, tabs or control "
                             "characters") != std::string::npos;
    CHECK(refused == 3);
    CHECK_THAT(out, Contains("error: the title mentions a whole channel"));
    CHECK_THAT(out, !Contains("Declared INC-1"));
}

TEST_CASE("a rejection reason cannot mention a whole channel", "[hostile][console]") {
    TempDatabase db;
    SimulatedConsole console(db.path, kStart);
    console.script("alice: /incident declare sev2 Outage\n"
                   "#inc-1-outage alice: /incident draft employees We are looking into it\n"
                   "#inc-1-outage alice: /incident reject D-1 @here this is premature\n"
                   "#inc-1-outage alice: /incident changes D-1 tell @everyone later\n");
    const std::string out = console.out.str();
    INFO(out);
    CHECK_THAT(out, Contains("error: the reason mentions a whole channel"));
    CHECK_THAT(out, !Contains("REJECTED"));
    CHECK_THAT(out, !Contains("CHANGES REQUESTED"));
}

TEST_CASE("terminal_safe leaves nothing a terminal acts on", "[hostile]") {
    CHECK(terminal_safe("plain text, é and 日本") == "plain text, é and 日本");
    CHECK(terminal_safe("line one\nline two") == "line one\nline two");
    CHECK(terminal_safe("a\tb") == "a b");
    CHECK(terminal_safe(kRed + "red") == "?[31mred");
    CHECK(terminal_safe("\xc2\x9b" "31m") == "?31m");              // the 8-bit CSI
    CHECK(terminal_safe("\xe2\x80\xae" "exe.txt") == "?exe.txt");    // right-to-left override
    CHECK(terminal_safe("bad \xff byte") == "bad ? byte");
    CHECK(terminal_safe("\xc0\xaf") == "??");                        // an overlong '/'
    CHECK(terminal_safe(std::string("nul\0here", 8)) == "nul?here");
}

TEST_CASE("markdown_text escapes what Markdown reads as markup, and only that", "[hostile]") {
    CHECK(markdown_text("Payroll outage, 3 teams affected.") == "Payroll outage, 3 teams affected.");
    CHECK(markdown_text("# heading") == "\\# heading");
    CHECK(markdown_text("INC-1 in #inc-1-payroll (!)") == "INC-1 in #inc-1-payroll (!)");
    CHECK(markdown_text("#inc-1-payroll", MarkdownPlace::within_line) == "#inc-1-payroll");
    CHECK(markdown_text("- a\n- b", MarkdownPlace::within_line) == "- a\n\\- b");
    CHECK(markdown_text("a\n- item\n+ item\n1. item\n2) item\n===") ==
          "a\n\\- item\n\\+ item\n1\\. item\n2\\) item\n\\===");
    CHECK(markdown_text("a - b, 1. c") == "a - b, 1. c");
    CHECK(markdown_text("[x](javascript:alert(1))") == "\\[x\\](javascript:alert(1))");
    CHECK(markdown_text("![x](https://evil.example/p.png)") == "!\\[x\\](https://evil.example/p.png)");
    CHECK(markdown_text("<b>&amp;</b>") == "\\<b\\>\\&amp;\\</b\\>");
    CHECK(markdown_text("`code` *em* _em_ ~~s~~ | t | \\") == "\\`code\\` \\*em\\* \\_em\\_ \\~\\~s\\~\\~ \\| t \\| \\\\");
    CHECK(markdown_text(kEsc + "[2J") == "?\\[2J");
}

TEST_CASE("text that looks like SQL is stored and shown as text", "[hostile][console]") {
    TempDatabase db;
    SimulatedConsole console(db.path, kStart);
    const std::string title = "Robert'); DROP TABLE incidents;--";
    console.script("alice: /incident declare sev3 " + title + "\n"
                   "alice: /incident INC-1 note 1 OR 1=1; DELETE FROM audit_log; --\n"
                   "alice: /incident declare sev3 Second\n");
    auto tx = console.store->begin();
    REQUIRE(tx->incident(IncidentId{1}));
    CHECK(tx->incident(IncidentId{1})->title == title);
    CHECK(tx->incident(IncidentId{2}));
    bool noted = false;
    for (const TimelineEntry& entry : tx->timeline(IncidentId{1}))
        noted = noted || entry.text.find("1 OR 1=1; DELETE FROM audit_log; --") != std::string::npos;
    CHECK(noted);
    CHECK(tx->audit_entries(IncidentId{1}).size() >= 2);
}
