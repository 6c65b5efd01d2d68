// WARROOM_LOG_FORMAT=json: one JSON object a line on stderr, for log
// collectors, whatever the message holds; text (spdlog's own lines) otherwise.
#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "bot/config.hpp"
#include "bot/log_format.hpp"
#include "bot/text.hpp"
#include "captured_log.hpp"
#include "console_support.hpp"
#include "fake_environment.hpp"

using namespace warroom;
using namespace warroom::test;
using json = nlohmann::json;

namespace {

// A logger of the test's own (not spdlog's default) writing `format`'s lines into a string.
struct FormattedLog {
    explicit FormattedLog(LogFormat format) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
        sink->set_formatter(make_log_formatter(format));
        logger = std::make_shared<spdlog::logger>("warroom", sink);
        logger->set_level(spdlog::level::trace);
    }
    std::ostringstream out;
    std::shared_ptr<spdlog::logger> logger;
};

json parsed(const std::string& line) {
    INFO(line);
    const json object = json::parse(line, nullptr, false);
    REQUIRE_FALSE(object.is_discarded());
    REQUIRE(object.is_object());
    return object;
}

// One JSON object for one message: exactly one line, ending in a newline.
json only_line(const std::string& output) {
    INFO(output);
    REQUIRE(!output.empty());
    CHECK(output.back() == '\n');
    CHECK(std::count(output.begin(), output.end(), '\n') == 1);
    return parsed(output.substr(0, output.size() - 1));
}

EnvironmentLookup environment(std::map<std::string, std::string> variables) {
    return fake_environment(std::move(variables));
}

// A config file removed when the test ends.
struct ConfigFile {
    explicit ConfigFile(const std::string& text) { std::ofstream(path) << text; }
    ~ConfigFile() { std::filesystem::remove(path); }
    std::filesystem::path path = temp_path("warroom-config");
};

}  // namespace

TEST_CASE("log_format: text and json are the names, nothing else", "[log_format]") {
    CHECK(parse_log_format("text") == LogFormat::text);
    CHECK(parse_log_format("json") == LogFormat::json);
    for (const char* other : {"", "JSON", "json ", "logfmt", "xml"}) CHECK_FALSE(parse_log_format(other));
    CHECK(log_format_name(LogFormat::text) == "text");
    CHECK(log_format_name(LogFormat::json) == "json");
}

TEST_CASE("log_format: json writes one object a line with UTC time, level, logger and message", "[log_format]") {
    FormattedLog log(LogFormat::json);
    log.logger->trace("trace {}", 1);
    log.logger->debug("debug {}", 2);
    log.logger->info("info {}", 3);
    log.logger->warn("warn {}", 4);
    log.logger->error("error {}", 5);
    log.logger->critical("critical {}", 6);
    const std::vector<std::string> lines = lines_of(log.out.str());
    REQUIRE(lines.size() == 6);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"trace", "trace 1"},  {"debug", "debug 2"},  {"info", "info 3"},
        {"warning", "warn 4"}, {"error", "error 5"}, {"critical", "critical 6"}};
    const std::regex utc_millis(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const json line = parsed(lines[i]);
        INFO(lines[i]);
        CHECK(line.at("level") == expected[i].first);
        CHECK(line.at("message") == expected[i].second);
        CHECK(line.at("logger") == "warroom");
        CHECK(std::regex_match(line.at("time").get<std::string>(), utc_millis));
        CHECK(line.at("thread").is_number_unsigned());
        CHECK(lines[i].rfind("{\"time\":", 0) == 0);   // the time first, for people reading the raw line
    }
}

