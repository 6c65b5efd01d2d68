// The homeserver's shared parts: the bot's account made at start, ids, the
// clock and event lookup.
#include "matrix_sim/homeserver.hpp"

namespace warroom::matrix_sim {

Homeserver::Homeserver() : random_(std::random_device{}()) {
    bot_password = random_text(24, "abcdefghijklmnopqrstuvwxyz0123456789");
    bot_user_id = add_user("warroom", bot_password);
    bot_token = first_token_of(bot_user_id);
}

std::string Homeserver::random_text(std::size_t length, std::string_view alphabet) {
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string text;
    for (std::size_t i = 0; i < length; ++i) text += alphabet[pick(random_)];
    return text;
}

std::string Homeserver::new_room_id() {
    // The counter keeps ids unique; the letters keep clients from parsing them as numbers.
    return "!" + std::to_string(++rooms_created_) + random_text(10, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") +
           ":" + server_name;
}

std::int64_t Homeserver::now_ms() {
    // Never backwards, so origin_server_ts follows the stream's order even if the wall clock steps back.
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    last_timestamp_ = std::max<std::int64_t>(last_timestamp_, now);
    return last_timestamp_;
}

const StoredEvent* Homeserver::find_event(const std::string& event_id) const {
    auto found = event_positions_.find(event_id);
    return found == event_positions_.end() ? nullptr : &at(found->second);
}

}  // namespace warroom::matrix_sim
