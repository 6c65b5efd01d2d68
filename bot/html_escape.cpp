#include "bot/html_escape.hpp"

namespace warroom {

void append_escaped_html(std::string& out, std::string_view text, bool line_breaks) {
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '\n': out += line_breaks ? "<br>" : "\n"; break;
            default: out += c;
        }
    }
}

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    append_escaped_html(out, text, false);
    return out;
}

}  // namespace warroom