TEST_CASE("log_format: the time is UTC with milliseconds", "[log_format]") {
    // 2026-11-30T09:05:07.042Z, whatever TZ says.
    const auto when = spdlog::log_clock::time_point(std::chrono::milliseconds(1796029507042));
    const spdlog::details::log_msg message(when, spdlog::source_loc{}, "warroom", spdlog::level::err, "late");
    spdlog::memory_buf_t out;
    make_log_formatter(LogFormat::json)->format(message, out);
    const json line = only_line(std::string(out.data(), out.size()));
    CHECK(line.at("time") == "2026-11-30T09:05:07.042Z");
    CHECK(line.at("level") == "error");
    CHECK(line.at("message") == "late");

    // Before the epoch's second starts, milliseconds still count up within it.
    const auto early = spdlog::log_clock::time_point(std::chrono::milliseconds(-1));
    const spdlog::details::log_msg before(early, spdlog::source_loc{}, "warroom", spdlog::level::info, "x");
    spdlog::memory_buf_t out_before;
    make_log_formatter(LogFormat::json)->format(before, out_before);
    CHECK(only_line(std::string(out_before.data(), out_before.size())).at("time") == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("log_format: a hostile message stays one line of JSON and reads back as it was", "[log_format]") {
    using namespace std::string_literals;
    const std::string hostile = "quote \" backslash \\ newline \n{\"level\":\"critical\"} cr \r tab \t nul "s +
                                '\0' + " bell \a esc \x1b[31mred\x1b[0m del \x7f c1 \xc2\x9b bidi \xe2\x80\xae "
                                "separator \xe2\x80\xa8 emoji \xf0\x9f\x94\xa5 accent \xc3\xa9 end";
    FormattedLog log(LogFormat::json);
    log.logger->warn("{}", hostile);
    const std::string output = log.out.str();
    const json line = only_line(output);
    CHECK(line.at("message") == hostile);
    CHECK(line.at("level") == "warning");
    // The raw line holds no byte a terminal acts on, and nothing but the final newline ends it.
    const std::string raw = output.substr(0, output.size() - 1);
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        INFO(static_cast<int>(byte));
        CHECK(byte >= 0x20);
        CHECK(byte != 0x7f);
    }
    CHECK(raw.find("\xc2\x9b") == std::string::npos);
    CHECK(raw.find("\xe2\x80\xae") == std::string::npos);
    CHECK(raw.find("\xe2\x80\xa8") == std::string::npos);
    CHECK(raw.find("\xf0\x9f\x94\xa5") != std::string::npos);   // the rest of UTF-8 is written as it is
    CHECK(is_valid_utf8(raw));
}

TEST_CASE("log_format: bytes that are not UTF-8 become U+FFFD and the line stays valid", "[log_format]") {
    const std::string replacement = "\xef\xbf\xbd";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a\xff" "b", "a" + replacement + "b"},                                       // never a UTF-8 byte
        {"stray \x80", "stray " + replacement},                                        // a lone continuation byte
        {"overlong \xc0\xaf", "overlong " + replacement + replacement},                // '/' in two bytes
        {"cut \xe2\x82", "cut " + replacement + replacement},                          // a sequence cut short
        {"cut \xe2\x82" "A", "cut " + replacement + replacement + "A"},                // ... before ASCII
        {"surrogate \xed\xa0\x80", "surrogate " + replacement + replacement + replacement},
        {"past \xf4\x90\x80\x80", "past " + replacement + replacement + replacement + replacement},
        {"quote after \xff\"", "quote after " + replacement + "\""},
    };
    for (const auto& [message, expected] : cases) {
        FormattedLog log(LogFormat::json);
        log.logger->error("{}", message);
        const std::string output = log.out.str();
        INFO(output);
        CHECK(is_valid_utf8(output));
        CHECK(only_line(output).at("message") == expected);
    }
}

