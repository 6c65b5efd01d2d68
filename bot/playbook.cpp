#include "bot/playbook.hpp"

#include "bot/channel_pin.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "bot/interval.hpp"
#include "bot/json_check.hpp"
#include "bot/scenario.hpp"
#include "bot/secrets.hpp"
#include "bot/text.hpp"

namespace warroom {
namespace {

using Json = OrderedJson;

// Group and workstream names: workstreams become channel names (bot/limits.hpp).
constexpr std::size_t kMaxSlugLength = kMaxWorkstreamNameLength;

bool is_slug(std::string_view name) {
    if (name.empty() || name.size() > kMaxSlugLength) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool is_channel_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxChannelNameLength) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

bool has_whitespace(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; });
}

// Walks the parsed document, collecting every problem and building the
// playbook as it goes; the playbook is only handed out if nothing was wrong.
class PlaybookChecker : JsonChecker {
public:
    explicit PlaybookChecker(std::vector<PlaybookProblem>& problems) : JsonChecker(problems) {}

    std::optional<Playbook> check(const Json& root) {
        if (!root.is_object()) {
            problem("", "the playbook must be a JSON object ({ \"name\": ..., \"executives\": ..., ... }), not " +
                            describe_type(root));
            return std::nullopt;
        }
        // References are checked against the names the file defines, wherever
        // they appear; when a section is malformed its names are unknown and
        // those checks are skipped rather than piling up follow-on errors.
        defined_groups_ = defined_names(root, "groups", true);
        defined_audiences_ = defined_names(root, "audiences", false);
        defined_pagers_ = defined_names(root, "pagers", false);

        for (const auto& [key, value] : root.items()) {
            const std::string path = child("", key);
            if (key == "name") check_name(path, value);
            else if (key == "admins") playbook_.admins = check_users(path, value, "admins", false);
            else if (key == "executives") check_executives(path, value);
            else if (key == "groups") check_groups(path, value);
            else if (key == "audiences") check_audiences(path, value);
            else if (key == "severities") check_severities(path, value);
            else if (key == "allow_mass_mentions") check_allow_mass_mentions(path, value);
            else if (key == "timing") check_timing(path, value);
            else if (key == "limits") check_limits(path, value);
            else if (key == "scenarios") check_scenario_files(path, value);
            else if (key == "matrix") check_matrix(path, value);
            else if (key == "pagers") check_pagers(path, value);
            else unknown_key(path, key, kTopLevelKeys);
        }
        // Executives read summaries and answer escalations in their channel.
        if (const Audience* exec = playbook_.audience(playbook_.executive_audience); exec && !exec->is_chat())
            problem("/executives/audience", in_quotes(playbook_.executive_audience) +
                                                " is a " + kind_name(*exec->outside) +
                                                " audience; executives need a chat audience, where summaries are "
                                                "posted and escalations answered");
        require(root, "", "name", "\"name\": \"Example Corp security incident response\"");
        require(root, "", "executives", "\"executives\": {\"members\": [\"erin\"], \"audience\": \"exec\"}");
        require(root, "", "audiences", "\"audiences\": {\"exec\": {\"channel\": \"exec-briefing\"}}");
        require(root, "", "severities", "\"severities\": {\"sev1\": {...}, \"sev2\": {...}, \"sev3\": {...}, \"sev4\": {...}}");

        if (!problems_.empty()) return std::nullopt;
        return playbook_;
    }

private:
    static inline const std::vector<std::string> kTopLevelKeys = {
        "name", "admins", "executives", "groups", "audiences", "severities", "allow_mass_mentions", "timing",
        "limits", "scenarios", "matrix", "pagers"};
    static inline const std::vector<std::string> kLimitsKeys = {"declare", "refused"};
    static inline const std::vector<std::string> kLimitKeys = {"burst", "refill"};
    static inline const std::vector<std::string> kMatrixKeys = {"servers"};
    static inline const std::vector<std::string> kExecutiveKeys = {"members", "audience"};
    static inline const std::vector<std::string> kAudienceKeys = {"kind", "channel", "description", "approvers"};
    static inline const std::vector<std::string> kWebhookKeys = {"url", "secret_env"};
    static inline const std::vector<std::string> kStatuspageKeys = {"page_id", "page_name", "api_key_env", "api_url"};
    static inline const std::vector<std::string> kEmailKeys = {"smtp", "from", "to", "username", "password_env"};
    static inline const std::vector<std::string> kPagerKeys = {"kind", "description", "routing_key_env", "events_url"};
    static inline const std::vector<std::string> kSeverityKeys = {"description", "stakeholders", "workstreams",
                                                                  "cadence", "page"};
    static inline const std::vector<std::string> kCadenceKeys = {"all_hands_sync", "workstream_sync", "summary"};
    static inline const std::vector<std::string> kTimingKeys = {"sync_reminder_before", "summary_reminder_after",
                                                                "escalation_deadline", "delivery_retry_for"};

