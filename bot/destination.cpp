#include "bot/destination.hpp"

#include "bot/overloaded.hpp"

namespace warroom {
const char* kind_name(const OutsideDestination& destination) {
    return std::visit(Overloaded{[](const WebhookDestination&) { return "webhook"; },
                           [](const StatuspageDestination&) { return "statuspage"; },
                           [](const EmailDestination&) { return "email"; }},
                      destination);
}

std::string host_of(const std::string& url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return url;
    std::string rest = url.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);   // no credentials
    return rest;
}

std::string describe(const OutsideDestination& destination) {
    return std::visit(
        Overloaded{[](const WebhookDestination& webhook) { return "webhook at " + host_of(webhook.url); },
             [](const StatuspageDestination& page) {
                 return "status page '" + (page.page_name.empty() ? page.page_id : page.page_name) + "'";
             },
             [](const EmailDestination& email) {
                 return "e-mail to " + (email.to.size() == 1 ? email.to.front()
                                                             : std::to_string(email.to.size()) + " recipients");
             }},
        destination);
}

std::vector<std::string> secret_variables(const OutsideDestination& destination) {
    return std::visit(Overloaded{[](const WebhookDestination& webhook) { return std::vector{webhook.secret_env}; },
                           [](const StatuspageDestination& page) { return std::vector{page.api_key_env}; },
                           [](const EmailDestination& email) {
                               return email.password_env.empty() ? std::vector<std::string>{}
                                                                 : std::vector{email.password_env};
                           }},
                      destination);
}

}  // namespace warroom