TEST_CASE("log_format: the logger's name is escaped like the message", "[log_format]") {
    std::ostringstream out;
    auto named = std::make_shared<spdlog::logger>(
        "odd \"name\"\n\xff", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    named->set_formatter(make_log_formatter(LogFormat::json));
    named->warn("x");
    CHECK(only_line(out.str()).at("logger") == "odd \"name\"\n\xef\xbf\xbd");
}

TEST_CASE("log_format: use_log_format switches spdlog's default logger and back", "[log_format]") {
    CapturedLog captured;   // registered as spdlog's default logger
    use_log_format(LogFormat::json);
    spdlog::warn("as \"json\"");
    use_log_format(LogFormat::text);
    spdlog::warn("as text");
    const std::vector<std::string> lines = lines_of(captured.text());
    REQUIRE(lines.size() == 2);
    CHECK(parsed(lines[0]).at("message") == "as \"json\"");
    // Text is spdlog's default pattern, as before WARROOM_LOG_FORMAT existed.
    CHECK_THAT(lines[1], Catch::Matches(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[captured\] \[warning\] as text)"));
}

TEST_CASE("log_format: WARROOM_LOG_FORMAT and the config file's log_format choose it, text by default",
          "[log_format][config]") {
    CHECK(load_config(std::nullopt, environment({})).config->log_format == LogFormat::text);
    CHECK(load_config(std::nullopt, environment({{"WARROOM_LOG_FORMAT", "json"}})).config->log_format ==
          LogFormat::json);
    CHECK(load_config(std::nullopt, environment({{"WARROOM_LOG_FORMAT", "text"}})).config->log_format ==
          LogFormat::text);

    const ConfigFile file(R"({"log_format": "json", "log_level": "info"})");
    const ConfigLoad from_file = load_config(file.path.string(), environment({}));
    REQUIRE(from_file.config);
    CHECK(from_file.config->log_format == LogFormat::json);
    // The environment wins over the file.
    const ConfigLoad overridden = load_config(file.path.string(), environment({{"WARROOM_LOG_FORMAT", "text"}}));
    REQUIRE(overridden.config);
    CHECK(overridden.config->log_format == LogFormat::text);
}

TEST_CASE("log_format: an unknown format is a config error naming the variable and the values", "[log_format][config]") {
    const ConfigLoad bad = load_config(std::nullopt, environment({{"WARROOM_LOG_FORMAT", "xoxb-not-a-format"}}));
    CHECK_FALSE(bad.config);
    CHECK_THAT(bad.error, Catch::Contains("WARROOM_LOG_FORMAT") && Catch::Contains("text") && Catch::Contains("json"));
    CHECK_THAT(bad.error, !Catch::Contains("xoxb"));   // whatever was put there is not repeated

    const ConfigFile file(R"({"log_format": "yaml"})");
    const ConfigLoad bad_file = load_config(file.path.string(), environment({}));
    CHECK_FALSE(bad_file.config);
    CHECK_THAT(bad_file.error, Catch::Contains("log_format") && Catch::Contains("WARROOM_LOG_FORMAT") &&
                                   Catch::Contains("text") && Catch::Contains("json"));

    const ConfigFile not_a_string(R"({"log_format": 1})");
    CHECK_FALSE(load_config(not_a_string.path.string(), environment({})).config);
}

// The real executable: a database readable by other users is warned about at
// start, a log line whose message holds the path as given.
TEST_CASE("log_format: warroom with WARROOM_LOG_FORMAT=json writes its log lines on stderr as JSON", "[log_format]") {
    const std::filesystem::path folder = temp_path("warroom-log-format");
    std::filesystem::create_directories(folder);
    struct Cleanup {
        std::filesystem::path folder;
        ~Cleanup() { std::filesystem::remove_all(folder); }
    } cleanup{folder};
    // A name with a quote, a backslash and a tab, all of which JSON must escape.
    const std::filesystem::path db = folder / "shared \"incident\" \\ \t.db";
    { std::ofstream(db) << ""; }
    REQUIRE(::chmod(db.c_str(), 0644) == 0);

    const std::string command = std::string(WARROOM_BINARY) + " --db '" + db.string() + "' console --script /dev/null";
    const std::string quiet_platforms = "env -u SLACK_APP_TOKEN -u MATRIX_HOMESERVER -u WARROOM_LOG_LEVEL ";
    // stderr alone: stdout goes to /dev/null.
    const CommandResult run = run_command(quiet_platforms + "WARROOM_LOG_FORMAT=json " + command + " 2>&1 >/dev/null");
    INFO(run.output);
    CHECK(run.status == 0);
    const std::vector<std::string> lines = lines_of(run.output);
    REQUIRE_FALSE(lines.empty());
    bool warned = false;
    for (const std::string& text : lines) {
        const json line = parsed(text);
        CHECK(line.at("logger") == "warroom");
        if (line.at("level") == "warning" && line.at("message").get<std::string>().find(db.string()) != std::string::npos)
            warned = true;
    }
    CHECK(warned);

    // Without the variable: spdlog's text lines, as always.
    const CommandResult text = run_command(quiet_platforms + "-u WARROOM_LOG_FORMAT " + command + " 2>&1 >/dev/null");
    INFO(text.output);
    CHECK(text.status == 0);
    CHECK_THAT(text.output, Catch::Contains("[warroom] [warning] the database " + db.string()));
}

TEST_CASE("log_format: warroom refuses an unknown WARROOM_LOG_FORMAT, naming the variable", "[log_format]") {
    const CommandResult run = run_command("env -u SLACK_APP_TOKEN -u MATRIX_HOMESERVER WARROOM_LOG_FORMAT=yaml "
                                          "WARROOM_DB=/nonexistent/dir/x.db " +
                                          std::string(WARROOM_BINARY) + " console --script /dev/null 2>&1");
    INFO(run.output);
    REQUIRE(WIFEXITED(run.status));
    CHECK(WEXITSTATUS(run.status) != 0);
    CHECK_THAT(run.output, Catch::Contains("WARROOM_LOG_FORMAT") && Catch::Contains("text") && Catch::Contains("json"));
}
