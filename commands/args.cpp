#include "commands/args.hpp"

#include "bot/text.hpp"

namespace warroom {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::optional<Args> Args::split(std::string_view text, std::string* error) {
    Args args;
    args.text_ = std::string(text);
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) ++i;
        if (i == text.size()) break;
        Word word;
        word.begin = i;
        // Quotes open a word only at its start, so apostrophes inside words
        // ("don't") stay ordinary characters.
        const char quote = text[i];
        if (quote == '"' || quote == '\'' || text.substr(i, 3) == "\u201c") {
            const std::string_view close = quote == '"' ? "\"" : quote == '\'' ? "'" : "\u201d";
            const std::size_t open_len = quote == '"' || quote == '\'' ? 1 : 3;
            const std::size_t end = text.find(close, i + open_len);
            if (end == std::string_view::npos) {
                if (error) *error = "the quote before \"" + truncate_utf8(text.substr(i + open_len), 20) + "\" is never closed";
                return std::nullopt;
            }
            word.text = std::string(text.substr(i + open_len, end - i - open_len));
            word.quoted = true;
            i = end + close.size();
        } else {
            while (i < text.size() && !is_space(text[i])) ++i;
            word.text = std::string(text.substr(word.begin, i - word.begin));
        }
        word.end = i;
        args.words_.push_back(std::move(word));
    }
    return args;
}

std::string Args::rest(std::size_t from) const {
    if (from >= words_.size()) return {};
    if (from + 1 == words_.size() && words_[from].quoted) return words_[from].text;
    return trim(std::string_view(text_).substr(words_[from].begin));
}

Args Args::drop(std::size_t n) const {
    Args out;
    out.text_ = text_;
    if (n < words_.size()) out.words_.assign(words_.begin() + static_cast<std::ptrdiff_t>(n), words_.end());
    return out;
}

std::optional<std::string> Args::take_option(std::string_view name) {
    for (std::size_t i = 0; i < words_.size(); ++i) {
        if (words_[i].quoted || words_[i].text != name) continue;
        std::string value;
        std::size_t erase_to = i + 1;
        if (i + 1 < words_.size()) {
            value = words_[i + 1].text;
            erase_to = i + 2;
        }
        // Cut the option and the space after it out of the text so rest() no
        // longer sees it ("Payroll --lead @bob phishing" -> "Payroll phishing").
        const std::size_t b = words_[i].begin;
        const std::size_t e = erase_to < words_.size() ? words_[erase_to].begin : words_[erase_to - 1].end;
        text_.erase(b, e - b);
        for (std::size_t k = erase_to; k < words_.size(); ++k) {
            words_[k].begin -= e - b;
            words_[k].end -= e - b;
        }
        words_.erase(words_.begin() + static_cast<std::ptrdiff_t>(i),
                     words_.begin() + static_cast<std::ptrdiff_t>(erase_to));
        return value;
    }
    return std::nullopt;
}

}  // namespace warroom
