#pragma once
// The outside destinations of the crash harness: a webhook receiver, a
// Statuspage page, an SMTP server and PagerDuty, started by the harness on
// loopback, with the playbook's "ticketing", "status-page" and "board"
// audiences and its pagers pointed at them (https://127.0.0.1:PORT,
// smtp://127.0.0.1:PORT), their secrets in the executable's environment and
// their CAs in the one bundle SSL_CERT_FILE names.
//
// The workload tells it what was approved and paged; at the end it counts
// what arrived:
//   webhook      each approved text accepted under one Idempotency-Key (a
//                repeat under the same key is counted: a receiver drops it)
//   status page  each text written once; one status page incident per
//                warroom incident; resolved with a resolved warroom incident
//   e-mail       each text arrived at least once; copies counted and printed,
//                not failed (SMTP cannot promise fewer)
//   pages        each paged incident's alert opened once per pager, and
//                closed once the incident was resolved
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "console_support.hpp"
#include "outside_sim/pagerduty_simulator.hpp"
#include "outside_sim/smtp_server.hpp"
#include "outside_sim/statuspage_simulator.hpp"
#include "outside_sim/webhook_receiver.hpp"

namespace warroom::test {

// A draft the workload approved for an outside audience.
struct OutsideDraft {
    std::string incident;              // "INC-1"
    std::string draft;                 // "D-7"
    std::string audience;              // "ticketing", "board", "status-page"
    std::string text;                  // as approved
};

// What the outside destinations received, against what was approved and paged.
struct OutsideFigures {
    // Webhook: approved texts; accepted under one key; none; under more than one key; the same key again.
    std::size_t webhook_texts = 0, webhook_delivered = 0, webhook_lost = 0, webhook_duplicated = 0,
                webhook_same_key = 0, webhook_refused = 0;
    // Status page: approved texts; written once; never; more than once; incidents made; beyond one per
    // warroom incident; warroom incidents resolved whose status page incident is not (or the reverse).
    std::size_t statuspage_texts = 0, statuspage_written = 0, statuspage_lost = 0, statuspage_duplicated = 0,
                statuspage_incidents = 0, statuspage_extra_incidents = 0, statuspage_resolved = 0,
                statuspage_wrongly_resolved = 0;
    // E-mail: approved texts; messages received; texts never received; copies beyond the first (by
    // Message-ID); texts sent under more than one Message-ID (not SMTP's doing: a second job).
    std::size_t email_texts = 0, email_sent = 0, email_lost = 0, email_duplicates = 0, email_other_ids = 0;
    // Pages: (incident, pager) pairs paged; alerts; never opened; opened twice; resolved incidents whose
    // alert is open, or open incidents whose alert is closed; alerts nobody paged.
    std::size_t paged = 0, alerts = 0, triggers = 0, resolves = 0, pages_lost = 0, pages_reopened = 0,
                pages_wrong_state = 0, pages_unexpected = 0;
    // Answers the harness held (so that kills land mid-delivery) and kills while one was held.
    std::size_t answers_held = 0, kills_mid_delivery = 0;

    std::size_t lost() const {
        return webhook_lost + statuspage_lost + statuspage_wrongly_resolved + email_lost + pages_lost +
               pages_wrong_state;
    }
    std::size_t duplicates() const {
        return webhook_duplicated + statuspage_duplicated + statuspage_extra_incidents + email_other_ids +
               pages_reopened + pages_unexpected;
    }
};

class OutsideCrashWorld {
public:
    static constexpr const char* kPageId = "kctbh9vrtdwd";
    static constexpr const char* kSmtpUser = "warroom";

    OutsideCrashWorld()
        : webhook_secret_("crash-webhook-secret-" + nonce()), statuspage_key_("crash-statuspage-key-" + nonce()),
          smtp_password_("crash-smtp-password-" + nonce()), security_key_("crash-pd-security-" + nonce()),
          legal_key_("crash-pd-legal-" + nonce()), webhook_(webhook_secret_), pagerduty_({security_key_, legal_key_}),
          smtp_(kSmtpUser, smtp_password_) {
        statuspage_.add_page(kPageId, statuspage_key_);
    }
    ~OutsideCrashWorld() {
        std::error_code ignored;
        if (!bundle_.empty()) std::filesystem::remove(bundle_, ignored);
    }
    OutsideCrashWorld(const OutsideCrashWorld&) = delete;
    OutsideCrashWorld& operator=(const OutsideCrashWorld&) = delete;

