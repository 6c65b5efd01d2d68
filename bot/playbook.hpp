#pragma once
// The playbook: the organisation's plan, written by an admin as JSON.
// examples/playbook.json is the bundled default.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.hpp"
#include "bot/destination.hpp"
#include "bot/ids.hpp"
#include "bot/json_problem.hpp"
#include "bot/severity.hpp"
#include "bot/user_limiter.hpp"

namespace warroom {

struct Audience {
    std::string name;                          // "exec"
    ChannelName channel;                       // "exec-briefing"
    std::string description;
    // A playbook group whose member must approve a draft for this audience as
    // well as the Crisis Lead; empty: the lead's approval suffices.
    std::string approvers;
    // Set when the audience is not a chat channel (then `channel` is empty):
    // a webhook, a status page or an e-mail list ("kind" in the playbook).
    std::optional<OutsideDestination> outside;

    bool is_chat() const { return !outside.has_value(); }
};

// How often things happen for an incident of one severity; unset: not at all
// until someone asks (`/incident sync 30m all`).
struct Cadence {
    std::optional<Duration> all_hands_sync;
    std::optional<Duration> workstream_sync;
    std::optional<Duration> summary;       // an executive summary draft sent to the Crisis Lead
};

// Bounds for every cadence, typed or in the playbook: short enough to test
// in seconds, long enough that nobody schedules a sync for next year.
inline constexpr Duration kShortestCadence = std::chrono::seconds(30);
inline constexpr Duration kLongestCadence = std::chrono::days(7);

struct SeverityPolicy {
    Severity severity = Severity::sev4;
    std::string description;
    std::vector<std::string> stakeholder_groups;  // invited at declaration
    std::vector<std::string> workstreams;         // opened at declaration
    Cadence cadence;                              // started at declaration
    std::vector<std::string> page;                // pagers triggered at declaration (and when raised to it)
};

struct Timing {
    Duration sync_reminder_before = std::chrono::minutes(5);
    Duration summary_reminder_after = std::chrono::minutes(15);   // a summary draft still undecided
    Duration escalation_deadline = std::chrono::minutes(30);      // when `escalate` has no --by
    // How long a delivery to an outside destination (webhook, status page,
    // e-mail, pager) is repeated while the destination is down or busy,
    // before the Crisis Lead is told it failed and may `/incident retry` it.
    Duration delivery_retry_for = std::chrono::minutes(10);
};

// How much one person may do before warroom holds them back
// ("limits": {"declare": {"burst": 5, "refill": "10m"}, ...}): a token bucket
// per user, `burst` at once and one more every `refill`.
struct Limits {
    UserLimit declare{5, std::chrono::minutes(10)};   // incidents declared (admins are not held back)
    UserLimit refused{10, std::chrono::minutes(1)};   // commands refused (each is answered and recorded)
};

// A tabletop scenario the playbook names (`"scenarios": {"NAME": "FILE"}`).
// Only the file is kept: it is read when an exercise starts, so an admin can
// fix it without restarting the bot.
struct ScenarioFile {
    std::string file;                          // as written, relative to the playbook's folder
    std::string path;                          // where to read it; empty: built into the binary (bundled playbook)
};

struct Playbook {
    std::string name;
    std::vector<UserId> admins;
    std::vector<UserId> executives;
    std::string executive_audience;            // the audience executives read: summaries go there
    std::map<std::string, std::vector<UserId>> groups;
    std::map<std::string, Audience> audiences;
    std::map<Severity, SeverityPolicy> severities;   // all four present after a successful load
    bool allow_mass_mentions = false;
    Timing timing;
    Limits limits;
    std::map<std::string, ScenarioFile> scenarios;   // by name, as `/incident exercise NAME` types it
    // The organisation's Matrix homeservers ("matrix": {"servers": [...]}): a
    // Matrix user of any other server is an outsider, who cannot declare, lead
    // or approve. Empty: nobody is an outsider by server.
    std::vector<std::string> matrix_servers;
    // Pagers (`"pagers": {"security-oncall": {...}}`), by name: what a
    // severity's "page" list and `/incident page NAME` name.
    std::map<std::string, PagerService> pagers;

    bool is_admin(const UserId& user) const;
    bool is_executive(const UserId& user) const;
    // Everyone the playbook names (admins, executives, group members), each once, in that order.
    std::vector<UserId> people() const;
    const Audience* audience(std::string_view name) const;
    const std::vector<UserId>* group(std::string_view name) const;
    const SeverityPolicy& policy(Severity severity) const;
    std::string audience_names() const;        // "customers, employees, exec, press"
    // The members of the group that must also approve drafts for `audience`;
    // nullptr when it has none (or no such audience).
    const std::vector<UserId>* approvers_of(std::string_view audience) const;
    const PagerService* pager(std::string_view name) const;
    std::string pager_names() const;           // "legal-oncall, security-oncall"
    // A Matrix id ("@ann:other.org") of a server the playbook does not list,
    // when it lists any. Other platforms' ids are never outsiders by server.
    bool is_outside_matrix_servers(const UserId& user) const;
};

// One problem found in a playbook, located by its JSON pointer ("/severities/sev1/workstreams/0").
using PlaybookProblem = JsonProblem;

struct PlaybookLoad {
    std::optional<Playbook> playbook;          // set only when problems is empty
    std::vector<PlaybookProblem> problems;
};

// Checks the playbook itself; scenario files are only named, not read.
PlaybookLoad parse_playbook(std::string_view json_text);
// Also reads and checks every scenario file it names, relative to its folder.
PlaybookLoad load_playbook_file(const std::string& path);   // a problem at path "" if unreadable
// The secrets the playbook's destinations and pagers need that cannot be read
// (bot/secrets.hpp), each located at the field naming its variable:
// `check-playbook` lists them, the bot warns of them at start, and a delivery
// that needs one fails with the same words.
std::vector<PlaybookProblem> missing_secrets(const Playbook& playbook);
std::string_view bundled_playbook_json();
// A scenario file the bundled playbook names ("scenarios/x.json"), built into the binary.
std::optional<std::string_view> bundled_scenario_json(std::string_view file);
Playbook bundled_playbook();                   // the bundled one, known to be valid

}  // namespace warroom
