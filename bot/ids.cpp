#include "bot/ids.hpp"

#include "bot/channel_pin.hpp"

#include <charconv>

namespace warroom {
namespace {

std::optional<std::int64_t> parse_prefixed_number(std::string_view text, std::string_view prefix) {
    if (text.size() <= prefix.size()) return std::nullopt;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != prefix[i]) return std::nullopt;
    }
    std::string_view digits = text.substr(prefix.size());
    if (digits.front() == '0' || digits.front() == '+' || digits.front() == '-') return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value <= 0) return std::nullopt;
    return value;
}

}  // namespace

const UserId& bot_user() {
    static const UserId bot{"warroom"};
    return bot;
}

std::string to_string(IncidentId id) { return "INC-" + std::to_string(id.value()); }
std::string to_string(DraftId id) { return "D-" + std::to_string(id.value()); }
std::string to_string(EscalationId id) { return "E-" + std::to_string(id.value()); }
std::string mention(const UserId& user) {
    // Matrix ids already carry their sigil: "@alice:example.org".
    if (!user.value().empty() && user.value().front() == '@') return user.value();
    return "@" + user.value();
}
std::optional<UserId> parse_mention(std::string_view word) {
    const auto valid_name = [](std::string_view name) {
        if (name.empty() || name.size() > 255) return false;
        for (char c : name) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '.' || c == '_' || c == '-' || c == '=' || c == '/' || c == ':';
            if (!ok) return false;
        }
        return true;
    };
    // Slack escapes mentions as <@U0123> or <@U0123|name>; the id is the user.
    if (word.size() > 3 && word.substr(0, 2) == "<@" && word.back() == '>') {
        std::string_view inner = word.substr(2, word.size() - 3);
        if (auto bar = inner.find('|'); bar != std::string_view::npos) inner = inner.substr(0, bar);
        if (valid_name(inner)) return UserId{std::string(inner)};
        return std::nullopt;
    }
    if (word.size() > 1 && word.front() == '@') {
        std::string_view name = word.substr(1);
        // Trailing punctuation from prose ("@bob,") is not part of the name.
        while (!name.empty() && (name.back() == ',' || name.back() == ';' || name.back() == '.')) name.remove_suffix(1);
        if (!valid_name(name)) return std::nullopt;
        // Matrix ids keep their '@': "@alice:example.org".
        if (name.find(':') != std::string_view::npos) return UserId{"@" + std::string(name)};
        return UserId{std::string(name)};
    }
    return std::nullopt;
}

std::string mentions(const std::vector<UserId>& users) {
    std::string out;
    for (const UserId& user : users) out += (out.empty() ? "" : ", ") + mention(user);
    return out;
}

std::string to_string(const ChannelName& channel) {
    const std::string& name = channel.value();
    if (is_matrix_alias(name) || is_matrix_room_id(name)) return name;   // already says what it is
    return "#" + name;
}

std::optional<IncidentId> parse_incident_id(std::string_view text) {
    if (auto n = parse_prefixed_number(text, "INC-")) return IncidentId{*n};
    return std::nullopt;
}

std::optional<DraftId> parse_draft_id(std::string_view text) {
    if (auto n = parse_prefixed_number(text, "D-")) return DraftId{*n};
    return std::nullopt;
}

std::optional<EscalationId> parse_escalation_id(std::string_view text) {
    if (auto n = parse_prefixed_number(text, "E-")) return EscalationId{*n};
    return std::nullopt;
}

}  // namespace warroom
