#pragma once
// The playbook: the organisation's plan, written by an admin as JSON
// (SPEC.md §2 "Plan"). examples/playbook.json is the bundled default.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/ids.hpp"
#include "bot/severity.hpp"

namespace warroom {

struct Audience {
    std::string name;                          // "exec"
    ChannelName channel;                       // "exec-briefing"
    std::string description;
};

struct SeverityPolicy {
    Severity severity = Severity::sev4;
    std::string description;
    std::vector<std::string> stakeholder_groups;  // invited at declaration
    std::vector<std::string> workstreams;         // opened at declaration
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

    bool is_admin(const UserId& user) const;
    bool is_executive(const UserId& user) const;
    const Audience* audience(std::string_view name) const;
    const std::vector<UserId>* group(std::string_view name) const;
    const SeverityPolicy& policy(Severity severity) const;
    std::string audience_names() const;        // "customers, employees, exec, press"
};

// One problem found in a playbook, located by its JSON pointer ("/severities/sev1/workstreams/0").
struct PlaybookProblem {
    std::string path;
    std::string message;
};

struct PlaybookLoad {
    std::optional<Playbook> playbook;          // set only when problems is empty
    std::vector<PlaybookProblem> problems;
};

PlaybookLoad parse_playbook(std::string_view json_text);
PlaybookLoad load_playbook_file(const std::string& path);   // a problem at path "" if unreadable
std::string_view bundled_playbook_json();
Playbook bundled_playbook();                   // the bundled one, known to be valid

}  // namespace warroom
