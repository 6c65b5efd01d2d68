#pragma once
// warroom on Matrix: a /sync long-poll brings commands, reactions and
// invitations in, the engine handles them, the outbox is performed through
// the client-server API, schedules fire on time. One thread, one
// io_context: the engine and storage are only ever touched from it. No
// Beast or Asio type in this header, so main and tests include it cheaply.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "adapters/http/http_settings.hpp"
#include "bot/clock.hpp"
#include "bot/engine.hpp"
#include "bot/outbox.hpp"
#include "bot/store.hpp"

namespace warroom::matrix {

struct MatrixSettings {
    std::string homeserver;            // MATRIX_HOMESERVER, "https://matrix.example.org"
    std::string user_id;               // MATRIX_USER_ID, "@warroom:example.org"
    std::string access_token;          // MATRIX_ACCESS_TOKEN; or
    std::string password;              // MATRIX_PASSWORD, to log in at start
    std::optional<std::string> ca_file;   // trusted besides the system store / SSL_CERT_FILE
    // How long the server may hold a sync; tests shorten it.
    std::chrono::milliseconds sync_timeout{30000};
    // Pause after a failed sync or outbox job, doubling from 0.5 s up to this.
    std::chrono::milliseconds retry_backoff_max{60000};
    // This process among replicas sharing a database (WARROOM_REPLICA, else
    // the host name): the holder of its outbox lanes. Stable across restarts,
    // so a restarted replica resumes its lanes at once; replicas on one host
    // need names of their own.
    std::string replica = default_replica_name();
    // One replica at a time runs the /sync loop, under this lease, renewed
    // every quarter of it; the others take over when it is not renewed.
    std::chrono::milliseconds sync_lease{20000};
    // The longest answer read from the homeserver (tests shorten it). A /sync
    // answer over it is asked again with shorter timelines, and what that
    // leaves out is paged with /messages.
    std::size_t max_response_body = 8 * 1024 * 1024;
    bool stop_on_signals = false;      // SIGINT/SIGTERM end run() cleanly (the executable sets it)
    std::optional<http::HttpSettings> http;   // WARROOM_HTTP: the board, /metrics and health checks
};

// What is wrong with the settings, in words an admin can act on ("" when usable).
std::string check_matrix_settings(const MatrixSettings& settings);

class MatrixBot {
public:
    MatrixBot(Engine& engine, Store& store, const Clock& clock, MatrixSettings settings);
    ~MatrixBot();
    MatrixBot(const MatrixBot&) = delete;
    MatrixBot& operator=(const MatrixBot&) = delete;

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

}  // namespace warroom::matrix