    // The playbook file as the platform wrote it, its outside audiences and pagers pointed at the simulators;
    // sev3 and sev4 page security-oncall and bring customer-comms (the status page's approvers) in.
    void point_playbook(const std::filesystem::path& path) const {
        nlohmann::json book = nlohmann::json::parse(read_file(path));
        auto& audiences = book.at("audiences");
        audiences.at("ticketing")["url"] = "https://127.0.0.1:" + std::to_string(webhook_.port()) + webhook_.path();
        audiences.at("status-page")["api_url"] =
            "https://127.0.0.1:" + std::to_string(statuspage_.port()) + statuspage_.base();
        audiences.at("status-page")["page_id"] = kPageId;
        audiences.at("board")["smtp"] = "smtp://127.0.0.1:" + std::to_string(smtp_.port());
        audiences.at("board")["username"] = kSmtpUser;
        const std::string events = "https://127.0.0.1:" + std::to_string(pagerduty_.port());
        for (auto& [name, pager] : book.at("pagers").items()) pager["events_url"] = events;
        for (const char* severity : {"sev3", "sev4"}) {
            auto& policy = book.at("severities").at(severity);
            policy["page"] = {"security-oncall"};
            policy["stakeholders"] = {"customer-comms"};
        }
        std::ofstream(path) << book.dump(2);
    }

    // The executable's environment: `environment` with SSL_CERT_FILE naming one bundle of its CA and the
    // simulators', and the secrets the playbook names.
    std::vector<std::string> environment(std::vector<std::string> environment) {
        const std::string key = "SSL_CERT_FILE=";
        std::string bundle;
        for (auto entry = environment.begin(); entry != environment.end();) {
            if (entry->rfind(key, 0) == 0) {
                bundle += read_file(entry->substr(key.size())) + "\n";
                entry = environment.erase(entry);
            } else {
                ++entry;
            }
        }
        for (const std::string& ca : {webhook_.ca_file(), statuspage_.ca_file(), pagerduty_.ca_file(), smtp_.ca_file()})
            bundle += read_file(ca) + "\n";
        bundle_ = temp_path("warroom-crash-ca").replace_extension(".pem");
        std::ofstream(bundle_) << bundle;
        environment.push_back(key + bundle_.string());
        environment.push_back("TICKETING_WEBHOOK_SECRET=" + webhook_secret_);
        environment.push_back("STATUSPAGE_API_KEY=" + statuspage_key_);
        environment.push_back("SMTP_PASSWORD=" + smtp_password_);
        environment.push_back("PAGERDUTY_SECURITY_KEY=" + security_key_);
        environment.push_back("PAGERDUTY_LEGAL_KEY=" + legal_key_);
        return environment;
    }

    // What must never be in the log.
    std::vector<std::string> secrets() const {
        return {webhook_secret_, statuspage_key_, smtp_password_, security_key_, legal_key_};
    }

    // Requests the bot has made of the destinations so far (an SMTP connection counts one, and so does
    // each message the server kept).
    std::size_t requests() const { return http_requests() + smtp_.connections() + smtp_.messages().size(); }

    // Holds the next answer of every HTTP destination for `delay`, so that a kill soon after a request lands
    // while the bot waits for the answer. With `greeting`, the SMTP server's greeting is held too; without,
    // a kill waits for a message the server kept instead: the bot is waiting for its 250, or has it and has
    // not yet recorded it (an e-mail sent twice when that kill lands in time).
    void hold_answers(std::chrono::milliseconds delay, bool greeting) {
        webhook_.faults().slow(1, delay);
        statuspage_.faults().slow(1, delay);
        pagerduty_.faults().slow(1, delay);
        if (greeting) smtp_.slow_greeting(delay);
        smtp_slow_ = greeting;
    }
    // What a kill after hold_answers() waits for: HTTP requests, and SMTP connections (the greeting held)
    // or messages kept.
    std::size_t held_requests() const {
        return http_requests() + (smtp_slow_ ? smtp_.connections() : smtp_.messages().size());
    }
    // Waits until held_requests() passes `before`, within `deadline`; returns whether it did. The webhook
    // receiver's own state changes wake the wait; the other simulators' are looked at every 5 ms.
    bool wait_for_held_request(std::size_t before, std::chrono::milliseconds deadline) const {
        const auto give_up_at = std::chrono::steady_clock::now() + deadline;
        const auto passed = [&] { return held_requests() > before; };
        while (!passed()) {
            if (std::chrono::steady_clock::now() >= give_up_at) return false;
            webhook_.wait_for(passed, std::chrono::milliseconds(5));
        }
        return true;
    }
    // After the kill: answers come at once again (the switches of the HTTP ones were for one answer each).
    void answer_promptly() {
        if (smtp_slow_) smtp_.slow_greeting(std::chrono::milliseconds(0));
        smtp_slow_ = false;
    }

