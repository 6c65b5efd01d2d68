#include "commands/mass_mention.hpp"

#include "bot/text.hpp"

namespace warroom {

bool has_mass_mention(std::string_view text) {
    const std::string lower = ascii_lower(text);
    for (std::string_view word : {"@channel", "@here", "@everyone", "@room", "<!channel", "<!here", "<!everyone"}) {
        for (std::size_t at = lower.find(word); at != std::string::npos; at = lower.find(word, at + 1)) {
            const std::size_t after = at + word.size();
            const bool word_ends = after == lower.size() || !((lower[after] >= 'a' && lower[after] <= 'z') ||
                                                               (lower[after] >= '0' && lower[after] <= '9'));
            if (word_ends) return true;
        }
    }
    return false;
}

}  // namespace warroom
