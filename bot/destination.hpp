#pragma once
// Where an audience's approved texts go when it is not a chat channel, and
// the pagers an incident may page: what the playbook says about each. A
// secret is never written in the playbook: the playbook names the
// environment variable that holds it (bot/secrets.hpp reads it).
#include <string>
#include <variant>
#include <vector>

namespace warroom {

// An HTTPS POST of a JSON document, signed with HMAC-SHA256.
struct WebhookDestination {
    std::string url;                   // https:// (http:// on loopback only)
    std::string secret_env;            // the variable holding the signing secret
};

// An Atlassian Statuspage page: one status page incident per warroom
// incident, each later text an update to it, resolved with warroom's.
struct StatuspageDestination {
    std::string page_id;
    std::string page_name;             // as the card names it: "Acme Status"
    std::string api_key_env;
    std::string api_url = "https://api.statuspage.io/v1";
};

// One e-mail per approved text, to a list, through an SMTP server.
struct EmailDestination {
    std::string smtp_url;              // smtp://host[:587] (STARTTLS) or smtps://host[:465]
    std::string from;
    std::vector<std::string> to;
    std::string username;              // empty: the server takes mail without AUTH
    std::string password_env;          // empty when username is
};

using OutsideDestination = std::variant<WebhookDestination, StatuspageDestination, EmailDestination>;

// A PagerDuty service, paged through the Events API v2 with its routing key.
struct PagerService {
    std::string name;                  // as the playbook and `/incident page NAME` write it
    std::string description;
    std::string routing_key_env;
    std::string events_url = "https://events.pagerduty.com";
};

// What kind of destination: "webhook", "statuspage", "email" (the playbook's "kind").
const char* kind_name(const OutsideDestination& destination);

// Where the text goes, in the words a card and the record use:
// "status page 'Acme Status'", "webhook at hooks.example.com", "e-mail to 3 recipients".
std::string describe(const OutsideDestination& destination);

// The environment variables holding the destination's secrets.
std::vector<std::string> secret_variables(const OutsideDestination& destination);

// The host of an http(s):// or smtp(s):// URL, for descriptions ("hooks.example.com"); the URL itself if none.
std::string host_of(const std::string& url);

}  // namespace warroom
