#include "adapters/slack/markdown_mrkdwn.hpp"

#include <cmark.h>

#include <algorithm>
#include <memory>

namespace warroom::slack {
namespace {

struct FreeNode {
    void operator()(cmark_node* node) const { cmark_node_free(node); }
};

std::string literal_of(cmark_node* node) {
    const char* literal = cmark_node_get_literal(node);
    return literal ? literal : "";
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool allowed_url(std::string_view url) {
    std::string start(url.substr(0, 8));
    std::transform(start.begin(), start.end(), start.begin(), lower);
    return start.starts_with("https://") || start.starts_with("http://") || start.starts_with("mailto:");
}

// A URL inside <url|text>: escaped for mrkdwn, and a '|' (which would end it) or a
// space percent-encoded.
std::string link_url(std::string_view url) {
    std::string out;
    for (char c : url) {
        if (c == '|') out += "%7C";
        else if (c == ' ') out += "%20";
        else out += c;
    }
    return escape_mrkdwn(out);
}

// Each line after the first starts with `indent`.
std::string indented(std::string_view text, std::string_view indent) {
    std::string out;
    for (char c : text) {
        out += c;
        if (c == '\n') out += indent;
    }
    return out;
}

void trim(std::string& text) {
    const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t'; };
    while (!text.empty() && space(text.back())) text.pop_back();
    std::size_t first = 0;
    while (first < text.size() && space(text[first])) ++first;
    text.erase(0, first);
}

class Renderer {
public:
    explicit Renderer(const ChannelIdLookup& channels) : channels_(channels) {}

    std::string inlines(cmark_node* parent) {
        std::string out;
        for (cmark_node* node = cmark_node_first_child(parent); node; node = cmark_node_next(node)) out += inline_node(node);
        return out;
    }

    std::string block(cmark_node* node) {
        switch (cmark_node_get_type(node)) {
            case CMARK_NODE_PARAGRAPH: return inlines(node);
            case CMARK_NODE_HEADING: return heading(node);
            case CMARK_NODE_LIST: return list(node);
            case CMARK_NODE_BLOCK_QUOTE: return quote(node);
            case CMARK_NODE_CODE_BLOCK: return code_block(node);
            case CMARK_NODE_THEMATIC_BREAK: return "———";
            case CMARK_NODE_HTML_BLOCK: return {};   // dropped, as cmark's safe mode drops it
            default: return blocks(node, "\n");
        }
    }

    // The children blocks, `between` apart; empty ones left out.
    std::string blocks(cmark_node* parent, std::string_view between) {
        std::string out;
        for (cmark_node* child = cmark_node_first_child(parent); child; child = cmark_node_next(child)) {
            std::string one = block(child);
            if (one.empty()) continue;
            if (!out.empty()) out += between;
            out += one;
        }
        return out;
    }

    std::string heading(cmark_node* node) {
        std::string inner = styled(node, bold_);
        trim(inner);
        if (inner.empty()) return {};
        return bold_ ? inner : "*" + inner + "*";
    }

private:
    std::string inline_node(cmark_node* node) {
        switch (cmark_node_get_type(node)) {
            case CMARK_NODE_TEXT:
                // A link's text links nothing more: a mention inside <url|…> would break it.
                return in_link_ ? escape_mrkdwn(literal_of(node)) : escape_mrkdwn_with_links(literal_of(node), channels_);
            case CMARK_NODE_SOFTBREAK:
            case CMARK_NODE_LINEBREAK: return "\n";
            case CMARK_NODE_CODE: {
                std::string code = literal_of(node);
                if (code.empty()) return {};
                std::replace(code.begin(), code.end(), '`', '\'');   // a backquote would end it
                return "`" + escape_mrkdwn(code) + "`";
            }
            case CMARK_NODE_HTML_INLINE: return {};
            case CMARK_NODE_EMPH: return wrapped(node, italic_, "_");
            case CMARK_NODE_STRONG: return wrapped(node, bold_, "*");
            case CMARK_NODE_LINK: return link(node);
            case CMARK_NODE_IMAGE: return linked_text(node);   // its description, never an image
            default: return inlines(node);
        }
    }

    // The node's inlines with `flag` set while they render.
    std::string styled(cmark_node* node, bool& flag) {
        const bool before = flag;
        flag = true;
        std::string inner = inlines(node);
        flag = before;
        return inner;
    }

    // Emphasis inside the same emphasis, or around nothing, has no marks of its own.
    std::string wrapped(cmark_node* node, bool& flag, std::string_view mark) {
        const bool already = flag;
        std::string inner = styled(node, flag);
        if (already || inner.empty()) return inner;
        return std::string(mark) + inner + std::string(mark);
    }

    std::string linked_text(cmark_node* node) {
        const bool before = in_link_;
        in_link_ = true;
        std::string text = inlines(node);
        in_link_ = before;
        return text;
    }

    std::string link(cmark_node* node) {
        const char* raw = cmark_node_get_url(node);
        const std::string url = raw ? raw : "";
        std::string text = linked_text(node);
        if (in_link_ || !allowed_url(url)) return text;
        std::replace(text.begin(), text.end(), '\n', ' ');
        return "<" + link_url(url) + (text.empty() ? "" : "|" + text) + ">";
    }

    std::string list(cmark_node* node) {
        const bool ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
        int number = cmark_node_get_list_start(node);
        std::string out;
        for (cmark_node* item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
            const std::string marker = ordered ? std::to_string(number++) + ". " : "• ";
            if (!out.empty()) out += "\n";
            out += marker + indented(blocks(item, "\n"), "    ");
        }
        return out;
    }

    std::string quote(cmark_node* node) {
        const std::string inner = blocks(node, "\n\n");
        if (inner.empty()) return {};
        // Slack quotes a line that starts with a real '>'; text has only &gt;.
        std::string out = ">";
        if (inner.front() != '\n') out += ' ';
        for (std::size_t i = 0; i < inner.size(); ++i) {
            out += inner[i];
            if (inner[i] == '\n') out += (i + 1 < inner.size() && inner[i + 1] != '\n') ? "> " : ">";
        }
        return out;
    }

    static std::string code_block(cmark_node* node) {
        std::string code = literal_of(node);
        while (!code.empty() && code.back() == '\n') code.pop_back();
        // Three backquotes inside would close it.
        for (std::size_t at = code.find("```"); at != std::string::npos; at = code.find("```", at)) code[at] = '\'';
        return "```\n" + escape_mrkdwn(code) + "\n```";
    }

    const ChannelIdLookup& channels_;
    bool bold_ = false;
    bool italic_ = false;
    bool in_link_ = false;
};

}  // namespace

std::vector<MrkdwnBlock> markdown_to_mrkdwn(std::string_view markdown, const ChannelIdLookup& channels) {
    std::vector<MrkdwnBlock> out;
    // VALIDATE_UTF8: a bad byte becomes U+FFFD, so the result is always valid JSON text.
    std::unique_ptr<cmark_node, FreeNode> document(
        cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_VALIDATE_UTF8));
    if (!document) return out;
    // Adjacent text runs as one, so "@U0123" or "#inc-1-x" is never split across two.
    cmark_consolidate_text_nodes(document.get());
    Renderer renderer(channels);
    for (cmark_node* node = cmark_node_first_child(document.get()); node; node = cmark_node_next(node)) {
        switch (cmark_node_get_type(node)) {
            case CMARK_NODE_THEMATIC_BREAK: out.push_back({MrkdwnBlock::Kind::divider, {}}); break;
            case CMARK_NODE_HEADING:
                if (std::string heading = renderer.heading(node); !heading.empty())
                    out.push_back({MrkdwnBlock::Kind::heading, std::move(heading)});
                break;
            default:
                if (std::string text = renderer.block(node); !text.empty())
                    out.push_back({MrkdwnBlock::Kind::text, std::move(text)});
        }
    }
    return out;
}

std::string join_mrkdwn(const std::vector<MrkdwnBlock>& blocks) {
    std::string out;
    const MrkdwnBlock* previous = nullptr;
    for (const MrkdwnBlock& block : blocks) {
        const std::string text = block.kind == MrkdwnBlock::Kind::divider ? "———" : block.mrkdwn;
        if (previous) out += previous->kind == MrkdwnBlock::Kind::heading ? "\n" : "\n\n";
        out += text;
        previous = &block;
    }
    return out;
}

}  // namespace warroom::slack
