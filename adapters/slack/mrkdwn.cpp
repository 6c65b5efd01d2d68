#include "adapters/slack/mrkdwn.hpp"

#include <algorithm>

namespace warroom::slack {
namespace {

// Below this a piece could not hold one 4-byte character or a 5-byte entity.
constexpr std::size_t kMinPieceBytes = 8;

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The largest cut <= room in `text` that splits neither a UTF-8 sequence, an
// entity such as `&amp;`, nor a live link such as `<@U0123>`. May be 0 when
// room is tiny.
std::size_t safe_cut(std::string_view text, std::size_t room) {
    if (room >= text.size()) return text.size();
    std::size_t cut = room;
    while (cut > 0 && is_continuation_byte(text[cut])) --cut;
    // A character has at most 3 continuation bytes: a longer run is not UTF-8,
    // and any cut keeps every byte. Without this, such text cut back to 0 and
    // split_mrkdwn looped forever (found by fuzz/mrkdwn_fuzz).
    if (room - cut > 3) cut = room;
    // An entity is at most 5 bytes: an '&' within the 4 bytes before the cut
    // with no ';' after it means the cut lands inside it.
    const std::size_t from = cut >= 4 ? cut - 4 : 0;
    const std::size_t amp = text.substr(from, cut - from).rfind('&');
    if (amp != std::string_view::npos) {
        const std::size_t at = from + amp;
        if (text.substr(at, cut - at).find(';') == std::string_view::npos) cut = at;
    }
    // A link cut in two shows as text in both pieces. Only the links the bot
    // wrote contain '<' in escaped text; one longer than the room is cut anyway.
    const std::size_t open = text.substr(0, cut).rfind('<');
    if (open != std::string_view::npos && open > 0 && text.substr(open, cut - open).find('>') == std::string_view::npos)
        cut = open;
    return cut;
}

// Prefers to cut after a space in the back half of the room, so words stay whole.
std::size_t word_cut(std::string_view text, std::size_t room) {
    const std::size_t hard = safe_cut(text, room);
    if (hard >= text.size()) return hard;
    const std::size_t space = text.substr(0, hard).rfind(' ');
    if (space != std::string_view::npos && space + 1 >= hard / 2) return space + 1;
    return hard;
}

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
}

}  // namespace

std::string escape_mrkdwn(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string escape_mrkdwn_with_links(std::string_view text, const ChannelIdLookup& channels) {
    const std::string escaped = escape_mrkdwn(text);
    const auto is_id_char = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    const auto is_word_char = [&](char c) { return is_id_char(c) || (c >= 'a' && c <= 'z') || c == '_'; };
    const auto is_channel_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; };
    std::string out;
    out.reserve(escaped.size());
    for (std::size_t i = 0; i < escaped.size();) {
        const bool starts_word = i == 0 || !is_word_char(escaped[i - 1]);
        if (escaped[i] == '#' && starts_word && channels) {
            std::size_t end = i + 1;
            while (end < escaped.size() && is_channel_char(escaped[end])) ++end;
            // A sentence may end right after the name: "see #inc-1-x."
            while (end > i + 1 && escaped[end - 1] == '-') --end;
            if (end > i + 1) {
                if (auto id = channels(ChannelName{escaped.substr(i + 1, end - i - 1)})) {
                    out += "<#" + id->value() + ">";
                    i = end;
                    continue;
                }
            }
        }
        if (escaped[i] == '@' && starts_word) {
            std::size_t end = i + 1;
            while (end < escaped.size() && is_id_char(escaped[end])) ++end;
            const bool ends_word = end == escaped.size() || !is_word_char(escaped[end]);
            const UserId candidate{escaped.substr(i + 1, end - i - 1)};
            if (ends_word && is_slack_user_id(candidate)) {
                out += user_mention(candidate);
                i = end;
                continue;
            }
        }
        out += escaped[i++];
    }
    return out;
}

std::string escape_mrkdwn_truncated(std::string_view text, std::size_t max_bytes) {
    std::string escaped = escape_mrkdwn(text);
    if (escaped.size() <= max_bytes) return escaped;
    static constexpr std::string_view kEllipsis = "…";
    if (max_bytes < kEllipsis.size()) return std::string();
    escaped.resize(safe_cut(escaped, max_bytes - kEllipsis.size()));
    return escaped + std::string(kEllipsis);
}

bool is_slack_user_id(const UserId& user) {
    const std::string& id = user.value();
    if (id.size() < 3 || (id[0] != 'U' && id[0] != 'W')) return false;
    return std::all_of(id.begin() + 1, id.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

std::string user_mention(const UserId& user) {
    if (is_slack_user_id(user)) return "<@" + user.value() + ">";
    return escape_mrkdwn(user.value());
}

std::string channel_reference(const ChannelName& name, const std::optional<SlackChannelId>& id) {
    if (id && !id->value().empty()) return "<#" + id->value() + ">";
    return escape_mrkdwn(to_string(name));
}

std::vector<std::string> split_mrkdwn(std::string_view escaped, std::size_t max_bytes) {
    max_bytes = std::max(max_bytes, kMinPieceBytes);
    std::vector<std::string> pieces;
    std::string current;
    // A whitespace-only piece would be refused by Slack (no_text), so blank
    // lines are carried into the next piece instead of being flushed alone.
    const auto flush = [&] {
        if (!current.empty() && !is_blank(current)) {
            pieces.push_back(std::move(current));
            current.clear();
        }
    };
    std::size_t start = 0;
    while (start < escaped.size()) {
        const std::size_t newline = escaped.find('\n', start);
        const std::size_t end = newline == std::string_view::npos ? escaped.size() : newline + 1;
        std::string_view line = escaped.substr(start, end - start);
        start = end;
        if (current.size() + line.size() > max_bytes) flush();
        while (current.size() + line.size() > max_bytes) {
            std::size_t cut = word_cut(line, max_bytes - current.size());
            if (cut == 0) {
                // Only blank carry-over fills the room: give it up as a piece of its own.
                pieces.push_back(std::move(current));
                current.clear();
                continue;
            }
            current.append(line.substr(0, cut));
            line.remove_prefix(cut);
            pieces.push_back(std::move(current));
            current.clear();
        }
        current.append(line);
    }
    if (!current.empty() || pieces.empty()) {
        if (!pieces.empty() && is_blank(current) && pieces.back().size() + current.size() <= max_bytes)
            pieces.back() += current;
        else
            pieces.push_back(std::move(current));
    }
    return pieces;
}

}  // namespace warroom::slack
