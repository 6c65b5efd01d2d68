#include "adapters/matrix/markdown_html.hpp"

#include <cmark.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>

#include "adapters/matrix/matrix_html.hpp"

namespace warroom::matrix {
namespace {

using nlohmann::json;

struct FreeNode {
    void operator()(cmark_node* node) const { cmark_node_free(node); }
};
using Document = std::unique_ptr<cmark_node, FreeNode>;

Document parse(std::string_view markdown) {
    // VALIDATE_UTF8: a bad byte becomes U+FFFD, so the HTML is always valid JSON text.
    return Document(cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_VALIDATE_UTF8));
}

bool inside_link(cmark_node* node) {
    for (cmark_node* up = cmark_node_parent(node); up; up = cmark_node_parent(up))
        if (cmark_node_get_type(up) == CMARK_NODE_LINK || cmark_node_get_type(up) == CMARK_NODE_IMAGE) return true;
    return false;
}

cmark_node* text_node(std::string_view text) {
    cmark_node* node = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(node, std::string(text).c_str());
    return node;
}

// Each valid Matrix user id in the document's text becomes a link to its
// matrix.to address, which clients show as a pill; returns the ids, each once.
std::vector<std::string> make_pills(cmark_node* root) {
    std::vector<cmark_node*> texts;
    cmark_iter* iter = cmark_iter_new(root);
    for (cmark_event_type event; (event = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
        cmark_node* node = cmark_iter_get_node(iter);
        if (event == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_TEXT && !inside_link(node))
            texts.push_back(node);
    }
    cmark_iter_free(iter);

    std::vector<std::string> ids;
    for (cmark_node* node : texts) {
        const char* literal = cmark_node_get_literal(node);
        const std::string text = literal ? literal : "";
        const std::vector<UserIdSpan> spans = user_id_spans(text);
        if (spans.empty()) continue;
        std::size_t plain_from = 0;
        for (const UserIdSpan& span : spans) {
            if (span.at > plain_from) cmark_node_insert_before(node, text_node(text.substr(plain_from, span.at - plain_from)));
            const std::string id = text.substr(span.at, span.length);
            cmark_node* link = cmark_node_new(CMARK_NODE_LINK);
            cmark_node_set_url(link, matrix_to_link(id).c_str());
            cmark_node_append_child(link, text_node(id));
            cmark_node_insert_before(node, link);
            if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
            plain_from = span.at + span.length;
        }
        if (plain_from < text.size()) {
            cmark_node_set_literal(node, text.substr(plain_from).c_str());
        } else {
            cmark_node_unlink(node);
            cmark_node_free(node);
        }
    }
    return ids;
}

// ---------------------------------------------------------------------------
// The allow-list

const std::set<std::string, std::less<>>& allowed_tags() {
    static const std::set<std::string, std::less<>> tags = {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "ul", "ol", "li", "strong", "em", "b", "i",
        "del", "s", "code", "pre", "hr", "br", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "a"};
    return tags;
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool allowed_href(std::string_view href) {
    const std::string l = lowered(href.substr(0, 8));
    return l.starts_with("https://") || l.starts_with("http://") || l.starts_with("mailto:");
}

bool all_digits(std::string_view text) {
    return !text.empty() && text.size() <= 9 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool language_class(std::string_view value) {
    if (!value.starts_with("language-") || value.size() == 9) return false;
    return std::all_of(value.begin() + 9, value.end(),
                       [](char c) { return is_name_char(c) || c == '_' || c == '+' || c == '.' || c == '#'; });
}

struct Attribute {
    std::string name;
    std::string value;
};

struct Tag {
    bool closing = false;
    bool self_closing = false;
    std::string name;                  // lower case
    std::vector<Attribute> attributes;
    std::size_t end = 0;               // just after its '>'
};

// The tag at html[at] ('<'), as cmark writes them: <name>, </name>,
// <name attr="value" ...>, <name />. Nothing when it is not one.
std::optional<Tag> parse_tag(std::string_view html, std::size_t at) {
    Tag tag;
    std::size_t i = at + 1;
    if (i < html.size() && html[i] == '/') {
        tag.closing = true;
        ++i;
    }
    const std::size_t name_from = i;
    while (i < html.size() && is_name_char(html[i])) ++i;
    if (i == name_from) return std::nullopt;
    tag.name = lowered(html.substr(name_from, i - name_from));
    for (;;) {
        while (i < html.size() && is_space(html[i])) ++i;
        if (i >= html.size()) return std::nullopt;
        if (html[i] == '>') {
            tag.end = i + 1;
            return tag;
        }
        if (html[i] == '/' && i + 1 < html.size() && html[i + 1] == '>') {
            tag.self_closing = true;
            tag.end = i + 2;
            return tag;
        }
        if (tag.closing) return std::nullopt;
        const std::size_t attr_from = i;
        while (i < html.size() && is_name_char(html[i])) ++i;
        if (i == attr_from) return std::nullopt;
        Attribute attribute{lowered(html.substr(attr_from, i - attr_from)), {}};
        if (i < html.size() && html[i] == '=') {
            ++i;
            if (i >= html.size() || html[i] != '"') return std::nullopt;
            const std::size_t close = html.find('"', i + 1);
            if (close == std::string_view::npos) return std::nullopt;
            attribute.value = std::string(html.substr(i + 1, close - i - 1));
            i = close + 1;
        }
        tag.attributes.push_back(std::move(attribute));
    }
}

// The attributes Matrix allows on the tag, as written; nothing for a link without an allowed href.
std::optional<std::string> allowed_attributes(const Tag& tag) {
    std::string out;
    bool href = false;
    for (const Attribute& attribute : tag.attributes) {
        // A value holding '<' or '>' is none that cmark writes: left out.
        if (attribute.value.find_first_of("<>") != std::string::npos) continue;
        if (tag.name == "a" && attribute.name == "href" && allowed_href(attribute.value)) {
            out += " href=\"" + attribute.value + "\"";
            href = true;
        } else if (tag.name == "ol" && attribute.name == "start" && all_digits(attribute.value)) {
            out += " start=\"" + attribute.value + "\"";
        } else if (tag.name == "code" && attribute.name == "class" && language_class(attribute.value)) {
            out += " class=\"" + attribute.value + "\"";
        }
    }
    if (tag.name == "a" && !href) return std::nullopt;
    return out;
}

bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

}  // namespace

std::string allowed_matrix_html(std::string_view html) {
    std::string out;
    out.reserve(html.size());
    std::vector<bool> links_kept;      // for each <a> open: whether it was kept
    for (std::size_t i = 0; i < html.size();) {
        const char c = html[i];
        if (c == '>') {
            out += "&gt;";
            ++i;
            continue;
        }
        if (c != '<') {
            out += c;
            ++i;
            continue;
        }
        if (html.substr(i, 4) == "<!--") {
            const std::size_t close = html.find("-->", i + 4);
            i = close == std::string_view::npos ? html.size() : close + 3;
            continue;
        }
        const std::optional<Tag> tag = parse_tag(html, i);
        if (!tag) {
            out += "&lt;";
            ++i;
            continue;
        }
        i = tag->end;
        if (!allowed_tags().contains(tag->name)) continue;
        if (tag->closing) {
            if (tag->name == "a") {
                if (links_kept.empty()) continue;
                const bool kept = links_kept.back();
                links_kept.pop_back();
                if (!kept) continue;
            }
            out += "</" + tag->name + ">";
            continue;
        }
        const std::optional<std::string> attributes = allowed_attributes(*tag);
        if (tag->name == "a" && !tag->self_closing) links_kept.push_back(attributes.has_value());
        if (!attributes) continue;
        out += "<" + tag->name + *attributes + (tag->self_closing ? " />" : ">");
    }
    return out;
}

MarkdownHtml markdown_to_matrix_html(std::string_view markdown) {
    MarkdownHtml out;
    Document document = parse(markdown);
    if (!document) return out;
    out.user_ids = make_pills(document.get());
    std::unique_ptr<char, decltype(&std::free)> rendered(
        cmark_render_html(document.get(), CMARK_OPT_SAFE | CMARK_OPT_HARDBREAKS), &std::free);
    if (rendered) out.html = allowed_matrix_html(rendered.get());
    while (!out.html.empty() && out.html.back() == '\n') out.html.pop_back();
    return out;
}

std::vector<std::string> split_markdown(std::string_view markdown, std::size_t max_bytes) {
    if (markdown.size() <= max_bytes) return {std::string(markdown)};
    // The lines (1-based, as cmark counts them) where a piece may begin.
    std::set<int> starts;
    if (Document document = parse(markdown)) {
        for (cmark_node* block = cmark_node_first_child(document.get()); block; block = cmark_node_next(block)) {
            starts.insert(cmark_node_get_start_line(block));
            if (cmark_node_get_type(block) == CMARK_NODE_LIST)
                for (cmark_node* item = cmark_node_first_child(block); item; item = cmark_node_next(item))
                    starts.insert(cmark_node_get_start_line(item));
        }
    }
    // The text between two such lines, in order.
    std::vector<std::string_view> segments;
    std::size_t segment_from = 0;
    int line = 1;
    for (std::size_t at = 0; at < markdown.size(); ++line) {
        if (at > segment_from && starts.contains(line)) {
            segments.push_back(markdown.substr(segment_from, at - segment_from));
            segment_from = at;
        }
        const std::size_t newline = markdown.find('\n', at);
        at = newline == std::string_view::npos ? markdown.size() : newline + 1;
    }
    segments.push_back(markdown.substr(segment_from));

    std::vector<std::string> pieces;
    std::string current;
    const auto flush = [&] {
        if (!blank(current)) pieces.push_back(std::move(current));
        current.clear();
    };
    for (std::string_view segment : segments) {
        if (current.size() + segment.size() <= max_bytes) {
            current += segment;
            continue;
        }
        flush();
        if (segment.size() <= max_bytes) {
            current = std::string(segment);
            continue;
        }
        for (std::string& part : split_lines_utf8(segment, max_bytes))
            if (!blank(part)) pieces.push_back(std::move(part));
    }
    flush();
    if (pieces.empty()) pieces.emplace_back(markdown.substr(0, 0));
    return pieces;
}

json markdown_notice_content(std::string_view markdown) {
    MarkdownHtml rendered = markdown_to_matrix_html(markdown);
    return {{"msgtype", "m.notice"},
            {"body", std::string(markdown)},
            {"format", std::string(kHtmlFormat)},
            {"formatted_body", std::move(rendered.html)},
            {"m.mentions", {{"user_ids", std::move(rendered.user_ids)}}}};
}

std::vector<json> markdown_notice_contents(std::string_view markdown) {
    return contents_that_fit(markdown, split_markdown,
                             [](const std::string& piece) { return markdown_notice_content(piece); });
}

}  // namespace warroom::matrix
