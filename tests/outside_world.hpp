#pragma once
// The whole Slack bot with its outside audiences pointed at the outside
// simulators on loopback: the bundled playbook (examples/playbook.json) with
// the webhook ("ticketing"), the status page ("status-page"), the e-mail list
// ("board") and the pagers aimed at a WebhookReceiver, a StatuspageSimulator,
// an SmtpSimulator and a PagerDutySimulator; their secrets set in the
// environment for the test and restored after it; one CA bundle (the Slack
// simulator's and every outside simulator's test CA) as the bot's extra CA file.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "outside_sim/pagerduty_simulator.hpp"
#include "outside_sim/smtp_server.hpp"
#include "outside_sim/statuspage_simulator.hpp"
#include "outside_sim/webhook_receiver.hpp"
#include "slack_support.hpp"

namespace warroom::test {

// The secrets the simulators expect; distinctive, so a test can look for them anywhere.
inline const std::string kWebhookSecret = "whsec-Q7fVb2Lx9pRt4WmZ";
inline const std::string kStatuspageKey = "sp-key-8d1e6c3a9b7f4052";
inline const std::string kSmtpPassword = "smtp-pw-Jk3vN8sQ2xYh";
inline const std::string kSecurityRoutingKey = "R0UT1NGKEYSECURITY0000000000001";
inline const std::string kLegalRoutingKey = "R0UT1NGKEYLEGAL00000000000000002";
inline const std::string kPageId = "kctbh9vrtdwd";   // the example playbook's page
inline const std::string kSmtpUser = "warroom";      // the example playbook's user name

inline std::vector<std::string> all_outside_secrets() {
    return {kWebhookSecret, kStatuspageKey, kSmtpPassword, kSecurityRoutingKey, kLegalRoutingKey};
}

// Environment variables set for one test, and put back as they were.
class ScopedEnvironment {
public:
    ScopedEnvironment() = default;
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;
    ~ScopedEnvironment() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
            else ::unsetenv(it->first.c_str());
        }
    }
    void set(const std::string& name, const std::string& value) {
        save(name);
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    void unset(const std::string& name) {
        save(name);
        ::unsetenv(name.c_str());
    }

private:
    void save(const std::string& name) {
        const char* old = std::getenv(name.c_str());
        saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// A file of the test's own, removed with it.
inline std::filesystem::path unique_temp_path(const std::string& stem) {
    static std::atomic<int> counter{0};
    return std::filesystem::temp_directory_path() /
           (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

// A secret in a file only its owner reads (NAME_FILE, as Docker secrets are
// given); rewritten whole by rename, so the bot never reads half of it.
class SecretFile {
public:
    explicit SecretFile(const std::string& value) : path_(unique_temp_path("warroom-secret")) { write(value); }
    ~SecretFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    SecretFile(const SecretFile&) = delete;
    SecretFile& operator=(const SecretFile&) = delete;

    void write(const std::string& value) {
        const std::filesystem::path next = path_.string() + ".next";
        {
            std::ofstream out(next, std::ios::binary | std::ios::trunc);
            out << value << "\n";
        }
        std::filesystem::permissions(next, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                     std::filesystem::perm_options::replace);
        std::filesystem::rename(next, path_);
    }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

// A loopback port nobody listens on (taken from the kernel, then let go).
inline unsigned short unused_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

inline std::string read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The outside simulators and the environment the bot reads their secrets from.
struct OutsideSimulators {
    OutsideSimulators()
        : webhook(kWebhookSecret), pagerduty({kSecurityRoutingKey, kLegalRoutingKey}), smtp(kSmtpUser, kSmtpPassword) {
        statuspage.add_page(kPageId, kStatuspageKey);
        // Whatever the machine has set for these is not the test's.
        for (const char* name : {"TICKETING_WEBHOOK_SECRET", "STATUSPAGE_API_KEY", "SMTP_PASSWORD",
                                 "PAGERDUTY_SECURITY_KEY", "PAGERDUTY_LEGAL_KEY"}) {
            env.unset(std::string(name) + "_FILE");
        }
        env.unset("CREDENTIALS_DIRECTORY");
        env.set("TICKETING_WEBHOOK_SECRET", kWebhookSecret);
        env.set("STATUSPAGE_API_KEY", kStatuspageKey);
        env.set("SMTP_PASSWORD", kSmtpPassword);
        env.set("PAGERDUTY_SECURITY_KEY", kSecurityRoutingKey);
        env.set("PAGERDUTY_LEGAL_KEY", kLegalRoutingKey);
    }

    // https://127.0.0.1:PORT..., the simulators' own URLs with the loopback address for "localhost".
    static std::string on_loopback_address(std::string url) {
        const std::string name = "://localhost:";
        if (auto at = url.find(name); at != std::string::npos) url.replace(at, name.size(), "://127.0.0.1:");
        return url;
    }
    std::string webhook_url() const { return on_loopback_address(webhook.url()); }
    std::string statuspage_url() const { return on_loopback_address(statuspage.url()); }
    std::string pagerduty_url() const { return on_loopback_address(pagerduty.url()); }
    std::string smtp_url() const { return "smtp://127.0.0.1:" + std::to_string(smtp.port()); }

    // The example playbook's outside audiences and pagers aimed at the simulators.
    void point_playbook_at_simulators(nlohmann::json& book) const {
        auto& audiences = book.at("audiences");
        audiences.at("ticketing")["url"] = webhook_url();
        audiences.at("status-page")["api_url"] = statuspage_url();
        audiences.at("board")["smtp"] = smtp_url();
        for (auto& [name, pager] : book.at("pagers").items()) pager["events_url"] = pagerduty_url();
    }

    // The Slack simulator's CA and every outside simulator's, concatenated into one PEM bundle.
    void write_ca_bundle(const std::filesystem::path& path, const std::string& slack_ca) const {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        for (const std::string& file : {slack_ca, webhook.ca_file(), statuspage.ca_file(), pagerduty.ca_file(),
                                        smtp.ca_file()}) {
            std::string pem = read_whole_file(file);
            REQUIRE_FALSE(pem.empty());
            if (pem.back() != '\n') pem += '\n';
            out << pem;
        }
    }

    outside_sim::WebhookReceiver webhook;
    outside_sim::StatuspageSimulator statuspage;
    outside_sim::PagerDutySimulator pagerduty;
    outside_sim::SmtpSimulator smtp;
    ScopedEnvironment env;
};

// The Slack bot over the Slack simulator, its outside audiences and pagers at
// the outside simulators. `adjust` changes the playbook (after it is aimed at
// the simulators) before the engine is made. Members are destroyed in
// reverse: the bot stops before the simulators and the environment go.
struct OutsideSlackWorld {
    using Adjust = std::function<void(nlohmann::json& playbook)>;

    explicit OutsideSlackWorld(const Adjust& adjust = {}) : ca_bundle(unique_temp_path("warroom-ca-bundle.pem")) {
        nlohmann::json book = nlohmann::json::parse(slack.playbook_json());
        outside.point_playbook_at_simulators(book);
        if (adjust) adjust(book);
        PlaybookLoad load = parse_playbook(book.dump(2));
        INFO("playbook problems: " << load.problems.size()
                                   << (load.problems.empty() ? std::string() : ": " + load.problems[0].message));
        REQUIRE(load.problems.empty());
        slack.engine.reset();
        slack.playbook = *load.playbook;
        slack.engine = std::make_unique<Engine>(*slack.store, slack.playbook, slack.clock);
        outside.write_ca_bundle(ca_bundle, slack.sim.ca_file());
    }

    ~OutsideSlackWorld() {
        slack.stop();
        std::error_code ignored;
        std::filesystem::remove(ca_bundle, ignored);
    }

    // As SlackWorld::start, with the CA bundle as the one extra CA file.
    void start() {
        slack::SlackSettings settings;
        settings.app_token = slack.sim.app_token();
        settings.bot_token = slack.sim.bot_token();
        settings.api_url = slack.sim.api_url();
        settings.ca_file = ca_bundle.string();
        settings.ping_interval = 1s;
        settings.pong_timeout = 3s;
        settings.reconnect_backoff_max = 1s;
        settings.retry_backoff_max = 2s;
        const std::size_t connections_before = slack.sim.connections_opened();
        slack.run_bot(settings);
        REQUIRE(slack.sim.wait_for([&] { return slack.sim.connections_opened() > connections_before; }, 10s));
    }

    std::string command(const std::string& user, const std::string& channel, const std::string& text) {
        return slack.command(user, channel, text);
    }

    // Waits until `condition` holds, looking at least every 50 ms (and whenever Slack's state changes).
    bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
        return slack.sim.wait_for(condition, deadline);
    }

    std::optional<Draft> draft(int id) {
        auto tx = slack.observer->begin(TransactionKind::read);
        return tx->draft(DraftId{id});
    }

    bool outbox_empty() {
        auto tx = slack.observer->begin(TransactionKind::read);
        return tx->pending_jobs(1).empty();
    }

    // The messages of `user`'s direct conversations with warroom.
    std::vector<slack_sim::SimMessage> direct_messages_to(const std::string& user) {
        std::vector<slack_sim::SimMessage> found;
        for (const auto& channel : slack.sim.channels()) {
            if (!channel.is_im || !channel.members.count(slack.id(user))) continue;
            for (auto& message : slack.sim.messages(channel.id)) found.push_back(std::move(message));
        }
        return found;
    }

    // Every message the Slack simulator kept, in every channel, ephemeral ones too.
    std::vector<slack_sim::SimMessage> every_slack_message() {
        std::vector<slack_sim::SimMessage> found;
        for (const auto& channel : slack.sim.channels())
            for (auto& message : slack.sim.messages(channel.id)) found.push_back(std::move(message));
        return found;
    }

    // Declared first: set (environment, simulators) before the bot starts, gone after it stops.
    OutsideSimulators outside;
    SlackWorld slack;
    std::filesystem::path ca_bundle;
};

}  // namespace warroom::test
