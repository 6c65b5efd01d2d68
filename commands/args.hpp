#pragma once
// Splitting the text after "/incident" into words, keeping quoted strings
// whole and recognising mentions in the forms the platforms send them.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/ids.hpp"

namespace warroom {

struct Word {
    std::string text;                  // unquoted
    std::size_t begin = 0;             // offsets into the original text
    std::size_t end = 0;
    bool quoted = false;
};

class Args {
public:
    Args() = default;
    // Fails (returns nullopt, with `error` set) on an unterminated quote.
    static std::optional<Args> split(std::string_view text, std::string* error);

    std::size_t size() const { return words_.size(); }
    bool empty() const { return words_.empty(); }
    const Word& operator[](std::size_t i) const { return words_[i]; }

    // The original text from word `from` to the end, trimmed; one quoted word
    // is returned without its quotes. This keeps user text exactly as typed.
    std::string rest(std::size_t from) const;
    // The same arguments without the first `n` words.
    Args drop(std::size_t n) const;
    // Removes "--name VALUE" and returns VALUE ("" if --name is last).
    std::optional<std::string> take_option(std::string_view name);

private:
    std::string text_;
    std::vector<Word> words_;
};

}  // namespace warroom
