// Fuzzes Slack mrkdwn escaping, the only thing between user text (drafts,
// titles, reasons) and Slack's markup (a draft cannot mention
// @channel or forge links).
//
// Properties:
// - escape_mrkdwn leaves no markup: no '<' or '>', every '&' starts one of
//   the three entities, and decoding gives back the input exactly.
// - escape_mrkdwn_with_links makes live only what it promises: "@U0123"
//   (a Slack user id) as <@U0123>, and "#inc-1-payroll" as <#C0INC1> when the
//   lookup knows it. Nothing else opens a '<': no <!channel>, <!here>, <http..>.
//   Without a lookup (or one that knows nothing) no channel link appears.
//   Undoing the links and entities gives back the input exactly.
// - escape_mrkdwn_truncated stays within its size, cuts the escaped text
//   neither inside an entity nor inside a UTF-8 character, and adds "…" only
//   when it cut.
// - split_mrkdwn pieces stay within their size, concatenate to the input, and
//   no piece boundary falls inside an entity, a UTF-8 character (in UTF-8
//   text) or a live link (unless the link alone is longer than a piece).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/slack/mrkdwn.hpp"
#include "bot/channel_pin.hpp"
#include "bot/text.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace warroom;
using namespace warroom::slack;
using warroom::fuzz::require;

constexpr std::string_view kEntities[] = {"&amp;", "&lt;", "&gt;"};
constexpr std::string_view kEllipsis = "…";

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t entity_length_at(std::string_view text, std::size_t at) {
    for (std::string_view entity : kEntities)
        if (text.substr(at).starts_with(entity)) return entity.size();
    return 0;
}

// Escaped text between live links: no markup, entities only.
void require_inert(std::string_view text, std::string_view input) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        require(text[i] != '<' && text[i] != '>', "escaped user text holds no '<' or '>'", input);
        if (text[i] == '&') require(entity_length_at(text, i) > 0, "every '&' starts an entity", input);
    }
}

std::string decode_entities(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t length = entity_length_at(text, i)) {
            out += text[i + 1] == 'a' ? '&' : text[i + 1] == 'l' ? '<' : '>';
            i += length;
        } else {
            out += text[i++];
        }
    }
    return out;
}

// The one channel the lookup knows, as a channel warroom created.
constexpr std::string_view kKnownChannel = "inc-1-payroll";
constexpr std::string_view kKnownChannelId = "C0INC1";

std::optional<SlackChannelId> knows_one_channel(const ChannelName& name) {
    if (name.value() == kKnownChannel) return SlackChannelId{std::string(kKnownChannelId)};
    return std::nullopt;
}

std::optional<SlackChannelId> knows_no_channel(const ChannelName&) { return std::nullopt; }

// Checks every live link and returns the text as typed: links back to what
// they came from, entities decoded.
std::string undo_links(std::string_view linked, bool channel_link_allowed, std::string_view input) {
    std::string plain;
    std::size_t from = 0;
    for (std::size_t open = linked.find('<'); open != std::string_view::npos; open = linked.find('<', from)) {
        const std::size_t close = linked.find('>', open);
        require(close != std::string_view::npos, "a '<' is closed", input);
        const std::string_view link = linked.substr(open + 1, close - open - 1);
        const std::string_view before = linked.substr(from, open - from);
        require_inert(before, input);
        plain += decode_entities(before);
        if (link.starts_with('@')) {
            require(is_slack_user_id(UserId{std::string(link.substr(1))}), "a live mention is of a Slack user id", input);
            plain += link;
        } else {
            require(channel_link_allowed && link == "#" + std::string(kKnownChannelId),
                    "the only other live link is a channel the lookup knows", input);
            plain += "#" + std::string(kKnownChannel);
        }
        from = close + 1;
    }
    require_inert(linked.substr(from), input);
    plain += decode_entities(linked.substr(from));
    return plain;
}

