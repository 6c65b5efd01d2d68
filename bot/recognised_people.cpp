#include "bot/recognised_people.hpp"

#include <algorithm>

namespace warroom {

std::string unrecognised_people_warning(const Playbook& playbook, const PlatformIds& ids) {
    const std::vector<UserId> named = playbook.people();
    std::vector<UserId> unknown;
    std::copy_if(named.begin(), named.end(), std::back_inserter(unknown),
                 [&](const UserId& person) { return !ids.recognisable(person); });
    if (unknown.empty()) return {};
    constexpr std::size_t kNamesShown = 5;
    std::string names;
    for (std::size_t i = 0; i < unknown.size() && i < kNamesShown; ++i) names += (i ? ", " : "") + unknown[i].value();
    if (unknown.size() > kNamesShown) names += ", …";
    const std::string fix = "; correct the playbook (WARROOM_PLAYBOOK) and restart";
    if (unknown.size() == named.size())
        return "nobody the playbook names can be recognised: none of its " + std::to_string(named.size()) +
               " people (" + names + ") is " + std::string(ids.form) + ", so nobody can declare, lead or approve" +
               std::string(ids.also) + fix;
    return std::to_string(unknown.size()) + " of the " + std::to_string(named.size()) +
           " people the playbook names cannot be recognised (" + names + "), not being " + std::string(ids.form) +
           ": they cannot declare, lead or approve" + std::string(ids.also) + fix;
}

}  // namespace warroom
