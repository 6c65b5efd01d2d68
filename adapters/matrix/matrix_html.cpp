#include "adapters/matrix/matrix_html.hpp"

#include <algorithm>

namespace warroom::matrix {
namespace {

using nlohmann::json;

bool is_localpart_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '=' || c == '/' ||
           c == '+' || c == '-';
}

bool is_server_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The length of the Matrix user id that starts at text[0] ('@'), or 0 if none
// does. Prose punctuation after an id ("ask @bob:example.org.") is not part of it.
std::size_t user_id_length_at(std::string_view text) {
    if (text.empty() || text.front() != '@') return 0;
    std::size_t i = 1;
    while (i < text.size() && is_localpart_char(text[i])) ++i;
    if (i == 1 || i >= text.size() || text[i] != ':') return 0;
    const std::size_t server_start = ++i;
    while (i < text.size() && is_server_char(text[i])) ++i;
    // A trailing '.' or '-' ends a sentence, not a host name.
    while (i > server_start && (text[i - 1] == '.' || text[i - 1] == '-')) --i;
    if (i == server_start) return 0;
    if (i + 1 < text.size() && text[i] == ':' && is_digit(text[i + 1])) {
        std::size_t port_end = i + 1;
        while (port_end < text.size() && is_digit(text[port_end])) ++port_end;
        if (port_end - i - 1 <= 5) i = port_end;
    }
    // The Matrix spec caps a user id at 255 bytes.
    return i <= 255 ? i : 0;
}

// An id starts a word: "mail@alice:example.org" is not a mention.
bool starts_word(std::string_view text, std::size_t at) {
    if (at == 0) return true;
    const char before = text[at - 1];
    return !(is_server_char(before) || before == '_' || before == '@' || before == '/');
}

// Bytes of a UTF-8 character's continuation: 10xxxxxx.
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

bool is_matrix_user_id(std::string_view text) { return !text.empty() && user_id_length_at(text) == text.size(); }

std::string matrix_to_link(std::string_view user_id) { return "https://matrix.to/#/" + std::string(user_id); }

std::string html_with_pills(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t plain_from = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '@' || !starts_word(text, i)) continue;
        const std::size_t length = user_id_length_at(text.substr(i));
        if (length == 0) continue;
        append_escaped_html(out, text.substr(plain_from, i - plain_from));
        // Only id characters are in the pill, none of which needs escaping.
        const std::string id(text.substr(i, length));
        out += "<a href=\"" + matrix_to_link(id) + "\">" + id + "</a>";
        i += length - 1;
        plain_from = i + 1;
    }
    append_escaped_html(out, text.substr(std::min(plain_from, text.size())));
    return out;
}

std::vector<UserIdSpan> user_id_spans(std::string_view text) {
    std::vector<UserIdSpan> spans;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '@' || !starts_word(text, i)) continue;
        const std::size_t length = user_id_length_at(text.substr(i));
        if (length == 0) continue;
        spans.push_back({i, length});
        i += length - 1;
    }
    return spans;
}

std::vector<std::string> pilled_user_ids(std::string_view text) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '@' || !starts_word(text, i)) continue;
        const std::size_t length = user_id_length_at(text.substr(i));
        if (length == 0) continue;
        std::string id(text.substr(i, length));
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
        i += length - 1;
    }
    return ids;
}

json notice_content(std::string_view text) {
    return {{"msgtype", "m.notice"},
            {"body", std::string(text)},
            {"format", std::string(kHtmlFormat)},
            {"formatted_body", html_with_pills(text)},
            {"m.mentions", {{"user_ids", pilled_user_ids(text)}}}};
}

std::vector<std::string> split_lines_utf8(std::string_view text, std::size_t max_bytes) {
    max_bytes = std::max<std::size_t>(max_bytes, 4);   // room for any one UTF-8 character
    std::vector<std::string> pieces;
    std::string current;
    auto flush = [&] {
        if (!current.empty()) pieces.push_back(std::move(current));
        current.clear();
    };
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t newline = text.find('\n', at);
        const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
        std::string_view line = text.substr(at, end - at);
        at = end;
        if (current.size() + line.size() <= max_bytes) {
            current += line;
            continue;
        }
        flush();
        while (line.size() > max_bytes) {
            std::size_t cut = max_bytes;
            while (cut > 0 && is_continuation(line[cut])) --cut;
            if (cut == 0) cut = max_bytes;   // not UTF-8 at all: any cut keeps every byte
            pieces.emplace_back(line.substr(0, cut));
            line.remove_prefix(cut);
        }
        current = std::string(line);
    }
    flush();
    if (pieces.empty()) pieces.emplace_back();
    return pieces;
}

std::vector<json> contents_that_fit(std::string_view text, const SplitText& split, const ContentOf& content_of) {
    std::vector<json> contents;
    for (const std::string& piece : split(text, kMaxPieceBodyBytes)) {
        json content = content_of(piece);
        if (content.dump().size() <= kMaxContentBytes) {
            contents.push_back(std::move(content));
            continue;
        }
        // Text that grows a lot when escaped or rendered (quotes, control
        // characters): cut this piece finer until each part fits. A byte grows
        // to at most 12 (6 as JSON \u00XX in body, 6 as &quot; or \u00XX in
        // formatted_body), so parts of 1,000 bytes always fit; the halving stops there.
        std::size_t limit = kMaxPieceBodyBytes;
        std::vector<json> parts;
        do {
            limit /= 2;
            parts.clear();
            bool fits = true;
            for (const std::string& part : split(piece, limit)) {
                parts.push_back(content_of(part));
                fits = fits && parts.back().dump().size() <= kMaxContentBytes;
            }
            if (fits) break;
        } while (limit > 1024);
        for (json& part : parts) contents.push_back(std::move(part));
    }
    return contents;
}

std::vector<json> notice_contents(std::string_view text) {
    return contents_that_fit(text, split_lines_utf8, [](const std::string& piece) { return notice_content(piece); });
}

}  // namespace warroom::matrix