    // Kills so far that came while the bot waited for a held answer.
    void kill_mid_delivery() { ++figures_.kills_mid_delivery; }

    // The workload's record.
    void approved(OutsideDraft draft) { drafts_.push_back(std::move(draft)); }
    void paged(const std::string& incident, const std::string& pager) { pages_[incident].insert(pager); }
    void resolved(const std::string& incident) { resolved_.insert(incident); }
    const std::vector<OutsideDraft>& drafts() const { return drafts_; }

    OutsideFigures count() {
        OutsideFigures figures = figures_;
        count_webhook(figures);
        count_statuspage(figures);
        count_email(figures);
        count_pages(figures);
        figures.answers_held = webhook_.faults().answers_held() + statuspage_.faults().answers_held() +
                               pagerduty_.faults().answers_held();
        return figures;
    }

    std::string routing_key(const std::string& pager) const {
        return pager == "legal-oncall" ? legal_key_ : security_key_;
    }

private:
    std::size_t http_requests() const {
        return webhook_.requests().size() + statuspage_.calls().size() + pagerduty_.events().size();
    }

    static std::string nonce() {
        static std::mt19937_64 random{std::random_device{}()};
        return std::to_string(random());
    }

    std::vector<const OutsideDraft*> drafts_for(const std::string& audience) const {
        std::vector<const OutsideDraft*> found;
        for (const OutsideDraft& draft : drafts_)
            if (draft.audience == audience) found.push_back(&draft);
        return found;
    }

    void count_webhook(OutsideFigures& figures) const {
        // Per draft, the keys it was accepted under, and how often under each.
        std::map<std::string, std::map<std::string, std::size_t>> keys;
        for (const auto& delivery : webhook_.accepted()) {
            const auto& document = delivery.document;
            const std::string draft = document.value("incident", nlohmann::json::object()).value("id", "") + "/" +
                                      document.value("draft", "");
            ++keys[draft][delivery.idempotency_key];
        }
        const auto approved = drafts_for("ticketing");
        figures.webhook_texts = approved.size();
        std::set<std::string> expected;
        for (const OutsideDraft* draft : approved) {
            const std::string id = draft->incident + "/" + draft->draft;
            expected.insert(id);
            const auto found = keys.find(id);
            if (found == keys.end()) {
                ++figures.webhook_lost;
                continue;
            }
            ++figures.webhook_delivered;
            figures.webhook_duplicated += found->second.size() - 1;
            for (const auto& [key, times] : found->second) figures.webhook_same_key += times - 1;
        }
        for (const auto& [id, by_key] : keys)   // a document nobody approved
            if (!expected.contains(id)) figures.webhook_duplicated += by_key.size();
        figures.webhook_refused = webhook_.signatures_refused();
    }

    void count_statuspage(OutsideFigures& figures) const {
        const auto incidents = statuspage_.incidents(kPageId);
        figures.statuspage_incidents = incidents.size();
        std::map<std::string, std::size_t> writes;   // body -> writes with it
        std::map<std::string, std::vector<const outside_sim::StatuspageIncident*>> by_incident;
        for (const auto& incident : incidents) {
            for (const auto& update : incident.updates)
                if (!update.body.empty()) ++writes[update.body];
            std::string warroom;
            if (incident.metadata.is_object() && incident.metadata.contains("warroom"))
                warroom = incident.metadata["warroom"].value("incident", "");
            by_incident[warroom].push_back(&incident);
        }
        const auto approved = drafts_for("status-page");
        figures.statuspage_texts = approved.size();
        std::set<std::string> told;   // warroom incidents with a status page text
        for (const OutsideDraft* draft : approved) {
            told.insert(draft->incident);
            const std::size_t written = writes[draft->text];
            if (written == 0) ++figures.statuspage_lost;
            else ++figures.statuspage_written;
            if (written > 1) figures.statuspage_duplicated += written - 1;
        }
        for (const auto& [warroom, theirs] : by_incident) {
            if (!told.contains(warroom)) {   // made for nothing approved (or with no marker)
                figures.statuspage_extra_incidents += theirs.size();
                continue;
            }
            figures.statuspage_extra_incidents += theirs.size() - 1;
        }
        for (const std::string& warroom : told) {
            const auto found = by_incident.find(warroom);
            if (found == by_incident.end()) continue;   // its texts counted lost above
            const bool closed = found->second.front()->status == "resolved";
            if (closed) ++figures.statuspage_resolved;
            if (closed != resolved_.contains(warroom)) ++figures.statuspage_wrongly_resolved;
        }
    }

