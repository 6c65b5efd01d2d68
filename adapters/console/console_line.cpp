#include "adapters/console/console_line.hpp"

#include "bot/text.hpp"

namespace warroom::console {

bool is_console_name(std::string_view name) {
    if (name.empty() || name.size() > 80) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    return true;
}

ConsoleLine parse_console_line(std::string_view raw) {
    const std::string line = trim(raw);
    if (line.empty() || line == "#" || line.rfind("# ", 0) == 0) return Blank{};

    if (line.front() == ':') {
        const std::size_t space = line.find(' ');
        Directive directive{line.substr(1, space == std::string::npos ? std::string::npos : space - 1), ""};
        if (space != std::string::npos) directive.argument = trim(std::string_view(line).substr(space + 1));
        if (directive.name.empty()) return Malformed{"a directive needs a name, like :user bob (try :help)"};
        return directive;
    }

    Typed typed;
    std::string_view rest = line;
    if (rest.front() == '#') {
        const std::size_t space = rest.find(' ');
        const std::string_view channel = rest.substr(1, space == std::string_view::npos ? rest.npos : space - 1);
        if (!is_console_name(channel))
            return Malformed{"\"#" + std::string(channel) + "\" is not a channel name: use letters, digits, '-' or '_'"};
        typed.channel = std::string(channel);
        if (space == std::string_view::npos) return Malformed{"say who types in #" + std::string(channel) +
                                                              ": #" + std::string(channel) + " alice: TEXT"};
        rest = std::string_view(line).substr(space + 1);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
    // "alice: text" — a name right before the first colon names who types it.
    const std::size_t colon = rest.find(':');
    if (colon != std::string_view::npos && colon > 0 && is_console_name(rest.substr(0, colon)) &&
        (colon + 1 == rest.size() || rest[colon + 1] == ' ' || rest[colon + 1] == '\t')) {
        typed.user = std::string(rest.substr(0, colon));
        typed.text = trim(rest.substr(colon + 1));
    } else if (typed.channel) {
        return Malformed{"say who types in #" + *typed.channel + ": #" + *typed.channel + " alice: " +
                         std::string(rest)};
    } else {
        typed.text = std::string(rest);
    }
    return typed;
}

}  // namespace warroom::console
