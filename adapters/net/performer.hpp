#pragma once
// What performs an outbox job on the network, chat platform or outside
// destination alike: one attempt, reported as a Delivery (bot/outbox.hpp).
// Each job goes to the chat platform's performer or to the outside
// destinations' by the kind of its effect (performer_for).
#include <boost/asio/awaitable.hpp>

#include "bot/effect.hpp"
#include "bot/outbox.hpp"

namespace warroom::net {

class Performer {
public:
    virtual ~Performer() = default;
    // One attempt at the job; may be repeated after a crash, and makes a repeat harmless.
    virtual boost::asio::awaitable<Delivery> perform(const OutboxJob& job) = 0;
};

// Who performs the job: `outside` for an outside effect (is_outside), `chat` for the rest.
inline Performer& performer_for(const OutboxJob& job, Performer& chat, Performer& outside) {
    return is_outside(job.effect) ? outside : chat;
}

}  // namespace warroom::net
