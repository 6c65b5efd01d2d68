// The post-incident review rendered where it is read (issue 22): the review is
// a Markdown post (TextFormat::markdown), which Matrix shows as HTML
// (formatted_body, from libcmark in safe mode, cut to the tags the spec
// allows) and Slack as mrkdwn in Block Kit sections; hostile text typed by a
// responder stays text on both. Then the whole bot over each simulator.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "adapters/matrix/markdown_html.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "adapters/slack/block_kit.hpp"
#include "adapters/slack/markdown_blocks.hpp"
#include "adapters/slack/markdown_mrkdwn.hpp"
#include "bot/effect_codec.hpp"
#include "bot/safe_text.hpp"
#include "matrix_support.hpp"
#include "slack_support.hpp"

namespace warroom::test {
namespace {

using Catch::Contains;
using Catch::StartsWith;
using nlohmann::json;

// What a responder might type into a note, an action item or a root cause.
const std::string kHostile =
    "<script>alert(1)</script> @room <!channel> <!here> <@U0BOSS|boss> **not bold** [click](javascript:alert(1)) & done";

// A small review-like document, the user text in it escaped as the core escapes it.
std::string review_like(const std::string& user_text) {
    return "# Post-incident review: INC-1 · " + markdown_text(user_text, MarkdownPlace::within_line) +
           "\n\nWritten 2026-11-18 11:06 UTC.\n\n## Summary\n- Severity: sev1\n- Crisis Lead: @alice:example.org\n\n"
           "## Timeline\n2 entries.\n- 11:06 · detect · note: " +
           markdown_text(user_text, MarkdownPlace::within_line) +
           "\n  second line\n- 11:07 · respond · decision: reset\n\n## Audit record\nCheck it with `warroom export INC-1 --verify`.\n";
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

// ---------------------------------------------------------------------------
// The effect

TEST_CASE("a Markdown post keeps its format through the outbox, and an old stored post is plain", "[review-render][outbox]") {
    PostMessage post = post_to(ChannelName("inc-1-x"), "# Review\n- item");
    post.format = TextFormat::markdown;
    const std::string encoded = encode_effect(Effect{post});
    CHECK_THAT(encoded, Contains("\"format\":\"markdown\""));
    const Effect decoded = decode_effect(encoded);
    REQUIRE(std::holds_alternative<PostMessage>(decoded));
    CHECK(std::get<PostMessage>(decoded).format == TextFormat::markdown);
    CHECK(std::get<PostMessage>(decoded).text == post.text);

    // A plain post is stored as before the field existed.
    const std::string plain = encode_effect(Effect{post_to(ChannelName("inc-1-x"), "hello")});
    CHECK_THAT(plain, !Contains("format"));
    CHECK(std::get<PostMessage>(decode_effect(plain)).format == TextFormat::plain);
    // Stored by an older version: no field at all.
    const std::string old = R"({"type":"post","channel":"inc-1-x","user":null,"text":"# x","pin":false})";
    CHECK(std::get<PostMessage>(decode_effect(old)).format == TextFormat::plain);
    // A format this version does not know is shown as plain (escaped) text.
    const std::string newer = R"({"type":"post","channel":"inc-1-x","user":null,"text":"x","pin":false,"format":"html"})";
    CHECK(std::get<PostMessage>(decode_effect(newer)).format == TextFormat::plain);
}

// ---------------------------------------------------------------------------
// Matrix

TEST_CASE("Markdown becomes Matrix HTML: headings, lists, emphasis and code are tags", "[review-render]") {
    const auto rendered = matrix::markdown_to_matrix_html(
        "# Title\n\n## Summary\n- one\n- **two** and *three* and `co<de`\n\n1. first\n2. second\n\n> quoted\n\n---\n");
    const std::string& html = rendered.html;
    CHECK_THAT(html, Contains("<h1>Title</h1>"));
    CHECK_THAT(html, Contains("<h2>Summary</h2>"));
    CHECK_THAT(html, Contains("<ul>"));
    CHECK_THAT(html, Contains("<li>one</li>"));
    CHECK_THAT(html, Contains("<strong>two</strong>"));
    CHECK_THAT(html, Contains("<em>three</em>"));
    CHECK_THAT(html, Contains("<code>co&lt;de</code>"));
    CHECK_THAT(html, Contains("<ol>"));
    CHECK_THAT(html, Contains("<li>second</li>"));
    CHECK_THAT(html, Contains("<blockquote>"));
    CHECK_THAT(html, Contains("<hr />"));
    CHECK(rendered.user_ids.empty());
}

TEST_CASE("Matrix HTML from Markdown is safe: raw HTML and dangerous links are gone", "[review-render]") {
    const std::string html = matrix::markdown_to_matrix_html(
        "<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> <b onclick=\"x\">b</b> "
        "[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org/a?b=1&c=2) "
        "![pic](https://example.org/p.png)\n\n<iframe src=\"https://evil\"></iframe>\n").html;
    CHECK_THAT(html, !Contains("<script"));
    CHECK_THAT(html, !Contains("<img"));
    CHECK_THAT(html, !Contains("<iframe"));
    CHECK_THAT(html, !Contains("onerror"));
    CHECK_THAT(html, !Contains("onclick"));
    CHECK_THAT(html, !Contains("javascript:"));
    CHECK_THAT(html, !Contains("data:"));
    CHECK_THAT(html, !Contains("<!--"));
    CHECK_THAT(html, !Contains("href=\"\""));
    CHECK_THAT(html, Contains("bad"));     // the dangerous link's text stays, without its <a>
    CHECK_THAT(html, Contains("<a href=\"https://example.org/a?b=1&amp;c=2\">ok</a>"));
}

TEST_CASE("hostile text in the review stays inert in Matrix HTML", "[review-render]") {
    const std::string markdown = review_like(kHostile);
    const auto rendered = matrix::markdown_to_matrix_html(markdown);
    const std::string& html = rendered.html;
    CHECK_THAT(html, Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_THAT(html, !Contains("<script"));
    CHECK_THAT(html, Contains("**not bold**"));
    CHECK_THAT(html, Contains("[click](javascript:alert(1))"));
    CHECK_THAT(html, !Contains("href=\"javascript"));
    CHECK_THAT(html, Contains("@room"));
    // Still the review's own markup: one h1, the h2s, the items; a line break in a note stays one.
    CHECK(count(html, "<h1>") == 1);
    CHECK(count(html, "<h2>") == 3);
    CHECK_THAT(html, Contains("<br />\nsecond line"));
    // The one user id is a pill, and the only one mentioned: "@room" pings no one.
    CHECK_THAT(html, Contains("<a href=\"https://matrix.to/#/@alice:example.org\">@alice:example.org</a>"));
    CHECK(rendered.user_ids == std::vector<std::string>{"@alice:example.org"});

    const json content = matrix::markdown_notice_content(markdown);
    CHECK(content["msgtype"] == "m.notice");
    CHECK(content["body"] == markdown);
    CHECK(content["format"] == "org.matrix.custom.html");
    CHECK(content["formatted_body"] == html);
    CHECK(content["m.mentions"] == json{{"user_ids", {"@alice:example.org"}}});
}

TEST_CASE("only the tags and attributes Matrix allows survive in formatted_body", "[review-render]") {
    CHECK(matrix::allowed_matrix_html(
              "<div onclick=\"x\"><p style=\"color:red\">t</p><iframe src=\"y\"></iframe>"
              "<a href=\"javascript:x\">l</a><a href=\"https://ok\" title=\"t\">k</a>"
              "<ol start=\"3\"><li>z</li></ol><pre><code class=\"language-sh\">ls</code></pre>"
              "<code class=\"evil x\">c</code><br /><!-- raw HTML omitted --></div>") ==
          "<p>t</p>l<a href=\"https://ok\">k</a><ol start=\"3\"><li>z</li></ol>"
          "<pre><code class=\"language-sh\">ls</code></pre><code>c</code><br />");
    // Not tags at all: escaped.
    CHECK(matrix::allowed_matrix_html("a < b > c <") == "a &lt; b &gt; c &lt;");
    CHECK(matrix::allowed_matrix_html("<a href=\"https://x\" <b>") == "&lt;a href=\"https://x\" <b>");
    // A closing </a> with no kept <a> is dropped.
    CHECK(matrix::allowed_matrix_html("</a>x<a>y</a>") == "xy");
}

TEST_CASE("a long Markdown post is split between blocks and list items, each piece fitting an event", "[review-render]") {
    std::string markdown = "# Post-incident review: INC-9\n\n## Timeline\n3000 entries.\n";
    for (int i = 0; i < 3000; ++i) markdown += "- 2026-11-18 11:06 · respond · note: entry number " + std::to_string(i) + "\n";
    markdown += "\n## Root cause\nA \"quoted\" cause.\n";

    const auto pieces = matrix::split_markdown(markdown, matrix::kMaxPieceBodyBytes);
    REQUIRE(pieces.size() > 5);
    std::string joined;
    for (const auto& piece : pieces) {
        CHECK(piece.size() <= matrix::kMaxPieceBodyBytes);
        // Each starts at a block or an item, never inside a line.
        const bool starts_block = piece.starts_with("# ") || piece.starts_with("- ") || piece.starts_with("## ");
        CHECK(starts_block);
        joined += piece;
    }
    CHECK(joined == markdown);

    const auto contents = matrix::markdown_notice_contents(markdown);
    REQUIRE(contents.size() == pieces.size());
    for (const json& content : contents) {
        CHECK(content.dump().size() <= matrix::kMaxContentBytes);
        CHECK(content["format"] == "org.matrix.custom.html");
        const std::string html = content["formatted_body"];
        CHECK((html.starts_with("<h1>") || html.starts_with("<ul>") || html.starts_with("<h2>")));
        CHECK_THAT(html, !Contains("- 2026"));   // every item is a list item, in whichever piece
    }
    CHECK_THAT(contents.back()["formatted_body"].get<std::string>(), Contains("<h2>Root cause</h2>"));
}

// ---------------------------------------------------------------------------
// Slack

TEST_CASE("Markdown becomes Slack mrkdwn: bold headings, bullets, emphasis, code, links", "[review-render]") {
    const auto blocks = slack::markdown_to_mrkdwn(
        "# Title\n\n## Summary\n- one\n- **two** and *three* and `co<de`\n  continued\n\n1. first\n2. second\n\n"
        "> quoted\n> twice\n\nSee [the doc](https://example.org/x|y) and [bad](javascript:x).\n\n---\n\n```\nls <x>\n```\n");
    REQUIRE(blocks.size() == 8);
    CHECK(blocks[0].kind == slack::MrkdwnBlock::Kind::heading);
    CHECK(blocks[0].mrkdwn == "*Title*");
    CHECK(blocks[1].mrkdwn == "*Summary*");
    CHECK(blocks[2].kind == slack::MrkdwnBlock::Kind::text);
    CHECK(blocks[2].mrkdwn == "• one\n• *two* and _three_ and `co&lt;de`\n    continued");
    CHECK(blocks[3].mrkdwn == "1. first\n2. second");
    CHECK(blocks[4].mrkdwn == "> quoted\n> twice");
    CHECK(blocks[5].mrkdwn == "See <https://example.org/x%7Cy|the doc> and bad.");
    CHECK(blocks[6].kind == slack::MrkdwnBlock::Kind::divider);
    CHECK(blocks[7].mrkdwn == "```\nls &lt;x&gt;\n```");
}

TEST_CASE("hostile text in the review stays inert in Slack mrkdwn", "[review-render]") {
    const std::string markdown = review_like(kHostile);
    const auto messages = slack::markdown_messages(markdown);
    REQUIRE(messages.size() == 1);
    const std::string text = messages[0].text;
    const std::string blocks = messages[0].blocks.dump();
    for (const std::string& shown : {text, blocks}) {
        CHECK_THAT(shown, !Contains("<!channel>"));
        CHECK_THAT(shown, !Contains("<!here>"));
        CHECK_THAT(shown, !Contains("<script>"));
        CHECK_THAT(shown, !Contains("<javascript"));
        CHECK_THAT(shown, !Contains("## "));
        CHECK_THAT(shown, !Contains("<@U0BOSS|"));   // no link with a label of the user's choosing
    }
    CHECK_THAT(text, Contains("&lt;!channel&gt; &lt;!here&gt;"));
    CHECK_THAT(text, Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    CHECK_THAT(text, Contains("&amp; done"));
    CHECK_THAT(text, StartsWith("*Post-incident review: INC-1 · "));
    CHECK_THAT(text, Contains("*Summary*\n• Severity: sev1"));
    CHECK_THAT(text, Contains("`warroom export INC-1 --verify`"));
    // Each heading starts a section.
    REQUIRE(messages[0].blocks.is_array());
    std::size_t headed = 0;
    for (const json& block : messages[0].blocks) {
        REQUIRE(block["type"] == "section");
        CHECK(block["text"]["type"] == "mrkdwn");
        headed += block["text"]["text"].get<std::string>().starts_with("*");
    }
    CHECK(headed == 4);
}

TEST_CASE("a long review is several Slack messages within the block and section limits", "[review-render]") {
    std::string markdown = "# Post-incident review: INC-9\n\n";
    for (int section = 0; section < 80; ++section) {
        markdown += "## Section " + std::to_string(section) + "\n";
        for (int i = 0; i < 20; ++i) markdown += "- entry " + std::to_string(i) + " of section " + std::to_string(section) + " & more\n";
        markdown += "\n";
    }
    markdown += "## Long\n";
    for (int i = 0; i < 400; ++i) markdown += "- a longer entry of the timeline, number " + std::to_string(i) + "\n";

    PostMessage post = post_to(ChannelName("inc-9-x"), markdown);
    post.format = TextFormat::markdown;
    const auto requests = slack::markdown_post_requests(post, slack::SlackChannelId("C9"), OutboxJobId(42));
    REQUIRE(requests.size() > 2);
    std::string all;
    for (std::size_t piece = 0; piece < requests.size(); ++piece) {
        const json& body = requests[piece].body;
        CHECK(requests[piece].method == "chat.postMessage");
        CHECK(body["channel"] == "C9");
        CHECK(body["metadata"]["event_type"] == "warroom_post");
        CHECK(body["metadata"]["event_payload"]["outbox_job"] == 42);
        CHECK(body["metadata"]["event_payload"]["piece"] == piece);
        REQUIRE(body["blocks"].is_array());
        CHECK(body["blocks"].size() <= slack::kMaxBlocks);
        CHECK(body["text"].get<std::string>().size() <= 40000);
        for (const json& block : body["blocks"]) {
            const std::string text = block["text"]["text"];
            CHECK(text.size() <= slack::kMaxSectionText);
            CHECK_THAT(text, !Contains("&amp;amp;"));
            all += text + "\n";
        }
    }
    // Nothing lost: every entry is there once.
    CHECK(count(all, "• entry 7 of section 63 &amp; more") == 1);
    CHECK(count(all, "• a longer entry of the timeline, number 399") == 1);
    CHECK(count(all, "*Section 79*") == 1);
    CHECK(count(all, "*Long*") == 1);
}

// ---------------------------------------------------------------------------
// The whole bot

// In the incident's main channel: a hostile note, an action item, resolved, then the review.
template <class World>
void resolve_and_review(World& world, const std::string& main) {
    CHECK_THAT(world.command("alice", main, "note " + kHostile), Contains("Note recorded"));
    CHECK_THAT(world.command("alice", main, "action Rotate the signing keys"), Contains("A-1"));
    CHECK_THAT(world.command("alice", main, "status resolved"), Contains("resolved"));
    CHECK_THAT(world.command("alice", main, "review"), Contains("Review of INC-1 posted"));
}

bool outbox_empty(Store& store) {
    auto tx = store.begin();
    return tx->pending_jobs(1).empty();
}

TEST_CASE("matrix: /incident review is a formatted notice: HTML headings and items, Markdown body",
          "[review-render][matrix_bot]") {
    MatrixWorld world;
    world.start();
    CHECK_THAT(world.command("alice", world.general, "declare sev2 Token leak"), Contains("INC-1"));
    const std::string main = world.join_when_invited("inc-1-token-leak", "alice");
    resolve_and_review(world, main);

    std::optional<matrix_sim::SimEvent> review;
    REQUIRE(world.sim.wait_for([&] {
        for (const auto& event : world.bot_messages(main))
            if (event.content.value("body", "").starts_with("# Post-incident review")) review = event;
        return review.has_value();
    }, 15s));
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 30s));
    const json& content = review->content;
    const std::string body = content.value("body", "");
    const std::string html = content.value("formatted_body", "");
    CHECK(content.value("msgtype", "") == "m.notice");
    CHECK(content.value("format", "") == "org.matrix.custom.html");
    // body: the Markdown, as the console and the export show it.
    CHECK_THAT(body, StartsWith("# Post-incident review: INC-1 · Token leak\n"));
    CHECK_THAT(body, Contains("\n## Summary\n- Severity: sev2"));
    // formatted_body: rendered.
    CHECK_THAT(html, StartsWith("<h1>Post-incident review: INC-1 · Token leak</h1>"));
    CHECK_THAT(html, Contains("<h2>Summary</h2>"));
    CHECK_THAT(html, Contains("<h2>Action items</h2>"));
    CHECK_THAT(html, Contains("<li>Severity: sev2</li>"));
    CHECK_THAT(html, Contains("<li>A-1: Rotate the signing keys"));
    CHECK_THAT(html, Contains("<code>warroom export INC-1 --verify</code>"));
    CHECK_THAT(html, !Contains("## "));
    // The responder's note: text, not markup, and no room ping.
    CHECK_THAT(html, Contains("&lt;script&gt;alert(1)&lt;/script&gt; @room"));
    CHECK_THAT(html, !Contains("<script"));
    CHECK_THAT(html, !Contains("javascript:alert(1)\""));
    REQUIRE(content.contains("m.mentions"));
    CHECK_FALSE(content["m.mentions"].contains("room"));
    // alice, the lead, as a pill (and so mentioned on purpose).
    CHECK_THAT(html, Contains("<a href=\"https://matrix.to/#/" + world.id("alice") + "\">" + world.id("alice") + "</a>"));
    world.stop();
    CHECK(world.exit_code == 0);
}

TEST_CASE("slack: /incident review is Block Kit sections in mrkdwn: bold headings, bullets, no literal ##",
          "[review-render][slack_bot]") {
    SlackWorld world;
    world.start();
    const std::string main = "inc-1-token-leak";
    CHECK_THAT(world.command("alice", "general", "declare sev2 Token leak"), Contains("INC-1"));
    world.wait_until_member(main, "alice");
    resolve_and_review(world, main);

    std::optional<slack_sim::SimMessage> review;
    REQUIRE(world.sim.wait_for([&] {
        for (const auto& message : world.posts_in(main))
            if (message.text.starts_with("*Post-incident review")) review = message;
        return review.has_value();
    }, 15s));
    REQUIRE(world.sim.wait_for([&] { return outbox_empty(*world.observer); }, 30s));
    const std::string& text = review->text;
    REQUIRE(review->blocks.is_array());
    const std::string blocks = review->blocks.dump();
    CHECK(review->metadata.value("event_type", "") == "warroom_post");
    CHECK_THAT(text, StartsWith("*Post-incident review: INC-1 · Token leak*"));
    for (const std::string& shown : {text, blocks}) {
        CHECK_THAT(shown, Contains("*Summary*"));
        CHECK_THAT(shown, Contains("*Action items*"));
        CHECK_THAT(shown, Contains("• Severity: sev2"));
        CHECK_THAT(shown, Contains("• A-1: Rotate the signing keys"));
        CHECK_THAT(shown, !Contains("## "));
        CHECK_THAT(shown, !Contains("\n- "));
        // The responder's note: escaped, no mass mention, no link.
        CHECK_THAT(shown, Contains("&lt;script&gt;alert(1)&lt;/script&gt; @room &lt;!channel&gt; &lt;!here&gt;"));
        CHECK_THAT(shown, !Contains("<!channel>"));
        CHECK_THAT(shown, !Contains("<!here>"));
        CHECK_THAT(shown, !Contains("<javascript"));
        // alice, the lead, as a live mention (as in every post of the bot's).
        CHECK_THAT(shown, Contains("<@" + world.id("alice") + ">"));
    }
    for (const json& block : review->blocks) {
        CHECK(block.value("type", "") == "section");
        CHECK(block["text"].value("text", "").size() <= slack::kMaxSectionText);
    }
    world.stop();
    CHECK(world.exit_code == 0);
}

}  // namespace
}  // namespace warroom::test
