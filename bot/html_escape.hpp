#pragma once
// HTML escaping of user text, for every page and message warroom writes as
// HTML (Matrix's formatted_body, the web board).
#include <string>
#include <string_view>

namespace warroom {

// Appends `text` to `out` with & < > " ' replaced by entities, so user text
// can form no tag or attribute; with `line_breaks`, a newline becomes <br>.
void append_escaped_html(std::string& out, std::string_view text, bool line_breaks = true);

// & < > " ' replaced by entities (newlines kept as they are).
std::string escape_html(std::string_view text);

}  // namespace warroom
