#pragma once
// One line of console input: "[#CHANNEL] USER: TEXT", a ":directive", a
// comment, or (interactively) bare text typed as the current user.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace warroom::console {

struct Typed {
    std::optional<std::string> channel;   // without '#'
    std::optional<std::string> user;
    std::string text;
};

struct Directive {
    std::string name;                     // "user", "channel", "help", "quit"
    std::string argument;
};

struct Blank {};                          // empty line or "# comment"

struct Malformed {
    std::string message;
};

using ConsoleLine = std::variant<Typed, Directive, Blank, Malformed>;

ConsoleLine parse_console_line(std::string_view line);

// Channel and user names the console accepts.
bool is_console_name(std::string_view name);

}  // namespace warroom::console
