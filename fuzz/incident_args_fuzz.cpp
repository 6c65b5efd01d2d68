// Fuzzes the splitting of "/incident ..." text into words (Args::split) and
// what commands do with the result: rest(), drop() and take_option() for the
// options commands take (--lead, --by).
//
// Properties: split fails only with an error message; words lie in order
// inside the text without overlapping; an unquoted word is exactly its span
// of the text; and after any option is taken out, rest(k) still starts with
// word k, so "the rest of the text" never shifts to the wrong place.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "commands/args.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using warroom::Args;
using warroom::fuzz::require;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// What holds for any Args, whatever was taken out or dropped.
void check_rest(const Args& args, std::string_view input) {
    for (std::size_t k = 0; k < args.size(); ++k) {
        const std::string rest = args.rest(k);
        const auto& word = args[k];
        if (word.quoted && k + 1 == args.size()) {
            require(rest == word.text, "rest() of a last quoted word is its text", input);
        } else if (word.quoted) {
            // Opening quote (1 or 3 bytes), then the word.
            require(rest.find(word.text) <= 3, "rest(k) starts at quoted word k", input);
        } else {
            require(rest.starts_with(word.text), "rest(k) starts with unquoted word k", input);
        }
    }
    require(args.rest(args.size()).empty(), "rest() past the end is empty", input);
}

void check_split(const Args& args, std::string_view text) {
    std::size_t previous_end = 0;
    for (std::size_t k = 0; k < args.size(); ++k) {
        const auto& word = args[k];
        require(previous_end <= word.begin && word.begin < word.end && word.end <= text.size(),
                "words lie in order inside the text", text);
        if (!word.quoted) {
            require(word.text == text.substr(word.begin, word.end - word.begin), "an unquoted word is its span", text);
            for (char c : word.text) require(!is_space(c), "an unquoted word holds no blank", text);
        } else {
            require(word.end - word.begin >= word.text.size() + 2, "a quoted word's span holds its quotes", text);
        }
        previous_end = word.end;
    }
    check_rest(args, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::string error;
    auto args = Args::split(text, &error);
    if (!args) {
        require(!error.empty(), "a failed split says why", text);
        return 0;
    }
    check_split(*args, text);

    Args dropped = args->drop(1);
    require(dropped.size() == (args->empty() ? 0 : args->size() - 1), "drop(1) drops one word", text);
    check_rest(dropped, text);

    for (std::string_view option : {"--lead", "--by", "--lead"}) {
        const std::size_t before = args->size();
        const auto value = args->take_option(option);
        require(args->size() <= before && (value || args->size() == before), "take_option removes only what it takes",
                text);
        check_rest(*args, text);
        (void)dropped.take_option(option);
        check_rest(dropped, text);
    }
    return 0;
}