    // Slugs name groups and workstreams; they become parts of channel names
    // and are typed in commands, so they are kept plain.
    bool check_slug(const std::string& path, const std::string& name, std::string_view what) {
        if (is_slug(name)) return true;
        std::string message = in_quotes(name) + " is not a valid " + std::string(what) +
                              " name: use lowercase letters, digits and '-' (at most " +
                              std::to_string(kMaxSlugLength) + " characters)";
        if (const std::string suggestion = slugify(name, kMaxSlugLength); !suggestion.empty() && suggestion != name)
            message += ", e.g. " + in_quotes(suggestion);
        problem(path, message);
        return false;
    }

    std::optional<UserId> check_user(const std::string& path, const Json& value) {
        const auto name = expect_string(path, value, "a user name such as \"alice\"");
        if (!name) return std::nullopt;
        if (trim(*name).empty()) {
            problem(path, "a user name cannot be empty: write one such as \"alice\", or remove the entry");
            return std::nullopt;
        }
        // A Matrix id keeps its '@' ("@erin:example.org"), as commands write it;
        // any other leading '@' is a mention typed out of habit.
        const bool matrix_id = name->front() == '@' && name->find(':') != std::string::npos;
        if (name->front() == '@' && !matrix_id) {
            problem(path, in_quotes(*name) + " starts with '@': write the plain user name " + in_quotes(name->substr(1)) +
                              " (or, on Matrix, the full id such as \"@" + name->substr(1) + ":example.org\")");
            return std::nullopt;
        }
        if (has_whitespace(*name)) {
            problem(path, in_quotes(*name) + " contains whitespace: a user name is one word, such as \"alice\"");
            return std::nullopt;
        }
        return UserId{*name};
    }

