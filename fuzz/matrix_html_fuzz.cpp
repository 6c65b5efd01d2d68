// Fuzzes the HTML warroom writes to Matrix: escape_html, html_with_pills,
// notice_content(s), split_lines_utf8, and the approval and escalation cards,
// whose user fields (text, reason, audience, title, author) come from the
// input split at NUL bytes.
//
// Properties (a draft cannot mention @room or forge links):
// - escape_html leaves no '<', '>', '"' or '\'' and '&' only in entities;
//   decoding gives back the input exactly.
// - html_with_pills writes only <br> and pills <a href="https://matrix.to/#/ID">ID</a>
//   for valid user ids; undoing them and the entities gives back the input.
// - every notice and card carries m.mentions without "room", so "@room" in
//   the body pings no one; a notice mentions exactly the users it pills.
// - cards write only their own tags (b, i, br, blockquote, pills) around
//   inert user text.
// - notices of valid UTF-8 text (the engine refuses any other) cover the
//   text exactly, within Matrix's size limits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/matrix/matrix_cards.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "bot/text.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using namespace warroom::matrix;
using nlohmann::json;
using warroom::fuzz::require;

constexpr std::pair<std::string_view, char> kEntities[] = {
    {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
constexpr std::string_view kPillOpen = "a href=\"https://matrix.to/#/";

std::size_t entity_at(std::string_view text, std::size_t at, char* decoded) {
    for (auto [entity, plain] : kEntities) {
        if (text.substr(at).starts_with(entity)) {
            *decoded = plain;
            return entity.size();
        }
    }
    return 0;
}

// Decodes text between tags, requiring it to be inert.
std::string inert_text(std::string_view text, std::string_view input) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        require(c != '<' && c != '>' && c != '"' && c != '\'', "user text forms no tag or attribute", input);
        char decoded = 0;
        if (c == '&') {
            const std::size_t length = entity_at(text, i, &decoded);
            require(length > 0, "every '&' starts an entity", input);
            out += decoded;
            i += length;
        } else {
            out += text[i++];
        }
    }
    return out;
}

// Checks every tag of `html` and returns the plain text it shows: pills as
// their user id, <br> as a line break, other allowed tags dropped.
std::string undo_html(std::string_view html, const std::vector<std::string_view>& allowed_tags,
                      std::vector<std::string>* pilled, std::string_view input) {
    std::string plain;
    std::size_t from = 0;
    for (std::size_t open = html.find('<'); open != std::string_view::npos; open = html.find('<', from)) {
        plain += inert_text(html.substr(from, open - from), input);
        const std::size_t close = html.find('>', open);
        require(close != std::string_view::npos, "a tag is closed", input);
        const std::string_view tag = html.substr(open + 1, close - open - 1);
        from = close + 1;
        if (tag == "br") {
            plain += '\n';
        } else if (tag.starts_with(kPillOpen)) {
            const std::string_view id = tag.substr(kPillOpen.size(), tag.size() - kPillOpen.size() - 1);
            require(tag.ends_with('"') && is_matrix_user_id(id), "a link is only ever a pill to a user id", input);
            const std::string closing = std::string(id) + "</a>";
            require(html.substr(from).starts_with(closing), "a pill shows its user id", input);
            require(id != "@room", "@room is never a pill", input);
            if (pilled && std::find(pilled->begin(), pilled->end(), id) == pilled->end()) pilled->emplace_back(id);
            plain += id;
            from += closing.size();
        } else {
            require(std::find(allowed_tags.begin(), allowed_tags.end(), tag) != allowed_tags.end(),
                    "only the renderer's own tags appear", input);
        }
    }
    plain += inert_text(html.substr(from), input);
    return plain;
}

void require_no_room_ping(const json& content, std::string_view input) {
    require(content.contains("m.mentions") && content["m.mentions"].is_object(), "every notice carries m.mentions",
            input);
    require(!content["m.mentions"].contains("room"), "no notice pings the whole room", input);
}

