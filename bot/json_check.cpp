#include "bot/json_check.hpp"

#include <algorithm>
#include <set>

#include "bot/interval.hpp"
#include "bot/text.hpp"

namespace warroom {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Reports JSON objects that name the same key twice: the parser would keep
// only the last, silently dropping e.g. one of two "sev2" entries.
class DuplicateKeyFinder {
public:
    explicit DuplicateKeyFinder(std::vector<JsonProblem>& problems) : problems_(problems) {}

    bool operator()(int /*depth*/, OrderedJson::parse_event_t event, OrderedJson& parsed) {
        using Event = OrderedJson::parse_event_t;
        switch (event) {
            case Event::object_start:
            case Event::array_start:
                containers_.push_back({event == Event::object_start, {}, {}, 0, child_path()});
                break;
            case Event::key: {
                auto& object = containers_.back();
                object.current_key = parsed.get<std::string>();
                if (!object.keys.insert(object.current_key).second)
                    problems_.push_back({child(object.path, object.current_key),
                                         in_quotes(object.current_key) +
                                             " appears twice in this object and only the last one would count: "
                                             "remove or merge the duplicate"});
                break;
            }
            case Event::value: next_element(); break;
            case Event::object_end:
            case Event::array_end:
                containers_.pop_back();
                next_element();
                break;
        }
        return true;
    }

private:
    struct Container {
        bool is_object;
        std::set<std::string> keys;
        std::string current_key;
        std::size_t next_index;
        std::string path;
    };

    std::string child_path() const {
        if (containers_.empty()) return "";
        const auto& parent = containers_.back();
        return parent.is_object ? child(parent.path, parent.current_key) : child(parent.path, parent.next_index);
    }

    void next_element() {
        if (!containers_.empty() && !containers_.back().is_object) ++containers_.back().next_index;
    }

    std::vector<JsonProblem>& problems_;
    std::vector<Container> containers_;
};

}  // namespace

std::string pointer_token(std::string_view key) {
    std::string token;
    for (char c : key) {
        if (c == '~') token += "~0";
        else if (c == '/') token += "~1";
        else token += c;
    }
    return token;
}

std::string child(const std::string& path, std::string_view key) { return path + "/" + pointer_token(key); }
std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string describe_type(const OrderedJson& value) {
    switch (value.type()) {
        case OrderedJson::value_t::object: return "an object";
        case OrderedJson::value_t::array: return "an array";
        case OrderedJson::value_t::string: return "a string";
        case OrderedJson::value_t::boolean: return "true/false";
        case OrderedJson::value_t::null: return "null";
        default: return "a number";
    }
}

std::string unknown_key_message(const std::string& key, const std::vector<std::string>& allowed) {
    const std::string typed = ascii_lower(key);
    const auto closest = std::min_element(allowed.begin(), allowed.end(), [&](const auto& a, const auto& b) {
        return edit_distance(typed, a) < edit_distance(typed, b);
    });
    const auto extended = std::find_if(allowed.begin(), allowed.end(), [&](const auto& a) {
        return typed.size() >= 3 && a.starts_with(typed);
    });
    std::string message = in_quotes(key) + " is not a known key here";
    if (closest != allowed.end() && edit_distance(typed, *closest) <= 2)
        message += ": did you mean " + in_quotes(*closest) + "?";
    else if (extended != allowed.end())
        message += ": did you mean " + in_quotes(*extended) + "?";
    auto sorted = allowed;
    std::sort(sorted.begin(), sorted.end());
    return message + " (allowed keys: " + join(sorted) + ")";
}

std::optional<OrderedJson> parse_checked(std::string_view text, std::string_view what,
                                         std::vector<JsonProblem>& problems) {
    try {
        return OrderedJson::parse(text.begin(), text.end(), DuplicateKeyFinder(problems));
    } catch (const OrderedJson::parse_error& error) {
        // Drop the library's "[json.exception.parse_error.101] " tag; keep its
        // line and column, and add the byte offset for editors that jump to it.
        std::string detail = error.what();
        if (const auto tag_end = detail.find("] "); detail.starts_with("[json.exception") && tag_end != std::string::npos)
            detail.erase(0, tag_end + 2);
        problems.clear();   // anything found before the syntax error is moot until it is fixed
        problems.push_back({"", std::string(what) + " is not valid JSON (byte " + std::to_string(error.byte) + "): " +
                                    detail + "; fix the syntax there"});
        return std::nullopt;
    } catch (const OrderedJson::out_of_range& error) {
        // JSON allows numbers no double can hold (1e999); the parser refuses
        // them with this instead of a parse_error (found by fuzz/playbook_fuzz).
        std::string detail = error.what();
        if (const auto tag_end = detail.find("] "); detail.starts_with("[json.exception") && tag_end != std::string::npos)
            detail.erase(0, tag_end + 2);
        problems.clear();
        problems.push_back({"", std::string(what) + " is not valid JSON: " + detail + "; write a smaller number"});
        return std::nullopt;
    }
}

void JsonChecker::problem(std::string path, std::string message) {
    problems_.push_back({std::move(path), std::move(message)});
}

void JsonChecker::require(const OrderedJson& object, const std::string& path, std::string_view key,
                          std::string_view example) {
    if (!object.contains(std::string(key)))
        problem(child(path, key), "required key " + in_quotes(key) + " is missing: add " + std::string(example));
}

void JsonChecker::unknown_key(const std::string& path, const std::string& key,
                              const std::vector<std::string>& allowed) {
    problem(path, unknown_key_message(key, allowed));
}

bool JsonChecker::expect_object(const std::string& path, const OrderedJson& value, std::string_view example) {
    if (value.is_object()) return true;
    problem(path, "must be an object, not " + describe_type(value) + ": write " + std::string(example));
    return false;
}

std::optional<std::string> JsonChecker::expect_string(const std::string& path, const OrderedJson& value,
                                                      std::string_view example) {
    if (value.is_string()) return value.get<std::string>();
    problem(path, "must be a string in double quotes, not " + describe_type(value) + ": write " +
                      std::string(example));
    return std::nullopt;
}

std::optional<Duration> JsonChecker::expect_interval(const std::string& path, const OrderedJson& value, Duration min,
                                                     Duration max, std::string_view example) {
    const auto text = expect_string(path, value, example);
    if (!text) return std::nullopt;
    auto parsed = parse_interval(*text, min, max);
    if (const auto* error = std::get_if<IntervalError>(&parsed)) {
        problem(path, error->message);
        return std::nullopt;
    }
    return std::get<Duration>(parsed);
}

}  // namespace warroom
