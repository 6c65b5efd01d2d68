#include "adapters/matrix/matrix_cards.hpp"

#include <vector>

#include "adapters/matrix/matrix_html.hpp"
#include "bot/card_text.hpp"
#include "bot/text.hpp"

namespace warroom::matrix {
namespace {

using nlohmann::json;

constexpr std::string_view kVariationSelector = "\xEF\xB8\x8F";   // U+FE0F

// The key without one trailing U+FE0F: "✏️" and "✏" are the same reaction.
std::string_view without_variation_selector(std::string_view key) {
    if (key.size() > kVariationSelector.size() && key.ends_with(kVariationSelector))
        key.remove_suffix(kVariationSelector.size());
    return key;
}

// A card's text, cut when far larger than the core ever allows, so the card
// event always fits in Matrix's 65,536 bytes even when escaped.
constexpr std::size_t kMaxCardTextBytes = 6000;

// One card as parallel plain and HTML lines: body is what clients without
// HTML show, formatted_body what the rest show. User text is escaped in HTML
// and exact in body.
struct Lines {
    std::string body;
    std::string html;

    void line(std::string_view plain, std::string_view html_line) {
        if (!body.empty()) {
            body += "\n";
            html += "<br>";
        }
        body += plain;
        html += html_line;
    }
    // A labelled value, e.g. "Author: @alice:example.org".
    void field(std::string_view label, std::string_view value, std::string_view value_html) {
        line(std::string(label) + ": " + std::string(value),
             "<b>" + escape_html(label) + ":</b> " + std::string(value_html));
    }
};

constexpr std::string_view kCommandPrefix = "!incident";

// A line of card text as Matrix HTML: escaped, people as pills, no marks.
std::string line_html(const CardLine& line) {
    std::string html;
    for (const CardPart& part : line) {
        switch (part.kind) {
            case CardPart::Kind::words: html += escape_html(part.text); break;
            case CardPart::Kind::strong: html += "<b>" + escape_html(part.text) + "</b>"; break;
            case CardPart::Kind::user: html += html_with_pills(mention(part.user)); break;
            case CardPart::Kind::user_text:
            case CardPart::Kind::time:
            case CardPart::Kind::channel:
            case CardPart::Kind::command: html += escape_html(plain_text({part}, kCommandPrefix)); break;
            case CardPart::Kind::mark: break;
        }
    }
    return html;
}

std::string line_body(const CardLine& line) { return plain_text(line, kCommandPrefix); }

void add_user_text(Lines& card, std::string_view text) {
    const std::string shown = truncate_utf8(text, kMaxCardTextBytes);
    // The draft's mentions stay plain text on the card: the lead reads it,
    // nobody named in it is pinged by the card.
    std::string quoted;
    for (char c : escape_html(shown)) {
        if (c == '\n')
            quoted += "<br>";
        else
            quoted += c;
    }
    card.body += (card.body.empty() ? "" : "\n") + shown;
    card.html += "<blockquote>" + quoted + "</blockquote>";
    if (shown.size() < text.size()) {
        const std::string note = "(" + text_cut_note(text.size() - shown.size()) + ")";
        card.line(note, "<i>" + escape_html(note) + "</i>");
    }
}

json card_content(Lines card, json marker) {
    return {{"msgtype", "m.notice"},
            {"body", std::move(card.body)},
            {"format", std::string(kHtmlFormat)},
            {"formatted_body", std::move(card.html)},
            // Intentional mentions, empty: a card pings no one by its text.
            {"m.mentions", json::object()},
            {std::string(kCardKey), std::move(marker)}};
}

std::string reaction_key(CardChoice choice) {
    switch (choice) {
        case CardChoice::approve: return std::string(kApproveKey);
        case CardChoice::request_changes: return std::string(kChangesKey);
        case CardChoice::reject: return std::string(kRejectKey);
        case CardChoice::allow: return std::string(kAllowKey);
        case CardChoice::deny: return std::string(kDenyKey);
    }
    return "";
}

// Either card: its title, the exercise banner, the facts, the text, where it
// stands and, while it is live, how to decide it.
Lines card_lines(const CardText& card) {
    Lines out;
    out.line(card.title, "<b>" + escape_html(card.title) + "</b>");
    if (!card.banner.empty()) out.line(line_body(card.banner), "<i>" + line_html(card.banner) + "</i>");
    for (const CardFact& fact : card.facts) out.field(fact.label, line_body(fact.value), line_html(fact.value));
    if (!card.text_intro.empty()) out.line(card.text_intro, escape_html(card.text_intro));
    add_user_text(out, card.text);
    for (std::size_t i = 0; i < card.status_lines.size(); ++i) {
        const CardLine& status = card.status_lines[i];
        if (i == 0 && !card.status_label.empty())
            out.field(card.status_label, line_body(status), line_html(status));
        else
            out.line(line_body(status), line_html(status));
    }
    if (card.live) {
        const std::string hint = reaction_instructions(card, reaction_key);
        out.line(hint, "<i>" + escape_html(hint) + "</i>");
        if (!card.command_line.empty())
            out.line(line_body(card.command_line), "<i>" + line_html(card.command_line) + "</i>");
    }
    return out;
}

}  // namespace

std::optional<CardDecision> decision_from_reaction(std::string_view key) {
    const std::string_view bare = without_variation_selector(key);
    if (bare == kApproveKey) return CardDecision::approve;
    if (bare == without_variation_selector(kChangesKey)) return CardDecision::request_changes;
    if (bare == kRejectKey) return CardDecision::reject;
    return std::nullopt;
}

std::optional<bool> escalation_answer_from_reaction(std::string_view key) {
    const std::string_view bare = without_variation_selector(key);
    if (bare == kAllowKey) return true;
    if (bare == kDenyKey) return false;
    return std::nullopt;
}

json approval_card_content(const Card& card) {
    return card_content(card_lines(approval_card_text(card)), {{"draft", to_string(card.draft)},
                                                               {"revision", card.revision},
                                                               {"incident", to_string(card.incident)}});
}

json escalation_card_content(const EscalationCard& card) {
    return card_content(card_lines(escalation_card_text(card)),
                        {{"escalation", to_string(card.escalation)}, {"incident", to_string(card.incident)}});
}

json edit_content(const json& new_content, std::string_view original_event_id) {
    json edit = new_content;
    edit["body"] = "* " + new_content.value("body", std::string());
    if (new_content.contains("formatted_body"))
        edit["formatted_body"] = "* " + new_content.value("formatted_body", std::string());
    edit["m.new_content"] = new_content;
    edit["m.relates_to"] = {{"rel_type", "m.replace"}, {"event_id", std::string(original_event_id)}};
    return edit;
}

json approval_card_edit(const Card& card, std::string_view original_event_id) {
    return edit_content(approval_card_content(card), original_event_id);
}

json escalation_card_edit(const EscalationCard& card, std::string_view original_event_id) {
    return edit_content(escalation_card_content(card), original_event_id);
}

}  // namespace warroom::matrix