// A cut at `at` of escaped text splits neither an entity nor (in UTF-8 text)
// a character.
void require_clean_cut(std::string_view escaped, std::size_t at, bool utf8, std::string_view input) {
    if (at == 0 || at >= escaped.size()) return;
    if (utf8) require(!is_continuation(escaped[at]), "a cut never splits a UTF-8 character", input);
    const std::size_t amp = escaped.substr(0, at).rfind('&');
    if (amp != std::string_view::npos && escaped.substr(amp, at - amp).find(';') == std::string_view::npos)
        require(entity_length_at(escaped, amp) == 0, "a cut never splits an entity", input);
}

void check_truncated(std::string_view text, const std::string& escaped, std::size_t max_bytes, bool utf8) {
    const std::string truncated = escape_mrkdwn_truncated(text, max_bytes);
    if (escaped.size() <= max_bytes) {
        require(truncated == escaped, "text that fits is not truncated", text);
        return;
    }
    require(truncated.size() <= max_bytes, "truncated text fits", text);
    if (max_bytes < kEllipsis.size()) return;
    require(truncated.ends_with(kEllipsis), "a cut is marked with an ellipsis", text);
    const std::string_view kept = std::string_view(truncated).substr(0, truncated.size() - kEllipsis.size());
    require(std::string_view(escaped).starts_with(kept), "truncation keeps a prefix of the escaped text", text);
    require_clean_cut(escaped, kept.size(), utf8, text);
    require_inert(kept, text);
    if (utf8) require(is_valid_utf8(truncated), "truncating UTF-8 keeps it UTF-8", text);
}

void check_split(std::string_view escaped, std::size_t max_bytes, bool utf8, std::string_view input) {
    const std::vector<std::string> pieces = split_mrkdwn(escaped, max_bytes);
    require(!pieces.empty(), "a split gives at least one piece", input);
    std::string joined;
    for (const std::string& piece : pieces) {
        require(piece.size() <= std::max<std::size_t>(max_bytes, 8), "a piece fits", input);
        require_clean_cut(escaped, joined.size(), utf8, input);
        // A link cut in two would show as text in both pieces; only a link
        // that alone is longer than a piece may be cut.
        const std::size_t open = piece.rfind('<');
        if (open != std::string::npos && piece.find('>', open) == std::string::npos)
            require(piece.find_first_not_of(" \n\t\r") == open, "a piece never ends inside a link that fits", input);
        joined += piece;
    }
    require(joined == escaped, "the pieces concatenated are the input", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const bool utf8 = is_valid_utf8(text);

    const std::string escaped = escape_mrkdwn(text);
    require_inert(escaped, text);
    require(decode_entities(escaped) == text, "escaping loses nothing", text);

    require(undo_links(escape_mrkdwn_with_links(text), false, text) == text, "links undo to the input", text);
    require(undo_links(escape_mrkdwn_with_links(text, knows_no_channel), false, text) == text,
            "links undo to the input", text);
    const std::string linked = escape_mrkdwn_with_links(text, knows_one_channel);
    require(undo_links(linked, true, text) == text, "links undo to the input", text);

    // Sizes around the edges (entities, 4-byte characters), then proportional ones.
    for (std::size_t max_bytes : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16}) check_truncated(text, escaped, max_bytes, utf8);
    for (std::size_t max_bytes : {escaped.size() / 3, escaped.size() / 2, escaped.size() - 1})
        check_truncated(text, escaped, max_bytes, utf8);

    for (std::size_t max_bytes : {0, 8, 9, 10, 13, 16, 24, 64}) {
        check_split(escaped, max_bytes, utf8, text);
        check_split(linked, max_bytes, utf8, text);
    }

    const UserId user{std::string(text)};
    const std::string mention = user_mention(user);
    if (is_slack_user_id(user))
        require(mention == "<@" + user.value() + ">", "a Slack user id becomes a mention", text);
    else
        require(mention == escaped, "any other user name stays inert", text);
    // A Matrix alias or room id is shown as it is; any other name with its '#'.
    const bool matrix_pin = is_matrix_alias(text) || is_matrix_room_id(text);
    require(channel_reference(ChannelName{std::string(text)}, std::nullopt) == (matrix_pin ? "" : "#") + escaped,
            "an unknown channel's name stays inert", text);
    return 0;
}
