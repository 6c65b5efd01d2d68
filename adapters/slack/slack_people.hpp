#pragma once
// Who among the people an event involves is a guest or from outside the
// organisation: Slack guests (users.info is_restricted or
// is_ultra_restricted) and Slack Connect users (a team_id other than the
// bot's own, from auth.test). They may take part but cannot declare, lead or
// approve; the engine is told through Event::outsiders.
//
// users.info is asked once per user and the answer kept, in memory and in
// storage's platform_refs, for kPersonAnswerLifetime: an event from someone
// known costs no call, so the 3-second ack is kept. If Slack cannot answer,
// the last answer is used even when older; someone never seen is then
// treated as a member (logged), since the bot could not act on Slack anyway.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/net/stored_refs.hpp"
#include "adapters/slack/web_api.hpp"
#include "bot/clock.hpp"
#include "bot/event.hpp"

namespace warroom::slack {

inline constexpr Duration kPersonAnswerLifetime = std::chrono::hours(1);

class SlackPeople : private net::StoredRefs {
public:
    SlackPeople(PlatformRecords& records, WebApi& api, const Clock& clock) : StoredRefs(records), api_(api), clock_(clock) {}

    // The bot's own team (auth.test team_id): users of any other team are outsiders.
    void set_home_team(std::string team_id) { home_team_ = std::move(team_id); }

    // The people an event involves: its author and everyone its command mentions (@U123).
    static std::vector<UserId> involved(const Event& event);
    // Asks users.info about those of `users` not known, or known too long ago.
    boost::asio::awaitable<void> learn(const std::vector<UserId>& users);
    // Those of `users` known to be guests or from another team.
    std::vector<UserId> outsiders_among(const std::vector<UserId>& users);

private:
    struct Answer {
        bool outsider = false;
        Time at{};
    };
    std::optional<Answer> known(const UserId& user);
    void remember(const UserId& user, Answer answer);

    WebApi& api_;
    const Clock& clock_;
    std::string home_team_;
    std::map<UserId, Answer> answers_;
};

}  // namespace warroom::slack
