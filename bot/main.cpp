// warroom: the executable. Chooses the platform from the environment, opens
// storage and the playbook, and runs the adapter.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "adapters/console/console_adapter.hpp"
#include "adapters/http/http_service.hpp"
#include "adapters/matrix/matrix_bot.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "adapters/net/proxy_settings.hpp"
#include "adapters/slack/manifest.hpp"
#include "adapters/slack/mrkdwn.hpp"
#include "adapters/slack/slack_bot.hpp"
#include "bot/config.hpp"
#include "bot/engine.hpp"
#include "bot/export.hpp"
#include "bot/migrate_db.hpp"
#include "bot/playbook.hpp"
#include "bot/recognised_people.hpp"
#include "bot/secrets.hpp"
#include "storage/open_store.hpp"

namespace {

using namespace warroom;

int report_playbook_problems(const std::string& source, const std::vector<PlaybookProblem>& problems) {
    for (const PlaybookProblem& problem : problems)
        std::cerr << source << ": " << (problem.path.empty() ? "" : problem.path + ": ") << problem.message << '\n';
    std::cerr << problems.size() << " problem(s) in " << source << '\n';
    return 1;
}

int check_playbook(const std::string& file) {
    PlaybookLoad load = load_playbook_file(file);
    if (!load.problems.empty()) return report_playbook_problems(file, load.problems);
    // The secrets are checked where the command runs: run it as the bot runs.
    if (const auto missing = missing_secrets(*load.playbook); !missing.empty()) {
        for (const PlaybookProblem& problem : missing) std::cerr << file << ": " << problem.path << ": " << problem.message << '\n';
        std::cerr << missing.size() << " secret(s) missing for " << file
                  << ": deliveries that need them fail and the Crisis Lead is told\n";
        return 1;
    }
    std::cout << file << ": ok (" << load.playbook->audiences.size() << " audiences, " << load.playbook->groups.size()
              << " groups, " << load.playbook->executives.size() << " executive(s), " << load.playbook->scenarios.size()
              << " scenario(s))\n";
    return 0;
}

struct Runtime {
    Config config;
    Playbook playbook;
    std::optional<http::HttpSettings> http;   // WARROOM_HTTP: the board, /metrics and health checks
};

// Before the bot runs. Not fatal: chat works without them, and each delivery
// that needs one fails with the same words, told to the Crisis Lead.
void warn_of_missing_secrets(const Playbook& playbook) {
    const auto missing = missing_secrets(playbook);
    if (missing.empty()) return;
    std::string which;
    for (const PlaybookProblem& problem : missing) which += (which.empty() ? "" : ", ") + problem.path;
    spdlog::warn("{} outside destination(s) cannot be reached until their secrets are set ({}); `warroom "
                 "check-playbook` says which variables",
                 missing.size(), which);
}

std::optional<Runtime> prepare(const std::optional<std::string>& config_file,
                               const std::optional<std::string>& playbook_flag,
                               const std::optional<std::string>& db_flag) {
    ConfigLoad loaded = load_config(config_file, process_environment());
    if (!loaded.config) {
        std::cerr << "warroom: " << loaded.error << '\n';
        return std::nullopt;
    }
    Runtime runtime{*loaded.config, {}, std::nullopt};
    const auto http_settings = http::http_settings_from(process_environment());
    if (const auto* problem = std::get_if<http::HttpSettingsError>(&http_settings)) {
        std::cerr << "warroom: " << problem->message << '\n';
        return std::nullopt;
    }
    if (const auto* settings = std::get_if<http::HttpSettings>(&http_settings)) runtime.http = *settings;
    // HTTPS_PROXY / NO_PROXY: read once, for every outbound HTTPS and WSS connection.
    const auto proxy = net::proxy_settings_from(process_environment());
    if (const auto* problem = std::get_if<net::ProxySettingsError>(&proxy)) {
        std::cerr << "warroom: " << problem->message << '\n';
        return std::nullopt;
    }
    net::use_proxy(std::get<net::ProxySettings>(proxy));
    if (playbook_flag) runtime.config.playbook_path = playbook_flag;
    if (db_flag) runtime.config.database = *db_flag;
    spdlog::set_level(spdlog::level::from_str(runtime.config.log_level));
    use_log_format(runtime.config.log_format);   // WARROOM_LOG_FORMAT: text, or json for log collectors
    if (const auto active = net::current_proxy(); active->server) {
        std::string exceptions = active->describe_exceptions();
        if (!exceptions.empty()) exceptions = "; direct for " + exceptions;
        spdlog::info("outbound HTTPS goes through the proxy {} (from {}){}", active->describe(), active->variable,
                     exceptions);
    }

    if (runtime.config.playbook_path) {
        PlaybookLoad load = load_playbook_file(*runtime.config.playbook_path);
        if (!load.problems.empty()) {
            report_playbook_problems(*runtime.config.playbook_path, load.problems);
            return std::nullopt;
        }
        runtime.playbook = *load.playbook;
    } else {
        runtime.playbook = bundled_playbook();
    }
    return runtime;
}

// --simulated-clock[=START]: where simulated time starts. A database that
// already ran in simulated time continues from its own clock, never earlier.
std::optional<Time> simulated_start(Store& store, const std::string& requested) {
    std::optional<Time> saved;
    {
        auto tx = store.begin();
        if (auto value = tx->platform_ref("console", "simulated_clock")) {
            try {
                saved = from_unix_ms(std::stoll(*value));
            } catch (const std::exception&) {
                // A damaged value is ignored: the clock starts afresh.
            }
        }
    }
    std::optional<Time> start;
    if (!requested.empty()) {
        start = parse_utc(requested);
        if (!start) {
            std::cerr << "warroom: --simulated-clock=" << requested
                      << " is not a UTC time; write it like --simulated-clock=2026-11-29T09:00Z\n";
            return std::nullopt;
        }
    }
    if (saved && (!start || *saved > *start)) {
        if (start) std::cerr << "warroom: this database's simulated clock is already at " << format_utc(*saved)
                             << "; continuing from there\n";
        return saved;
    }
    if (start) return start;
    // No start given: the current minute, so the transcript reads like today.
    return std::chrono::floor<std::chrono::minutes>(SystemClock().now());
}

// The database, or nothing after saying why on stderr (a password masked).
std::unique_ptr<Store> open_database(const std::string& database) {
    try {
        return open_store(database);
    } catch (const StorageError& error) {
        std::cerr << "warroom: cannot open the database " << masked_database(database)
                  << " (WARROOM_DB or --db): " << error.what() << '\n';
        return nullptr;
    }
}

// Runs a networked adapter on the system clock until it stops; its exit code.
template <class Bot, class Settings>
int run_bot(const Runtime& runtime, const Settings& settings, const std::string& platform) {
    std::unique_ptr<Store> store = open_database(runtime.config.database);
    if (!store) return 1;
    SystemClock clock;
    Engine engine(*store, runtime.playbook, clock);
    std::cerr << "warroom: connecting to " << platform << ", database " << masked_database(runtime.config.database)
              << "; Ctrl-C stops\n";
    try {
        Bot bot(engine, *store, clock, settings);
        if (auto url = bot.http_url()) std::cerr << "warroom: the board, /metrics and /healthz at " << *url << '\n';
        return bot.run();
    } catch (const std::exception& error) {
        std::cerr << "warroom: " << error.what() << '\n';
        return 1;
    }
}

// A chat token or password from NAME, NAME_FILE or $CREDENTIALS_DIRECTORY/NAME
// into `into`; false after saying why when it is offered but cannot be used
// (a file others can read, an empty one). Not offered at all leaves it empty,
// for the platform's own check to say what is needed.
bool read_chat_secret(const std::string& variable, std::string& into) {
    const Secret secret = read_secret(variable);
    if (!secret.found() && !secret.absent) {
        std::cerr << "warroom: " << secret.problem << '\n';
        return false;
    }
    into = secret.value;
    return true;
}

// Loud, before connecting: with nobody recognisable the bot runs but nobody can use it.
void warn_of_unrecognised_people(const Playbook& playbook, const PlatformIds& ids) {
    if (const std::string warning = unrecognised_people_warning(playbook, ids); !warning.empty())
        spdlog::warn("{}", warning);
}

int run_slack(const Runtime& runtime) {
    const EnvironmentLookup env = process_environment();
    slack::SlackSettings settings;
    if (!read_chat_secret("SLACK_APP_TOKEN", settings.app_token) || !read_chat_secret("SLACK_BOT_TOKEN", settings.bot_token))
        return 1;
    if (auto url = env("SLACK_API_URL")) settings.api_url = *url;
    if (auto replica = env("WARROOM_REPLICA")) settings.replica = *replica;
    settings.stop_on_signals = true;
    settings.http = runtime.http;
    // SSL_CERT_FILE / SSL_CERT_DIR reach OpenSSL directly (the system store otherwise).
    if (const std::string problem = slack::check_slack_settings(settings); !problem.empty()) {
        std::cerr << "warroom: " << problem << '\n';
        return 1;
    }
    warn_of_unrecognised_people(runtime.playbook,
                                {[](const UserId& user) { return slack::is_slack_user_id(user); },
                                 "a Slack member ID like U0123ABCD (in each person's Slack profile)", ""});
    return run_bot<slack::SlackBot>(runtime, settings, "Slack (" + settings.api_url + ")");
}

int run_matrix(const Runtime& runtime) {
    const EnvironmentLookup env = process_environment();
    matrix::MatrixSettings settings;
    settings.homeserver = env("MATRIX_HOMESERVER").value_or("");
    settings.user_id = env("MATRIX_USER_ID").value_or("");
    if (!read_chat_secret("MATRIX_ACCESS_TOKEN", settings.access_token) ||
        !read_chat_secret("MATRIX_PASSWORD", settings.password))
        return 1;
    if (auto replica = env("WARROOM_REPLICA")) settings.replica = *replica;
    settings.stop_on_signals = true;
    settings.http = runtime.http;
    if (const std::string problem = matrix::check_matrix_settings(settings); !problem.empty()) {
        std::cerr << "warroom: " << problem << '\n';
        return 1;
    }
    warn_of_unrecognised_people(runtime.playbook,
                                {[](const UserId& user) { return matrix::is_matrix_user_id(user.value()); },
                                 "a Matrix user id like @alice:example.org",
                                 ", and the bot declines their room invitations"});
    return run_bot<matrix::MatrixBot>(runtime, settings, "Matrix (" + settings.homeserver + ") as " + settings.user_id);
}

int run_console(const Runtime& runtime, const std::optional<std::string>& script,
                const std::optional<std::string>& simulated_clock) {
    std::unique_ptr<Store> store = open_database(runtime.config.database);
    if (!store) return 1;
    SystemClock system_clock;
    std::optional<ManualClock> manual_clock;
    if (simulated_clock) {
        auto start = simulated_start(*store, *simulated_clock);
        if (!start) return 1;
        manual_clock.emplace(*start);
    }
    const Clock& clock = manual_clock ? static_cast<const Clock&>(*manual_clock) : system_clock;
    Engine engine(*store, runtime.playbook, clock);
    console::ConsoleAdapter adapter(engine, *store, clock, std::cout, std::cerr,
                                    manual_clock ? &*manual_clock : nullptr);
    // The console has no event loop: the listener gets a thread of its own and
    // takes the console's lock whenever it reads.
    std::optional<http::WebSite> site;
    std::optional<http::HttpService> listener;
    if (runtime.http) {
        site.emplace(*store, clock, *runtime.http, http::PlatformProblem{});
        try {
            listener.emplace(*runtime.http, [&](const http::WebRequest& request) {
                const auto held = adapter.hold_store();
                return site->answer(request);
            });
        } catch (const std::exception& error) {
            std::cerr << "warroom: " << error.what() << '\n';
            return 1;
        }
        std::cerr << "warroom: the board, /metrics and /healthz at " << listener->url() << '\n';
    }
    if (script) {
        if (*script == "-") return adapter.run_script(std::cin);
        std::ifstream in(*script);
        if (!in) {
            std::cerr << "warroom: cannot read the script " << *script << '\n';
            return 1;
        }
        return adapter.run_script(in);
    }
    // Piped input is a script; a terminal gets line editing and history.
    if (!isatty(STDIN_FILENO)) return adapter.run_script(std::cin);
    return adapter.run_interactive();
}

// What --help adds after the options: every variable the bot reads, one line each.
constexpr const char* kEnvironmentHelp = R"(Environment (it wins over --config; any secret may instead be in the file NAME_FILE
names, mode 600, or in $CREDENTIALS_DIRECTORY/NAME from systemd's LoadCredential=):
  WARROOM_DB             the database: a SQLite file or a postgresql:// URL (default warroom.db)
  WARROOM_PLAYBOOK       the playbook JSON (default: the bundled example playbook)
  WARROOM_LOG_LEVEL      trace, debug, info, warn (default), error, critical or off, in any case
  WARROOM_LOG_FORMAT     text (default) or json, one JSON object a line
  WARROOM_REPLICA        this replica's name, when several share one PostgreSQL (default: the host name)
  WARROOM_HTTP           ADDRESS:PORT for the board, /metrics and health checks (off when unset)
  WARROOM_HTTP_TOKEN     the bearer token readers of WARROOM_HTTP send; required off loopback (secret)
  WARROOM_HTTP_CERT      PEM certificate chain: WARROOM_HTTP speaks HTTPS (with WARROOM_HTTP_KEY)
  WARROOM_HTTP_KEY       the certificate's private key
  SLACK_APP_TOKEN        Slack's app-level token, xapp-... (secret); chooses Slack
  SLACK_BOT_TOKEN        Slack's bot token, xoxb-... (secret)
  SLACK_API_URL          Slack's Web API (default https://slack.com/api/)
  MATRIX_HOMESERVER      the Matrix homeserver's URL, https://matrix.example.org; chooses Matrix
  MATRIX_USER_ID         the bot's Matrix account, @warroom:example.org
  MATRIX_ACCESS_TOKEN    its access token (secret)
  MATRIX_PASSWORD        or its password, to log in at start (secret)
  HTTPS_PROXY            http://[USER:PASSWORD@]HOST:PORT: outbound HTTPS goes through it (or https_proxy)
  NO_PROXY               hosts and domains reached directly, comma-separated, * for all (or no_proxy)
  SSL_CERT_FILE          a CA bundle to trust instead of the system's (or SSL_CERT_DIR, a folder)
  SSL_CERT_DIR           a folder of CA certificates (OpenSSL's c_rehash layout)
  CREDENTIALS_DIRECTORY  set by systemd for LoadCredential=: the folder of secret files
The playbook names the variables of its outside destinations' secrets: check-playbook lists any missing.)";

// A parse error says what was wrong and how the command is used, on stderr,
// and exits 2 (the usage error code of shells, getopt and systemd).
int usage_error(CLI::App& app, const CLI::ParseError& error) {
    const auto chosen = app.get_subcommands();
    // CLI11 calls a mistyped subcommand an unexpected argument: say what it is.
    if (dynamic_cast<const CLI::ExtrasError*>(&error) && chosen.empty())
        std::cerr << "warroom: unknown subcommand or argument (" << error.what() << ")\n\n";
    else
        std::cerr << "warroom: " << error.what() << "\n\n";
    const CLI::App* which = chosen.empty() ? &app : chosen.back();
    const std::string footer = app.get_footer();
    app.footer("");   // the usage, not the whole environment reference
    std::cerr << which->help() << "Run 'warroom --help' for the environment variables.\n";
    app.footer(footer);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    spdlog::set_default_logger(spdlog::stderr_color_st("warroom"));
    spdlog::set_level(spdlog::level::warn);

    CLI::App app{
        "warroom: runs a security incident response in chat (Slack, Matrix or the console).\n"
        "With no subcommand it runs the bot on the platform the environment chooses: Slack when\n"
        "SLACK_APP_TOKEN is set, else Matrix when MATRIX_HOMESERVER is, else the console.",
        "warroom"};
    // Subcommands hand the options they do not know to the top, so the global
    // options work after the subcommand too: `warroom console --db x.db`.
    app.fallthrough();
    app.require_subcommand(0, 1);
    app.set_version_flag("--version", std::string(WARROOM_VERSION));
    std::optional<std::string> config_file, playbook_file, database;
    app.add_option("--config", config_file, "JSON config file (the environment wins over it)");
    app.add_option("--playbook", playbook_file, "playbook JSON (default: $WARROOM_PLAYBOOK, else the bundled one)");
    app.add_option("--db", database, "the database: a SQLite file or a PostgreSQL URL (default: $WARROOM_DB, else warroom.db)");
    auto* console = app.add_subcommand("console", "run the console adapter whatever the environment says");
    std::optional<std::string> script;
    console->add_option("--script", script, "read lines from FILE, or - for standard input");
    std::optional<std::string> simulated_clock;
    console
        ->add_option("--simulated-clock", simulated_clock,
                     "run in simulated time, moved on by :advance 30m; optionally from START (2026-11-29T09:00Z)")
        ->expected(0, 1);

    auto* check = app.add_subcommand("check-playbook", "validate a playbook file and list every problem");
    std::string check_file;
    check->add_option("FILE", check_file, "the playbook JSON")->required();

    auto* export_review = app.add_subcommand(
        "export", "print an incident's review (md) or its full record (json), or --verify its audit record");
    std::string export_incident_id, export_format = "md";
    export_review->add_option("INCIDENT", export_incident_id, "the incident, e.g. INC-7")->required();
    export_review->add_option("--format", export_format, "md (the review, default) or json (the full record)");
    bool export_verify = false;
    std::optional<std::string> export_head;
    export_review->add_flag("--verify", export_verify,
                            "check the incident's audit record instead of printing it: exit 0 if it verifies");
    export_review->add_option("--head", export_head,
                              "with --verify: also check that the record still contains this posted head (HASH)");

    auto* verify_command =
        app.add_subcommand("verify", "check the audit record in a file written by export --format json (no database)");
    std::string verify_file;
    verify_command->add_option("FILE", verify_file, "the exported JSON, or - for standard input")->required();

    auto* migrate_command = app.add_subcommand(
        "migrate-db", "copy everything from one database into an empty one (e.g. SQLite to PostgreSQL); stop the bot first");
    std::string migrate_from, migrate_to;
    migrate_command->add_option("--from", migrate_from, "the database now in use: a SQLite file or a PostgreSQL URL")
        ->required();
    migrate_command->add_option("--to", migrate_to, "the new, empty database: a PostgreSQL URL or a SQLite file")
        ->required();
    auto* manifest_command =
        app.add_subcommand("slack-manifest", "print the Slack app manifest (JSON) to create the app from");

    for (CLI::App* subcommand : app.get_subcommands({}))
        subcommand->footer("The global options --config, --playbook and --db work before or after the subcommand.");
    app.footer(kEnvironmentHelp);   // after the subcommands: their own --help stays short

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& asked) {
        return app.exit(asked);
    } catch (const CLI::CallForAllHelp& asked) {
        return app.exit(asked);
    } catch (const CLI::CallForVersion& asked) {
        return app.exit(asked);
    } catch (const CLI::ParseError& error) {
        return usage_error(app, error);
    }

    if (check->parsed()) return check_playbook(check_file);
    // Checking an exported file needs no config, database or playbook.
    if (verify_command->parsed()) return verify_exported_file(verify_file, std::cout, std::cerr);
    // Moving a database needs no config or playbook either.
    if (migrate_command->parsed())
        return migrate_database([&] { return open_store(migrate_from, OpenMode::existing); },
                                [&] { return open_store(migrate_to); }, std::cout, std::cerr);
    // Before prepare(): printing the manifest needs no config, database or tokens.
    if (manifest_command->parsed()) {
        std::cout << slack::slack_manifest().dump(2) << '\n';
        return 0;
    }

    auto runtime = prepare(config_file, playbook_file, database);
    if (!runtime) return 1;
    const StoreOpener existing = [&] { return open_store(runtime->config.database, OpenMode::existing); };
    if (export_review->parsed() && (export_verify || export_head))
        return verify_in_database(existing, export_incident_id, export_head, std::cout, std::cerr);
    if (export_review->parsed())
        return export_from_database(existing, export_incident_id, export_format, std::cout, std::cerr);
    warn_of_missing_secrets(runtime->playbook);
    if (console->parsed()) return run_console(*runtime, script, simulated_clock);

    switch (runtime->config.platform) {
        case Platform::slack:
            return run_slack(*runtime);
        case Platform::matrix:
            return run_matrix(*runtime);
        case Platform::console:
            return run_console(*runtime, std::nullopt, std::nullopt);
    }
    return 0;
}
