#include "bot/effect.hpp"

#include <utility>

namespace warroom {

PostMessage post_to(const ChannelName& channel, std::string text) {
    return PostMessage{channel, std::nullopt, std::move(text)};
}

PostMessage direct_to(const UserId& user, std::string text) {
    return PostMessage{std::nullopt, user, std::move(text)};
}

}  // namespace warroom