    std::vector<UserId> check_users(const std::string& path, const Json& value, std::string_view what,
                                    bool must_be_non_empty) {
        std::vector<UserId> users;
        if (!value.is_array()) {
            problem(path, "must be an array of user names, not " + describe_type(value) + ": write [\"alice\", \"bob\"]");
            return users;
        }
        if (must_be_non_empty && value.empty())
            problem(path, std::string(what) + " must list at least one user, e.g. [\"erin\"]");
        std::map<std::string, std::size_t> first_index;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string element_path = child(path, i);
            auto user = check_user(element_path, value[i]);
            if (!user || duplicate(element_path, path, user->value(), i, first_index)) continue;
            users.push_back(std::move(*user));
        }
        return users;
    }

    // Reports a repeated list entry, pointing at the first one. first_index
    // maps each name seen so far in the list to where it first appeared.
    bool duplicate(const std::string& element_path, const std::string& list_path, const std::string& name,
                   std::size_t index, std::map<std::string, std::size_t>& first_index) {
        const auto [first, inserted] = first_index.emplace(name, index);
        if (inserted) return false;
        problem(element_path, in_quotes(name) + " is listed twice (first at " + child(list_path, first->second) +
                                  "): remove this one");
        return true;
    }

    static std::optional<std::set<std::string>> defined_names(const Json& root, const char* key, bool optional) {
        if (!root.contains(key)) return optional ? std::optional<std::set<std::string>>(std::set<std::string>{})
                                                 : std::nullopt;
        const Json& section = root.at(key);
        if (!section.is_object()) return std::nullopt;
        std::set<std::string> names;
        for (const auto& [name, value] : section.items()) names.insert(name);
        return names;
    }

    // A reference to a group or audience the file does not define.
    bool check_reference(const std::string& path, const std::string& name,
                         const std::optional<std::set<std::string>>& defined, std::string_view what,
                         std::string_view section) {
        if (!defined || defined->contains(name)) return true;
        std::vector<std::string> names(defined->begin(), defined->end());
        if (names.empty())
            problem(path, in_quotes(name) + " is not a defined " + std::string(what) + ": there are no " +
                              std::string(section) + " yet; define it under " + in_quotes(section));
        else
            problem(path, in_quotes(name) + " is not a defined " + std::string(what) + ": use one of " + join(names) +
                              ", or define it under " + in_quotes(section));
        return false;
    }

    void check_name(const std::string& path, const Json& value) {
        const auto name = expect_string(path, value, "\"Example Corp security incident response\"");
        if (!name) return;
        if (trim(*name).empty()) problem(path, "the playbook name is empty: write the organisation's plan name");
        else playbook_.name = trim(*name);
    }

    void check_executives(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"members\": [\"erin\"], \"audience\": \"exec\"}")) return;
        for (const auto& [key, field] : value.items()) {
            const std::string field_path = child(path, key);
            if (key == "members") {
                playbook_.executives = check_users(field_path, field, "executives", true);
            } else if (key == "audience") {
                const auto audience = expect_string(field_path, field, "the name of an audience, such as \"exec\"");
                if (audience && check_reference(field_path, *audience, defined_audiences_, "audience", "audiences"))
                    playbook_.executive_audience = *audience;
            } else {
                unknown_key(field_path, key, kExecutiveKeys);
            }
        }
        require(value, path, "members", "\"members\": [\"erin\"]");
        require(value, path, "audience", "\"audience\": \"exec\"");
    }

    void check_groups(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"legal\": [\"lena\"], \"pr\": [\"pat\"]}")) return;
        for (const auto& [name, members] : value.items()) {
            const std::string group_path = child(path, name);
            const bool valid_name = check_slug(group_path, name, "group");
            if (members.is_array() && members.empty()) {
                problem(group_path, "group " + in_quotes(name) + " has no members: list at least one user, or remove it");
                continue;
            }
            auto users = check_users(group_path, members, "a group", false);
            if (valid_name) playbook_.groups[name] = std::move(users);
        }
    }

    void check_audiences(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"exec\": {\"channel\": \"exec-briefing\"}}")) return;
        if (value.empty()) problem(path, "define at least one audience, e.g. {\"exec\": {\"channel\": \"exec-briefing\"}}");
        for (const auto& [name, fields] : value.items()) {
            const std::string audience_path = child(path, name);
            const bool valid_name = check_slug(audience_path, name, "audience");
            if (fields.is_string()) {
                // The likeliest slip: the channel written directly as the value.
                problem(audience_path, "must be an object, not a string: write {\"channel\": " +
                                           in_quotes(fields.get<std::string>()) + "}");
                continue;
            }
            if (!expect_object(audience_path, fields, "{\"channel\": \"exec-briefing\", \"description\": \"...\"}"))
                continue;
            Audience audience{name, ChannelName{}, "", "", std::nullopt};   // the fields are read below
            std::string kind = "chat";
            if (const auto found = fields.find("kind"); found != fields.end()) {
                if (auto text = expect_string(child(audience_path, "kind"), *found,
                                              "\"chat\", \"webhook\", \"statuspage\" or \"email\""))
                    kind = *text;
            }
            const std::vector<std::string>* kind_keys = nullptr;
            if (kind == "webhook") kind_keys = &kWebhookKeys;
            else if (kind == "statuspage") kind_keys = &kStatuspageKeys;
            else if (kind == "email") kind_keys = &kEmailKeys;
            else if (kind != "chat") {
                problem(child(audience_path, "kind"), in_quotes(kind) + " is not a kind of audience: use \"chat\" "
                                                      "(the default), \"webhook\", \"statuspage\" or \"email\"");
                continue;
            }
            std::vector<std::string> allowed = kAudienceKeys;
            if (kind_keys) allowed.insert(allowed.end(), kind_keys->begin(), kind_keys->end());
            for (const auto& [key, field] : fields.items()) {
                const std::string field_path = child(audience_path, key);
                if (key == "kind") {
                    continue;
                } else if (key == "channel" && kind == "chat") {
                    if (auto channel = check_channel(field_path, field)) audience.channel = std::move(*channel);
                } else if (key == "description") {
                    if (auto text = expect_string(field_path, field, "\"who reads this audience's channel\""))
                        audience.description = *text;
                } else if (key == "approvers") {
                    const auto group = expect_string(field_path, field, "the name of a group, such as \"pr\"");
                    if (group && check_reference(field_path, *group, defined_groups_, "group", "groups"))
                        audience.approvers = *group;
                } else if (!kind_keys || std::find(kind_keys->begin(), kind_keys->end(), key) == kind_keys->end()) {
                    unknown_key(field_path, key, allowed);
                }
            }
            if (kind == "chat")
                require(fields, audience_path, "channel", "\"channel\": \"" + slugify(name, kMaxSlugLength) + "\"");
            else if (kind == "webhook") audience.outside = check_webhook(audience_path, fields);
            else if (kind == "statuspage") audience.outside = check_statuspage(audience_path, fields);
            else audience.outside = check_email(audience_path, fields);
            if (valid_name) playbook_.audiences[name] = std::move(audience);
        }
    }

    // A string field that must be there and not be empty.
    std::string required_text(const std::string& path, const Json& fields, std::string_view key,
                              std::string_view example) {
        const auto found = fields.find(std::string(key));
        if (found == fields.end()) {
            require(fields, path, key, example);
            return {};
        }
        const auto text = expect_string(child(path, key), *found, example);
        if (text && trim(*text).empty()) problem(child(path, key), "cannot be empty: write " + std::string(example));
        return text ? *text : std::string();
    }

    std::string optional_text(const std::string& path, const Json& fields, std::string_view key,
                              std::string_view example) {
        const auto found = fields.find(std::string(key));
        if (found == fields.end()) return {};
        return expect_string(child(path, key), *found, example).value_or("");
    }

    // The name of an environment variable: what a secret field holds, never the secret.
    std::string check_variable(const std::string& path, const Json& fields, std::string_view key,
                               std::string_view example) {
        std::string name = required_text(path, fields, key, example);
        const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        });
        if (!name.empty() && !plain) {
            // Someone pasted the secret itself: say so without repeating it.
            problem(child(path, key), "must name an environment variable (capitals, digits and '_', such as " +
                                          std::string(example) + "), which holds the secret; never write the "
                                          "secret itself in the playbook");
            return {};
        }
        return name;
    }

    // https://, or http:// for a loopback host (tests, a local relay).
    void check_https(const std::string& path, const std::string& url, std::string_view what) {
        if (url.empty()) return;
        const std::string host = host_of(url);
        const bool loopback = host.rfind("127.", 0) == 0 || host.rfind("localhost", 0) == 0 || host.rfind("[::1]", 0) == 0;
        if (url.rfind("https://", 0) == 0 && host.size() > 0) return;
        if (url.rfind("http://", 0) == 0 && loopback) return;
        problem(path, in_quotes(url) + " is not an https:// URL; " + std::string(what) +
                          " is reached over HTTPS only (http:// is allowed for loopback hosts)");
    }

    OutsideDestination check_webhook(const std::string& path, const Json& fields) {
        WebhookDestination webhook;
        webhook.url = required_text(path, fields, "url", "\"https://hooks.example.com/warroom\"");
        check_https(child(path, "url"), webhook.url, "a webhook");
        webhook.secret_env = check_variable(path, fields, "secret_env", "\"WARROOM_TICKETING_SECRET\"");
        return webhook;
    }

    OutsideDestination check_statuspage(const std::string& path, const Json& fields) {
        StatuspageDestination page;
        page.page_id = required_text(path, fields, "page_id", "\"kctbh9vrtdwd\"");
        page.page_name = optional_text(path, fields, "page_name", "\"Acme Status\"");
        page.api_key_env = check_variable(path, fields, "api_key_env", "\"STATUSPAGE_API_KEY\"");
        if (fields.contains("api_url")) page.api_url = optional_text(path, fields, "api_url", "\"https://api.statuspage.io/v1\"");
        check_https(child(path, "api_url"), page.api_url, "Statuspage's API");
        return page;
    }

    OutsideDestination check_email(const std::string& path, const Json& fields) {
        EmailDestination email;
        email.smtp_url = required_text(path, fields, "smtp", "\"smtp://mail.example.com:587\"");
        if (!email.smtp_url.empty() && email.smtp_url.rfind("smtp://", 0) != 0 && email.smtp_url.rfind("smtps://", 0) != 0)
            problem(child(path, "smtp"), in_quotes(email.smtp_url) + " is not an SMTP server: write "
                                         "\"smtp://HOST:587\" (STARTTLS) or \"smtps://HOST:465\" (TLS)");
        email.from = required_text(path, fields, "from", "\"warroom@example.com\"");
        if (!email.from.empty() && email.from.find('@') == std::string::npos)
            problem(child(path, "from"), in_quotes(email.from) + " is not an e-mail address");
        if (const auto to = fields.find("to"); to == fields.end()) {
            require(fields, path, "to", "\"to\": [\"board@example.com\"]");
        } else if (!to->is_array() || to->empty()) {
            problem(child(path, "to"), "must be a list of at least one e-mail address: [\"board@example.com\"]");
        } else {
            for (std::size_t i = 0; i < to->size(); ++i) {
                const auto address = expect_string(child(child(path, "to"), i), (*to)[i], "\"board@example.com\"");
                if (!address) continue;
                if (address->find('@') == std::string::npos || has_whitespace(*address) ||
                    address->find_first_of("<>,;") != std::string::npos)
                    problem(child(child(path, "to"), i), in_quotes(*address) + " is not one e-mail address");
                else
                    email.to.push_back(*address);
            }
        }
        email.username = optional_text(path, fields, "username", "\"warroom\"");
        if (!email.username.empty()) email.password_env = check_variable(path, fields, "password_env", "\"SMTP_PASSWORD\"");
        else if (fields.contains("password_env"))
            problem(child(path, "password_env"), "a password needs a \"username\" to go with it");
        return email;
    }

    void check_pagers(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"security-oncall\": {\"kind\": \"pagerduty\", \"routing_key_env\": "
                                        "\"PAGERDUTY_SECURITY_KEY\"}}"))
            return;
        for (const auto& [name, fields] : value.items()) {
            const std::string pager_path = child(path, name);
            const bool valid_name = check_slug(pager_path, name, "pager");
            if (!expect_object(pager_path, fields, "{\"kind\": \"pagerduty\", \"routing_key_env\": \"PAGERDUTY_KEY\"}"))
                continue;
            PagerService pager;
            pager.name = name;
            for (const auto& [key, field] : fields.items()) {
                const std::string field_path = child(pager_path, key);
                if (key == "kind") {
                    const auto kind = expect_string(field_path, field, "\"pagerduty\"");
                    if (kind && *kind != "pagerduty")
                        problem(field_path, in_quotes(*kind) + " is not a kind of pager warroom knows: use \"pagerduty\"");
                } else if (key == "description") {
                    pager.description = expect_string(field_path, field, "\"the security on-call\"").value_or("");
                } else if (key != "routing_key_env" && key != "events_url") {
                    unknown_key(field_path, key, kPagerKeys);
                }
            }
            pager.routing_key_env = check_variable(pager_path, fields, "routing_key_env", "\"PAGERDUTY_SECURITY_KEY\"");
            if (fields.contains("events_url"))
                pager.events_url = optional_text(pager_path, fields, "events_url", "\"https://events.pagerduty.com\"");
            check_https(child(pager_path, "events_url"), pager.events_url, "PagerDuty's Events API");
            if (valid_name) playbook_.pagers[name] = std::move(pager);
        }
    }

    std::optional<ChannelName> check_channel(const std::string& path, const Json& value) {
        const auto name = expect_string(path, value, "a channel name such as \"exec-briefing\"");
        if (!name) return std::nullopt;
        // Pinned by what the platform cannot give to someone else (bot/channel_pin.hpp).
        if (is_slack_channel_id(*name) || is_matrix_room_id(*name) || is_matrix_alias(*name)) return ChannelName{*name};
        if (!name->empty() && name->front() == '#') {
            problem(path, in_quotes(*name) + " starts with '#': write the channel name without it, " +
                              in_quotes(name->substr(1)) + " (a Matrix alias has its server: \"" + *name +
                              ":example.org\")");
            return std::nullopt;
        }
        if (!is_channel_name(*name)) {
            std::string message = in_quotes(*name) + " is not a valid channel name: use lowercase letters, digits, "
                                                  "'-' and '_' (at most " +
                                  std::to_string(kMaxChannelNameLength) + " characters)";
            if (const std::string suggestion = slugify(*name, kMaxChannelNameLength);
                !suggestion.empty() && suggestion != *name)
                message += ", e.g. " + in_quotes(suggestion);
            problem(path, message + "; or pin it: on Slack by the channel's ID (\"C0123ABCD\"), on Matrix by the "
                                    "room id (\"!abc123:example.org\") or an alias on warroom's server");
            return std::nullopt;
        }
        return ChannelName{*name};
    }

    void check_severities(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"sev1\": {...}, \"sev2\": {...}, \"sev3\": {...}, \"sev4\": {...}}"))
            return;
        std::set<Severity> present;  // also counts miscased keys, already reported, so they are not "missing" too
        for (const auto& [key, fields] : value.items()) {
            const std::string severity_path = child(path, key);
            const auto severity = parse_severity(key);
            if (severity) present.insert(*severity);
            if (!severity) {
                problem(severity_path, in_quotes(key) + " is not a severity: use sev1, sev2, sev3 and sev4 "
                                                     "(sev1 is the most severe)");
                continue;
            }
            if (key != to_string(*severity)) {
                problem(severity_path, in_quotes(key) + " must be written in lowercase: " + in_quotes(to_string(*severity)));
                continue;
            }
            check_severity(severity_path, *severity, fields);
        }
        for (Severity severity : {Severity::sev1, Severity::sev2, Severity::sev3, Severity::sev4})
            if (!present.contains(severity))
                require(value, path, to_string(severity),
                    in_quotes(to_string(severity)) +
                        ": {\"description\": \"...\", \"stakeholders\": [...], \"workstreams\": [...]}");
    }

    void check_severity(const std::string& path, Severity severity, const Json& fields) {
        if (!expect_object(path, fields, "{\"description\": \"...\", \"stakeholders\": [\"legal\"], "
                                         "\"workstreams\": [\"engineering\"]}"))
            return;
        SeverityPolicy policy{severity, "", {}, {}, {}, {}};
        for (const auto& [key, field] : fields.items()) {
            const std::string field_path = child(path, key);
            if (key == "description") {
                if (auto text = expect_string(field_path, field, "\"what makes an incident " + to_string(severity) + "\""))
                    policy.description = *text;
            } else if (key == "stakeholders") {
                policy.stakeholder_groups = check_names(field_path, field, "group", [&](const auto& p, const auto& n) {
                    return check_reference(p, n, defined_groups_, "group", "groups");
                });
            } else if (key == "workstreams") {
                policy.workstreams = check_names(field_path, field, "workstream", [&](const auto& p, const auto& n) {
                    return check_slug(p, n, "workstream");
                });
            } else if (key == "cadence") {
                policy.cadence = check_cadence(field_path, field);
            } else if (key == "page") {
                policy.page = check_names(field_path, field, "pager", [&](const auto& p, const auto& n) {
                    return check_reference(p, n, defined_pagers_, "pager", "pagers");
                });
            } else {
                unknown_key(field_path, key, kSeverityKeys);
            }
        }
        playbook_.severities[severity] = std::move(policy);
    }

    // A list of names, each checked by check_one, without repeats.
    template <class CheckOne>
    std::vector<std::string> check_names(const std::string& path, const Json& value, std::string_view what,
                                         CheckOne check_one) {
        std::vector<std::string> names;
        if (!value.is_array()) {
            problem(path, "must be an array of " + std::string(what) + " names, not " + describe_type(value) +
                              ": write [] or [\"name\", ...]");
            return names;
        }
        std::map<std::string, std::size_t> first_index;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string element_path = child(path, i);
            const auto name = expect_string(element_path, value[i], "a " + std::string(what) + " name in double quotes");
            if (!name || duplicate(element_path, path, *name, i, first_index) || !check_one(element_path, *name))
                continue;
            names.push_back(*name);
        }
        return names;
    }

    Cadence check_cadence(const std::string& path, const Json& value) {
        Cadence cadence;
        if (!expect_object(path, value, "{\"all_hands_sync\": \"1h\", \"workstream_sync\": \"30m\", \"summary\": \"2h\"}"))
            return cadence;
        for (const auto& [key, field] : value.items()) {
            const std::string field_path = child(path, key);
            const Json& interval = field;   // clang 14 cannot capture a structured binding
            auto every = [&] { return expect_interval(field_path, interval, kShortestCadence, kLongestCadence); };
            if (key == "all_hands_sync") cadence.all_hands_sync = every();
            else if (key == "workstream_sync") cadence.workstream_sync = every();
            else if (key == "summary") cadence.summary = every();
            else unknown_key(field_path, key, kCadenceKeys);
        }
        return cadence;
    }

    void check_timing(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"sync_reminder_before\": \"5m\"}")) return;
        using std::chrono::seconds;
        for (const auto& [key, field] : value.items()) {
            const std::string field_path = child(path, key);
            std::optional<Duration> parsed;
            if (key == "sync_reminder_before") {
                if ((parsed = expect_interval(field_path, field, seconds(10), std::chrono::hours(2))))
                    playbook_.timing.sync_reminder_before = *parsed;
            } else if (key == "summary_reminder_after") {
                if ((parsed = expect_interval(field_path, field, seconds(30), kLongestCadence)))
                    playbook_.timing.summary_reminder_after = *parsed;
            } else if (key == "escalation_deadline") {
                if ((parsed = expect_interval(field_path, field, seconds(30), kLongestCadence)))
                    playbook_.timing.escalation_deadline = *parsed;
            } else if (key == "delivery_retry_for") {
                if ((parsed = expect_interval(field_path, field, seconds(10), std::chrono::hours(24))))
                    playbook_.timing.delivery_retry_for = *parsed;
            } else {
                unknown_key(field_path, key, kTimingKeys);
            }
        }
    }

    void check_limits(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"declare\": {\"burst\": 5, \"refill\": \"10m\"}}")) return;
        for (const auto& [key, field] : value.items()) {
            const std::string field_path = child(path, key);
            if (key == "declare") check_limit(field_path, field, playbook_.limits.declare);
            else if (key == "refused") check_limit(field_path, field, playbook_.limits.refused);
            else unknown_key(field_path, key, kLimitsKeys);
        }
    }

    void check_limit(const std::string& path, const Json& value, UserLimit& limit) {
        if (!expect_object(path, value, "{\"burst\": 5, \"refill\": \"10m\"}")) return;
        for (const auto& [key, field] : value.items()) {
            const std::string field_path = child(path, key);
            if (key == "burst") {
                constexpr int kMostAtOnce = 1000;
                if (field.is_number_integer() && field.get<std::int64_t>() >= 1 &&
                    field.get<std::int64_t>() <= kMostAtOnce)
                    limit.burst = field.get<int>();
                else
                    problem(field_path, "must be a whole number from 1 to " + std::to_string(kMostAtOnce) +
                                            " (how many at once), not " + field.dump());
            } else if (key == "refill") {
                if (auto every = expect_interval(field_path, field, std::chrono::seconds(1), std::chrono::days(1)))
                    limit.refill = *every;
            } else {
                unknown_key(field_path, key, kLimitKeys);
            }
        }
    }

    void check_allow_mass_mentions(const std::string& path, const Json& value) {
        if (value.is_boolean()) {
            playbook_.allow_mass_mentions = value.get<bool>();
            return;
        }
        problem(path, "must be true or false (without quotes), not " + describe_type(value));
    }

    // Names are typed in `/incident exercise NAME`; the files themselves are
    // read by load_playbook_file, which knows the playbook's folder.
    void check_scenario_files(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"build-dependency\": \"scenarios/compromised-build-dependency.json\"}"))
            return;
        for (const auto& [name, file] : value.items()) {
            const std::string scenario_path = child(path, name);
            bool valid_name = check_slug(scenario_path, name, "scenario");
            if (name == "end") {
                problem(scenario_path, "\"end\" cannot name a scenario: /incident exercise end ends the running "
                                       "exercise; call it e.g. \"end-of-quarter\"");
                valid_name = false;
            }
            const auto text = expect_string(scenario_path, file, "the scenario's file, e.g. \"scenarios/" +
                                                                     slugify(name, kMaxSlugLength) + ".json\"");
            if (!text) continue;
            if (trim(*text).empty()) {
                problem(scenario_path, "the file name is empty: write the scenario's file relative to the "
                                       "playbook's folder, e.g. \"scenarios/" + slugify(name, kMaxSlugLength) +
                                       ".json\"");
                continue;
            }
            if (valid_name) playbook_.scenarios[name] = ScenarioFile{*text, ""};
        }
    }

    // "matrix": {"servers": ["example.org"]}: server names as they end a
    // Matrix id, without the '@' or ':' of the id.
    void check_matrix(const std::string& path, const Json& value) {
        if (!expect_object(path, value, "{\"servers\": [\"example.org\"]}")) return;
        for (const auto& [key, field] : value.items()) {
            const std::string field_path = child(path, key);
            if (key != "servers") {
                unknown_key(field_path, key, kMatrixKeys);
                continue;
            }
            if (!field.is_array()) {
                problem(field_path, "must be an array of server names, not " + describe_type(field) +
                                        ": write [\"example.org\"]");
                continue;
            }
            if (field.empty())
                problem(field_path, "list at least one server, e.g. [\"example.org\"], or remove \"matrix\" so that "
                                    "no Matrix user counts as an outsider");
            std::map<std::string, std::size_t> first_index;
            for (std::size_t i = 0; i < field.size(); ++i) {
                const std::string element_path = child(field_path, i);
                const auto server = expect_string(element_path, field[i], "a server name such as \"example.org\"");
                if (!server) continue;
                if (server->empty() || has_whitespace(*server) || server->find('@') != std::string::npos ||
                    server->front() == ':') {
                    problem(element_path, in_quotes(*server) + " is not a server name: write the part after the ':' "
                                          "of a Matrix id, such as \"example.org\" for @alice:example.org");
                    continue;
                }
                if (duplicate(element_path, field_path, *server, i, first_index)) continue;
                playbook_.matrix_servers.push_back(*server);
            }
        }
        require(value, path, "servers", "\"servers\": [\"example.org\"]");
    }

    Playbook playbook_;
    std::optional<std::set<std::string>> defined_groups_;
    std::optional<std::set<std::string>> defined_audiences_;
    std::optional<std::set<std::string>> defined_pagers_;
};

}  // namespace

