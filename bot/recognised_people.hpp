#pragma once
// The people a playbook names (admins, executives, group members) in a form
// the platform can never match: a console name such as "alice" on Matrix,
// where every user is "@alice:example.org", or on Slack, where every user is
// an id such as "U0123ABCD". Nobody named so can declare, lead or approve
// (and on Matrix the bot declines their invitations): the bot says so loudly
// at start instead of quietly ignoring them.
#include <functional>
#include <string>
#include <string_view>

#include "bot/playbook.hpp"

namespace warroom {

struct PlatformIds {
    std::function<bool(const UserId&)> recognisable;   // the platform's own user id grammar
    std::string_view form;                             // "a Matrix user id like @alice:example.org"
    std::string_view also;                             // what else goes wrong: ", and their invitations are declined"
};

// The start-up warning, or "" when everyone the playbook names can be recognised.
std::string unrecognised_people_warning(const Playbook& playbook, const PlatformIds& ids);

}  // namespace warroom
