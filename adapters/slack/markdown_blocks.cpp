#include "adapters/slack/markdown_blocks.hpp"

#include <algorithm>

#include "adapters/slack/block_kit.hpp"
#include "adapters/slack/markdown_mrkdwn.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

// A section's text, or a divider (no text).
struct Item {
    bool divider = false;
    std::string text;
};

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
}

// Each heading starts a section; what follows joins it while it fits in
// kMaxSectionText, and the rest is cut at lines into further sections.
std::vector<Item> sections(const std::vector<MrkdwnBlock>& blocks) {
    std::vector<Item> out;
    std::string current;
    bool after_heading = false;
    const auto flush = [&] {
        if (!is_blank(current)) out.push_back({false, std::move(current)});
        current.clear();
    };
    const auto add = [&](std::string text) {
        if (text.size() <= kMaxSectionText) {
            current = std::move(text);
            return;
        }
        std::vector<std::string> pieces = split_mrkdwn(text, kMaxSectionText);
        current = std::move(pieces.back());
        pieces.pop_back();
        for (std::string& piece : pieces)
            if (!is_blank(piece)) out.push_back({false, std::move(piece)});
    };
    for (const MrkdwnBlock& block : blocks) {
        switch (block.kind) {
            case MrkdwnBlock::Kind::divider:
                flush();
                out.push_back({true, {}});
                after_heading = false;
                break;
            case MrkdwnBlock::Kind::heading:
                flush();
                add(block.mrkdwn);
                after_heading = true;
                break;
            case MrkdwnBlock::Kind::text: {
                std::string joined = current;
                if (!joined.empty()) joined += after_heading ? "\n" : "\n\n";
                joined += block.mrkdwn;
                current.clear();
                add(std::move(joined));
                after_heading = false;
                break;
            }
        }
    }
    flush();
    return out;
}

json section(const std::string& text) {
    // verbatim, as the cards' sections: Slack links nothing it finds in the
    // text by itself; the mentions and channel links written as markup stay live.
    return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", text}, {"verbatim", true}}}};
}

}  // namespace

std::vector<BlocksMessage> markdown_messages(std::string_view markdown, const ChannelIdLookup& channels) {
    std::vector<BlocksMessage> messages;
    BlocksMessage current{{}, json::array()};
    std::size_t bytes = 0;
    const auto flush = [&] {
        if (current.blocks.empty()) return;
        if (current.text.empty()) current.text = "———";   // dividers alone
        messages.push_back(std::move(current));
        current = BlocksMessage{{}, json::array()};
        bytes = 0;
    };
    for (const Item& item : sections(markdown_to_mrkdwn(markdown, channels))) {
        if (current.blocks.size() == kMaxBlocks || (bytes > 0 && bytes + item.text.size() > kMaxMarkdownMessageBytes))
            flush();
        if (item.divider) {
            current.blocks.push_back({{"type", "divider"}});
            continue;
        }
        if (!current.text.empty()) current.text += "\n\n";
        current.text += item.text;
        current.blocks.push_back(section(item.text));
        bytes += item.text.size();
    }
    flush();
    // Nothing to show as blocks (only raw HTML, or nothing at all): the text as a plain post shows it.
    if (messages.empty()) {
        std::string text = escape_mrkdwn(markdown);
        messages.push_back({is_blank(text) ? std::string("(empty)") : std::move(text), json()});
    }
    return messages;
}

std::vector<ApiRequest> markdown_post_requests(const PostMessage& effect, const SlackChannelId& to, OutboxJobId job,
                                               const ChannelIdLookup& channels) {
    std::vector<ApiRequest> requests;
    for (BlocksMessage& message : markdown_messages(effect.text, channels)) {
        // The same metadata as a plain post's piece (find_posted looks for it).
        json body{{"channel", to.value()},
                  {"text", std::move(message.text)},
                  {"metadata",
                   {{"event_type", std::string(kPostEventType)},
                    {"event_payload", {{"outbox_job", job.value()}, {"piece", requests.size()}}}}}};
        if (!message.blocks.is_null()) body["blocks"] = std::move(message.blocks);
        requests.push_back({"chat.postMessage", std::move(body)});
    }
    return requests;
}

}  // namespace warroom::slack