bool Playbook::is_admin(const UserId& user) const {
    return std::find(admins.begin(), admins.end(), user) != admins.end();
}

bool Playbook::is_executive(const UserId& user) const {
    return std::find(executives.begin(), executives.end(), user) != executives.end();
}

std::vector<UserId> Playbook::people() const {
    std::vector<UserId> people;
    const auto add = [&](const std::vector<UserId>& some) {
        for (const UserId& person : some)
            if (std::find(people.begin(), people.end(), person) == people.end()) people.push_back(person);
    };
    add(admins);
    add(executives);
    for (const auto& entry : groups) add(entry.second);
    return people;
}

const Audience* Playbook::audience(std::string_view name) const {
    const auto found = audiences.find(std::string(name));
    return found == audiences.end() ? nullptr : &found->second;
}

const std::vector<UserId>* Playbook::group(std::string_view name) const {
    const auto found = groups.find(std::string(name));
    return found == groups.end() ? nullptr : &found->second;
}

const PagerService* Playbook::pager(std::string_view name) const {
    const auto found = pagers.find(std::string(name));
    return found == pagers.end() ? nullptr : &found->second;
}

std::string Playbook::pager_names() const {
    std::string names;
    for (const auto& [name, pager] : pagers) names += (names.empty() ? "" : ", ") + name;
    return names;
}

