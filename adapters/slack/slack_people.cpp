#include "adapters/slack/slack_people.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "bot/text.hpp"
#include "commands/args.hpp"

namespace warroom::slack {
namespace {

using nlohmann::json;

constexpr std::string_view kPerson = "slack.outsider";   // user id -> "1 UNIX_MS" (outsider) or "0 UNIX_MS"

}  // namespace

std::vector<UserId> SlackPeople::involved(const Event& event) {
    std::vector<UserId> users{event.user};
    const auto* command = std::get_if<CommandText>(&event.what);
    if (!command) return users;
    std::string error;
    const auto words = Args::split(command->text, &error);
    if (!words) return users;
    for (std::size_t i = 0; i < words->size(); ++i) {
        const std::string& word = (*words)[i].text;
        // The adapter has turned Slack's <@U123|name> into @U123 already.
        if (word.empty() || (word.front() != '@' && word.rfind("<@", 0) != 0)) continue;
        if (auto user = parse_mention(word); user && std::find(users.begin(), users.end(), *user) == users.end())
            users.push_back(*user);
    }
    return users;
}

std::optional<SlackPeople::Answer> SlackPeople::known(const UserId& user) {
    if (auto found = answers_.find(user); found != answers_.end()) return found->second;
    const auto stored = get(kPerson, user.value());
    if (!stored || stored->size() < 3 || (*stored)[1] != ' ') return std::nullopt;
    try {
        Answer answer{(*stored)[0] == '1', from_unix_ms(std::stoll(stored->substr(2)))};
        answers_[user] = answer;
        return answer;
    } catch (const std::exception&) {
        return std::nullopt;   // unreadable: asked again
    }
}

void SlackPeople::remember(const UserId& user, Answer answer) {
    answers_[user] = answer;
    set(kPerson, user.value(), std::string(answer.outsider ? "1 " : "0 ") + std::to_string(to_unix_ms(answer.at)));
}

boost::asio::awaitable<void> SlackPeople::learn(const std::vector<UserId>& users) {
    for (const UserId& user : users) {
        const auto answer = known(user);
        if (answer && clock_.now() - answer->at < kPersonAnswerLifetime) continue;
        const ApiRequest info{"users.info", json{{"user", user.value()}}};
        const ApiResult result = co_await api_.call(info);
        if (!result.ok()) {
            spdlog::warn("could not tell whether {} is a guest or from another team ({}); {}", user.value(),
                         describe_api_error(info.method, result),
                         answer ? "using what Slack said before" : "treating them as a member for now");
            continue;
        }
        const json& person = result.body.contains("user") && result.body["user"].is_object() ? result.body["user"]
                                                                                            : json::object();
        const bool guest = person.value("is_restricted", false) || person.value("is_ultra_restricted", false);
        const std::string team = person.value("team_id", std::string());
        const bool other_team = !home_team_.empty() && !team.empty() && team != home_team_;
        remember(user, Answer{guest || other_team, clock_.now()});
    }
}

std::vector<UserId> SlackPeople::outsiders_among(const std::vector<UserId>& users) {
    std::vector<UserId> outsiders;
    for (const UserId& user : users)
        if (auto answer = known(user); answer && answer->outsider) outsiders.push_back(user);
    return outsiders;
}

}  // namespace warroom::slack
