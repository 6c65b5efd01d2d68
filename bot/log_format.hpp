#pragma once
// How log lines look on stderr (WARROOM_LOG_FORMAT): `text`, spdlog's own
// "[2026-11-30 09:00:00.123] [warroom] [warning] message" for people, or
// `json`, one JSON object per line for log collectors:
//   {"time":"2026-11-30T09:00:00.123Z","level":"warning","logger":"warroom","message":"...","thread":4242}
// The time is UTC with milliseconds; the level is spdlog's name for it
// (trace, debug, info, warning, error, critical). Every string is escaped so
// that a line is always one valid JSON object: quotes, backslashes and
// control characters are escaped (no raw newline ever ends a line early),
// bytes that are not UTF-8 become U+FFFD, and what a terminal acts on (DEL,
// C1, bidirectional overrides, line separators) is written as \uXXXX, so the
// raw line shown by journalctl or `docker logs` is harmless too.
#include <spdlog/formatter.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace warroom {

enum class LogFormat { text, json };

// "text" or "json"; anything else is nullopt.
std::optional<LogFormat> parse_log_format(std::string_view name);
std::string_view log_format_name(LogFormat format);

// A formatter writing `format`'s lines, for a logger or a sink of one's own.
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// Every logger spdlog knows (the default one included) and those made later
// write `format`'s lines.
void use_log_format(LogFormat format);

// `text` as a JSON string's contents (without the quotes), escaped as above.
void append_json_string(std::string_view text, spdlog::memory_buf_t& out);

}  // namespace warroom