void check_notice(const json& content, std::string_view body, std::string_view input) {
    require(content.value("body", std::string()) == body, "a notice's body is the text as written", input);
    require_no_room_ping(content, input);
    std::vector<std::string> pilled;
    const std::string shown = undo_html(content.value("formatted_body", std::string()), {}, &pilled, input);
    require(shown == body, "the formatted body shows exactly the text", input);
    require(content["m.mentions"].value("user_ids", std::vector<std::string>()) == pilled,
            "a notice mentions exactly the users it pills", input);
}

std::vector<std::string_view> split_at_nul(std::string_view text) {
    std::vector<std::string_view> fields;
    for (std::size_t from = 0;;) {
        const std::size_t nul = text.find('\0', from);
        fields.push_back(text.substr(from, nul == std::string_view::npos ? std::string_view::npos : nul - from));
        if (nul == std::string_view::npos) return fields;
        from = nul + 1;
    }
}

void check_cards(std::string_view input) {
    const auto fields = split_at_nul(input);
    const auto field = [&](std::size_t i) { return std::string(i < fields.size() ? fields[i] : std::string_view()); };
    const std::vector<std::string_view> card_tags = {"b", "/b", "i", "/i", "blockquote", "/blockquote"};

    Card card;
    card.draft = DraftId{3};
    card.incident = IncidentId{1};
    card.text = field(0);
    card.reason = field(1);
    card.audience = field(2);
    card.incident_title = field(3);
    card.author = UserId{field(4).empty() ? "@alice:example.org" : field(4)};
    card.audience_channel = "exec-briefing";
    for (DraftState state : {DraftState::pending, DraftState::rejected}) {
        card.state = state;
        card.decided_by = state == DraftState::pending ? std::nullopt : std::optional<UserId>(card.author);
        const json content = approval_card_content(card);
        require_no_room_ping(content, input);
        require(content["m.mentions"].empty(), "a card pings no one", input);
        undo_html(content.value("formatted_body", std::string()), card_tags, nullptr, input);
        (void)content.dump();
    }

    EscalationCard escalation;
    escalation.escalation = EscalationId{2};
    escalation.incident = IncidentId{1};
    escalation.text = field(0);
    escalation.comment = field(1);
    escalation.incident_title = field(3);
    escalation.requested_by = card.author;
    escalation.executives = {card.author, UserId{"@erin:example.org"}};
    for (EscalationState state : {EscalationState::pending, EscalationState::denied}) {
        escalation.state = state;
        const json content = escalation_card_content(escalation);
        require_no_room_ping(content, input);
        undo_html(content.value("formatted_body", std::string()), card_tags, nullptr, input);
        (void)content.dump();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool utf8 = is_valid_utf8(text);

    require(inert_text(escape_html(text), text) == text, "escaping loses nothing", text);
    std::vector<std::string> pilled;
    require(undo_html(html_with_pills(text), {}, &pilled, text) == text, "pills undo to the input", text);
    require(pilled_user_ids(text) == pilled, "the mentioned users are exactly the pilled ones", text);

    for (std::size_t max_bytes : {0, 1, 4, 5, 7, 16}) {
        const auto pieces = split_lines_utf8(text, max_bytes);
        std::string joined;
        for (const std::string& piece : pieces) {
            require(piece.size() <= std::max<std::size_t>(max_bytes, 4), "a piece fits", text);
            if (utf8) require(is_valid_utf8(piece), "UTF-8 text splits into UTF-8 pieces", text);
            joined += piece;
        }
        require(joined == text, "the pieces concatenated are the text", text);
    }

    // The engine refuses text that is not UTF-8, and JSON cannot carry it.
    if (!utf8) return 0;
    check_notice(notice_content(text), text, text);
    std::string bodies;
    for (const json& content : notice_contents(text)) {
        const std::string body = content.value("body", std::string());
        check_notice(content, body, text);
        require(body.size() <= kMaxPieceBodyBytes && content.dump().size() <= kMaxContentBytes,
                "a notice fits in one Matrix event", text);
        bodies += body;
    }
    require(bodies == text, "the notices carry the whole text", text);
    check_cards(text);
    return 0;
}