std::vector<PlaybookProblem> missing_secrets(const Playbook& playbook) {
    std::vector<PlaybookProblem> missing;
    for (const auto& [name, audience] : playbook.audiences) {
        if (!audience.outside) continue;
        for (const std::string& variable : secret_variables(*audience.outside))
            if (const Secret secret = read_secret(variable); !secret.found())
                missing.push_back({"/audiences/" + pointer_token(name), secret.problem});
    }
    for (const auto& [name, pager] : playbook.pagers)
        if (const Secret secret = read_secret(pager.routing_key_env); !secret.found())
            missing.push_back({"/pagers/" + pointer_token(name), secret.problem});
    return missing;
}

const std::vector<UserId>* Playbook::approvers_of(std::string_view name) const {
    const Audience* found = audience(name);
    if (!found || found->approvers.empty()) return nullptr;
    return group(found->approvers);
}

bool Playbook::is_outside_matrix_servers(const UserId& user) const {
    if (matrix_servers.empty()) return false;
    const std::string& id = user.value();
    const auto colon = id.find(':');
    if (id.empty() || id.front() != '@' || colon == std::string::npos) return false;   // not a Matrix id
    const std::string server = id.substr(colon + 1);
    return std::find(matrix_servers.begin(), matrix_servers.end(), server) == matrix_servers.end();
}

