#pragma once
// warroom on Slack: Socket Mode brings commands and clicks in, the engine
// handles them, the outbox is performed through the Web API, schedules fire
// on time. One thread, one io_context: the engine and storage are only ever
// touched from it. No Beast or Asio type in this header, so main and tests
// include it cheaply.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/http/http_settings.hpp"
#include "bot/clock.hpp"
#include "bot/engine.hpp"
#include "bot/outbox.hpp"
#include "bot/store.hpp"

namespace warroom::slack {

struct SlackSettings {
    std::string app_token;             // SLACK_APP_TOKEN, xapp-...: opens Socket Mode connections
    std::string bot_token;             // SLACK_BOT_TOKEN, xoxb-...: every Web API call
    std::string api_url = "https://slack.com/api/";   // SLACK_API_URL
    std::optional<std::string> ca_file;                // trusted besides the system store / SSL_CERT_FILE
    // Socket Mode heartbeat and backoff; tests shorten them.
    std::chrono::milliseconds ping_interval{5000};
    std::chrono::milliseconds pong_timeout{10000};
    std::chrono::milliseconds reconnect_backoff_max{30000};
    // How long the outbox waits before repeating a job that failed, at most.
    std::chrono::milliseconds retry_backoff_max{60000};
    // This process among replicas sharing a database (WARROOM_REPLICA, else
    // the host name): the holder of its outbox lanes. Stable across restarts,
    // so a restarted replica resumes its lanes at once; replicas on one host
    // need names of their own.
    std::string replica = default_replica_name();
    bool stop_on_signals = false;      // SIGINT/SIGTERM end run() cleanly (the executable sets it)
    std::optional<http::HttpSettings> http;   // WARROOM_HTTP: the board, /metrics and health checks
};

// What is wrong with the settings, in words an admin can act on ("" when usable).
std::string check_slack_settings(const SlackSettings& settings);

class SlackBot {
public:
    SlackBot(Engine& engine, Store& store, const Clock& clock, SlackSettings settings);
    ~SlackBot();
    SlackBot(const SlackBot&) = delete;
    SlackBot& operator=(const SlackBot&) = delete;

    // Runs until stop() (returns 0) or a fatal error such as a refused token (returns 1, logged).
    int run();
    // Safe from any thread, including before run() started.
    void stop();
    // Where the HTTP listener serves, when settings.http asked for one ("http://127.0.0.1:8080/").
    std::optional<std::string> http_url() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::slack
