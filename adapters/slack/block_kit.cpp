#include "adapters/slack/block_kit.hpp"

#include <algorithm>
#include <vector>

#include "adapters/slack/mrkdwn.hpp"
#include "bot/card_text.hpp"
#include "bot/channel_pin.hpp"
#include "bot/text.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

json plain(std::string_view text) { return {{"type", "plain_text"}, {"text", std::string(text)}, {"emoji", true}}; }
// verbatim: Slack shows the text as written instead of linking names, #channels and URLs it finds in
// it. Cards carry user text (titles, drafts, reasons, comments), and every link warroom means (a
// mention, a channel) is written as markup, which verbatim leaves live.
json mrkdwn(std::string text) { return {{"type", "mrkdwn"}, {"text", std::move(text)}, {"verbatim", true}}; }

// Header text is plain_text and holds only ids and fixed words, never user
// text, so nothing in it needs escaping.
json header(const std::string& text) {
    return {{"type", "header"}, {"text", plain(truncate_utf8(text, kMaxHeaderText))}};
}

json field(std::string_view label, std::string_view value_mrkdwn) {
    return mrkdwn("*" + std::string(label) + "*\n" + std::string(value_mrkdwn));
}

json fields_section(std::vector<json> fields) { return {{"type", "section"}, {"fields", std::move(fields)}}; }

json text_section(std::string text_mrkdwn) { return {{"type", "section"}, {"text", mrkdwn(std::move(text_mrkdwn))}}; }

json context(std::string text_mrkdwn) { return {{"type", "context"}, {"elements", json::array({mrkdwn(std::move(text_mrkdwn))})}}; }

json button(std::string_view label, std::string_view action_id, const std::string& value, std::string_view style) {
    json b = {{"type", "button"}, {"text", plain(label)}, {"action_id", std::string(action_id)}, {"value", value}};
    if (!style.empty()) b["style"] = std::string(style);
    return b;
}

std::string_view emoji(CardMark mark) {
    switch (mark) {
        case CardMark::waiting: return ":hourglass:";
        case CardMark::approved: return ":white_check_mark:";
        case CardMark::changes: return ":pencil2:";
        case CardMark::rejected: return ":x:";
        case CardMark::withdrawn: return ":wastebasket:";
        case CardMark::moved: return ":arrow_right:";
        case CardMark::outdated: return ":warning:";
        case CardMark::denied: return ":no_entry:";
        case CardMark::exercise: return ":performing_arts:";
    }
    return "";
}

// A channel pinned by its Slack id is a link, which Slack shows under the channel's current name; a
// name (the console's, an exercise's stand-in) stays text.
std::string channel_shown(const std::string& channel) {
    const ChannelName destination{channel};
    if (is_slack_channel_id(destination.value())) return channel_reference(destination, SlackChannelId{channel});
    return escape_mrkdwn_truncated(to_string(destination), 200);
}

std::string part_mrkdwn(const CardPart& part) {
    switch (part.kind) {
        case CardPart::Kind::words: return escape_mrkdwn(part.text);
        case CardPart::Kind::strong: return "*" + escape_mrkdwn(part.text) + "*";
        case CardPart::Kind::user_text:
            return part.max_bytes > 0 ? escape_mrkdwn_truncated(part.text, part.max_bytes) : escape_mrkdwn(part.text);
        case CardPart::Kind::user: return user_mention(part.user);
        case CardPart::Kind::time: return format_utc(part.time);
        case CardPart::Kind::channel: return channel_shown(part.text);
        case CardPart::Kind::command: return "`/incident " + escape_mrkdwn(part.text) + "`";
        case CardPart::Kind::mark: return std::string(emoji(part.mark)) + " ";
    }
    return "";
}

// A line of card text as mrkdwn of at most max_bytes: whole parts only, so a
// cut never leaves half a mention or entity; "…" where parts are left out.
std::string line_mrkdwn(const CardLine& line, std::size_t max_bytes) {
    static const std::string kEllipsis = "…";
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const std::string piece = part_mrkdwn(line[i]);
        const bool last = i + 1 == line.size();
        if (out.size() + piece.size() + (last ? 0 : kEllipsis.size()) > max_bytes) {
            if (out.size() + kEllipsis.size() <= max_bytes) out += kEllipsis;
            break;
        }
        out += piece;
    }
    return out;
}

// Lines of card text, one under the other, within max_bytes.
std::string lines_mrkdwn(const std::vector<CardLine>& lines, std::size_t max_bytes) {
    std::string out;
    for (const CardLine& line : lines) {
        if (line.empty()) continue;
        const std::size_t used = out.size() + (out.empty() ? 0 : 1);
        if (used >= max_bytes) break;
        out += (out.empty() ? "" : "\n") + line_mrkdwn(line, max_bytes - used);
    }
    return out;
}