const SeverityPolicy& Playbook::policy(Severity severity) const {
    const auto found = severities.find(severity);
    if (found == severities.end())
        throw std::logic_error("playbook has no policy for " + to_string(severity) + ": it was not loaded");
    return found->second;
}

std::string Playbook::audience_names() const {
    std::vector<std::string> names;
    for (const auto& [name, audience] : audiences) names.push_back(name);
    return join(names);  // std::map keeps them sorted
}

PlaybookLoad parse_playbook(std::string_view json_text) {
    PlaybookLoad load;
    const auto root = parse_checked(json_text, "the playbook", load.problems);
    if (!root) return load;
    load.playbook = PlaybookChecker(load.problems).check(*root);
    if (!load.problems.empty()) load.playbook.reset();
    return load;
}

PlaybookLoad load_playbook_file(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return {std::nullopt, {{"", "cannot read " + path + ": " + std::strerror(errno)}}};
    std::string text;
    char buffer[8192];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, count);
    const bool failed = std::ferror(file) != 0;
    const int read_error = errno;  // e.g. EISDIR: fopen succeeds on a directory, reading fails
    std::fclose(file);
    if (failed) return {std::nullopt, {{"", "cannot read " + path + ": " + std::strerror(read_error)}}};
    PlaybookLoad load = parse_playbook(text);
    // Scenario files are checked once the playbook is sound: their expected
    // actions name its audiences.
    if (load.playbook) {
        const std::filesystem::path folder = std::filesystem::path(path).parent_path();
        for (auto& [name, scenario] : load.playbook->scenarios) scenario.path = (folder / scenario.file).string();
        load.problems = check_scenarios(*load.playbook);
        if (!load.problems.empty()) load.playbook.reset();
    }
    return load;
}

Playbook bundled_playbook() {
    PlaybookLoad load = parse_playbook(bundled_playbook_json());
    if (load.playbook) load.problems = check_scenarios(*load.playbook);   // read from the copies built in
    if (!load.problems.empty()) {
        std::string message = "the bundled playbook (examples/playbook.json) is invalid:";
        for (const auto& problem : load.problems) message += "\n  " + problem.path + ": " + problem.message;
        throw std::logic_error(message);
    }
    return std::move(*load.playbook);
}

}  // namespace warroom
