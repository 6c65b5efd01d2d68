#include "bot/log_format.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <ctime>

#include "bot/text.hpp"

namespace warroom {
namespace {

void append(spdlog::memory_buf_t& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

// Valid in a JSON string as it is, but acted on by terminals or read as a
// line break by some tools: written as \uXXXX (the parsed value is the same).
bool escaped_as_unicode(std::uint32_t c) { return c == '\n' || acted_on_by_terminals(c); }

void append_unicode_escape(spdlog::memory_buf_t& out, std::uint32_t c) {
    static constexpr char kHex[] = "0123456789abcdef";
    const char escape[] = {'\\', 'u', kHex[(c >> 12) & 0xF], kHex[(c >> 8) & 0xF], kHex[(c >> 4) & 0xF], kHex[c & 0xF]};
    out.append(escape, escape + sizeof escape);
}

// "2026-11-30T09:00:00.123Z"
void append_utc(spdlog::memory_buf_t& out, spdlog::log_clock::time_point time) {
    using namespace std::chrono;
    const auto seconds = floor<std::chrono::seconds>(time);
    const auto millis = duration_cast<milliseconds>(time - seconds).count();
    const std::time_t t = spdlog::log_clock::to_time_t(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                   utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

class JsonFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override {
        append(out, "{\"time\":\"");
        append_utc(out, message.time);
        append(out, "\",\"level\":\"");
        const spdlog::string_view_t level = spdlog::level::to_string_view(message.level);
        append_json_string(std::string_view(level.data(), level.size()), out);
        append(out, "\",\"logger\":\"");
        append_json_string(std::string_view(message.logger_name.data(), message.logger_name.size()), out);
        append(out, "\",\"message\":\"");
        append_json_string(std::string_view(message.payload.data(), message.payload.size()), out);
        append(out, "\",\"thread\":");
        fmt::format_to(std::back_inserter(out), "{}", message.thread_id);
        append(out, "}\n");
    }

    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view name) {
    if (name == "text") return LogFormat::text;
    if (name == "json") return LogFormat::json;
    return std::nullopt;
}

std::string_view log_format_name(LogFormat format) {
    switch (format) {
        case LogFormat::text:
            return "text";
        case LogFormat::json:
            return "json";
    }
    return "text";
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
    if (format == LogFormat::json) return std::make_unique<JsonFormatter>();
    // spdlog's default pattern, "[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v": the text format as it always was.
    return std::make_unique<spdlog::pattern_formatter>();
}

void use_log_format(LogFormat format) { spdlog::set_formatter(make_log_formatter(format)); }

void append_json_string(std::string_view text, spdlog::memory_buf_t& out) {
    for (std::size_t at = 0; at < text.size();) {
        const CodePoint c = decode_utf8(text, at);
        if (c.length == 0) {
            append(out, "\\ufffd");   // one replacement character per byte that is not UTF-8
            ++at;
            continue;
        }
        switch (c.value) {
            case '"':
                append(out, "\\\"");
                break;
            case '\\':
                append(out, "\\\\");
                break;
            case '\n':
                append(out, "\\n");
                break;
            case '\r':
                append(out, "\\r");
                break;
            case '\t':
                append(out, "\\t");
                break;
            default:
                if (escaped_as_unicode(c.value)) append_unicode_escape(out, c.value);
                else append(out, text.substr(at, c.length));
        }
        at += c.length;
    }
}

}  // namespace warroom