// Appends the text as sections of at most kMaxSectionText each, leaving room
// for `reserved` blocks after them. Beyond the 50-block cap the rest is cut,
// and a note says so rather than Slack refusing the whole card.
void append_text(json& blocks, std::string_view raw, std::size_t reserved) {
    const std::vector<std::string> pieces = split_mrkdwn(escape_mrkdwn(raw), kMaxSectionText);
    const std::size_t room = kMaxBlocks - std::min(kMaxBlocks, blocks.size() + reserved);
    if (pieces.size() <= room) {
        for (const std::string& piece : pieces) blocks.push_back(text_section(piece));
        return;
    }
    const std::size_t shown = room > 0 ? room - 1 : 0;
    std::size_t hidden_bytes = 0;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i < shown)
            blocks.push_back(text_section(pieces[i]));
        else
            hidden_bytes += pieces[i].size();
    }
    if (room > 0) blocks.push_back(context(":scissors: " + escape_mrkdwn(text_cut_note(hidden_bytes))));
}

std::string_view action_id(CardChoice choice) {
    switch (choice) {
        case CardChoice::approve: return kApproveAction;
        case CardChoice::request_changes: return kChangesAction;
        case CardChoice::reject: return kRejectAction;
        case CardChoice::allow: return kAllowAction;
        case CardChoice::deny: return kDenyAction;
    }
    return "";
}

std::string_view button_style(CardChoice choice) {
    switch (choice) {
        case CardChoice::approve:
        case CardChoice::allow: return "primary";
        case CardChoice::reject:
        case CardChoice::deny: return "danger";
        case CardChoice::request_changes: return "";
    }
    return "";
}

// Either card: the header, the exercise banner, the facts, the text, and then
// while it is live where it stands above its buttons, else a divider and its
// outcome. `block_id` and `value` identify what the buttons decide.
json card_blocks(const CardText& card, const std::string& block_id, const std::string& value) {
    json blocks = json::array();
    blocks.push_back(header(card.title));
    if (!card.banner.empty()) blocks.push_back(context(line_mrkdwn(card.banner, kMaxSectionText)));
    std::vector<json> fields;
    for (const CardFact& fact : card.facts)
        fields.push_back(field(escape_mrkdwn(fact.label), line_mrkdwn(fact.value, kMaxFieldText - fact.label.size() - 8)));
    blocks.push_back(fields_section(std::move(fields)));
    if (!card.text_intro.empty()) blocks.push_back(context(escape_mrkdwn(card.text_intro)));
    // Room after the text for the state and the buttons, or the divider and the outcome.
    append_text(blocks, card.text, 2);
    if (card.live) {
        std::vector<CardLine> above = card.status_lines;
        above.push_back(card.command_line);
        blocks.push_back(context(lines_mrkdwn(above, kMaxSectionText)));
        json buttons = json::array();
        for (const CardButton& b : card.buttons) buttons.push_back(button(b.label, action_id(b.choice), value, button_style(b.choice)));
        blocks.push_back({{"type", "actions"}, {"block_id", block_id}, {"elements", std::move(buttons)}});
    } else {
        blocks.push_back({{"type", "divider"}});
        blocks.push_back(text_section(lines_mrkdwn(card.status_lines, kMaxSectionText)));
    }
    return blocks;
}

}  // namespace

std::string approval_outcome(const Card& card) { return lines_mrkdwn(approval_card_text(card).status_lines, kMaxSectionText); }

std::string escalation_outcome(const EscalationCard& card) {
    return lines_mrkdwn(escalation_card_text(card).status_lines, kMaxSectionText);
}

nlohmann::json approval_card_blocks(const Card& card) {
    // The buttons carry the revision shown: a click after a revision is refused.
    return card_blocks(approval_card_text(card),
                       "warroom.approval." + to_string(card.draft) + "." + std::to_string(card.revision),
                       to_string(DraftRevision{card.draft, card.revision}));
}

std::string approval_card_fallback(const Card& card) { return line_mrkdwn(approval_card_text(card).summary, kMaxSectionText); }

nlohmann::json escalation_card_blocks(const EscalationCard& card) {
    const std::string id = to_string(card.escalation);
    return card_blocks(escalation_card_text(card), "warroom.escalation." + id, id);
}

std::string escalation_card_fallback(const EscalationCard& card) {
    return line_mrkdwn(escalation_card_text(card).summary, kMaxSectionText);
}

}  // namespace warroom::slack