    void count_email(OutsideFigures& figures) const {
        const auto messages = smtp_.messages();
        figures.email_sent = messages.size();
        // Per draft, the Message-IDs it came under, and how often under each.
        std::map<std::string, std::map<std::string, std::size_t>> ids;
        for (const auto& message : messages)
            ++ids[message.header("X-Warroom-Incident") + "/" + message.header("X-Warroom-Draft")][message.message_id];
        const auto approved = drafts_for("board");
        figures.email_texts = approved.size();
        std::set<std::string> expected;
        for (const OutsideDraft* draft : approved) {
            const std::string id = draft->incident + "/" + draft->draft;
            expected.insert(id);
            const auto found = ids.find(id);
            if (found == ids.end()) {
                ++figures.email_lost;
                continue;
            }
            figures.email_other_ids += found->second.size() - 1;
            for (const auto& [message_id, times] : found->second) figures.email_duplicates += times - 1;
        }
        for (const auto& [id, by_message_id] : ids)
            if (!expected.contains(id)) figures.email_other_ids += by_message_id.size();
    }

    void count_pages(OutsideFigures& figures) const {
        std::set<std::pair<std::string, std::string>> expected;   // (routing key, dedup key)
        for (const auto& [incident, pagers] : pages_) {
            for (const std::string& pager : pagers) {
                ++figures.paged;
                const std::string dedup = "warroom." + incident;
                expected.insert({routing_key(pager), dedup});
                const auto alert = pagerduty_.alert(routing_key(pager), dedup);
                if (!alert || alert->opened == 0) {
                    ++figures.pages_lost;
                    continue;
                }
                if (alert->opened > 1) figures.pages_reopened += static_cast<std::size_t>(alert->opened - 1);
                // Open while the incident is, closed once it is resolved.
                if (alert->triggered == resolved_.contains(incident)) ++figures.pages_wrong_state;
            }
        }
        for (const auto& alert : pagerduty_.alerts()) {
            ++figures.alerts;
            figures.triggers += static_cast<std::size_t>(alert.triggers);
            figures.resolves += static_cast<std::size_t>(alert.resolves);
            if (!expected.contains({alert.routing_key, alert.dedup_key})) ++figures.pages_unexpected;
        }
    }

    const std::string webhook_secret_, statuspage_key_, smtp_password_, security_key_, legal_key_;
    outside_sim::WebhookReceiver webhook_;
    outside_sim::StatuspageSimulator statuspage_;
    outside_sim::PagerDutySimulator pagerduty_;
    outside_sim::SmtpSimulator smtp_;
    std::filesystem::path bundle_;
    bool smtp_slow_ = false;
    OutsideFigures figures_;
    std::vector<OutsideDraft> drafts_;
    std::map<std::string, std::set<std::string>> pages_;   // incident -> pagers paged
    std::set<std::string> resolved_;                        // incidents resolved
};

// The lines a run prints about the outside destinations.
inline void print_outside(std::ostream& out, const std::string& run, const OutsideFigures& f) {
    out << run << ": webhook: " << f.webhook_texts << " texts, " << f.webhook_delivered << " delivered, "
        << f.webhook_lost << " lost, " << f.webhook_duplicated << " duplicated (" << f.webhook_same_key
        << " repeats under the same Idempotency-Key, which a receiver drops; " << f.webhook_refused
        << " signatures refused)\n";
    out << run << ": status page: " << f.statuspage_texts << " texts, " << f.statuspage_written << " written once, "
        << f.statuspage_lost << " lost, " << f.statuspage_duplicated << " duplicated; " << f.statuspage_incidents
        << " status page incidents (" << f.statuspage_extra_incidents << " more than one per warroom incident), "
        << f.statuspage_resolved << " resolved, " << f.statuspage_wrongly_resolved << " not as warroom's\n";
    out << run << ": e-mail: " << f.email_sent << " sent, " << f.email_duplicates
        << " duplicates (SMTP cannot promise fewer); " << f.email_texts << " texts, " << f.email_lost << " lost, "
        << f.email_other_ids << " under a second Message-ID\n";
    out << run << ": pages: " << f.paged << " paged, " << f.alerts << " alerts (" << f.triggers << " triggers, "
        << f.resolves << " resolves), " << f.pages_lost << " lost, " << f.pages_reopened << " opened twice, "
        << f.pages_wrong_state << " open/closed against the incident, " << f.pages_unexpected << " unexpected\n";
    out << run << ": outside answers held " << f.answers_held << ", kills while one was held "
        << f.kills_mid_delivery << std::endl;
}

}  // namespace warroom::test
