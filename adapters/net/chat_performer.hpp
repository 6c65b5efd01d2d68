#pragma once
// What a chat platform's performer is: one coroutine for each kind of
// effect, and perform(), which hands an outbox job to the one its effect
// names. The dispatch is written here once for every platform, and a kind
// of effect added without a handler does not compile.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/net/delivery.hpp"
#include "adapters/net/performer.hpp"
#include "bot/effect.hpp"
#include "bot/ids.hpp"

namespace warroom::net {

class ChatPerformer : public Performer {
public:
    // One attempt at the job: done, or why not (a platform's refusal ended
    // it with NotDone, or storage failed). A publish's reference says where
    // it landed, for the audit record. An outside effect is not the chat
    // platform's (net::Performers routes it elsewhere): not done, saying so.
    boost::asio::awaitable<Delivery> perform(const OutboxJob& job) override;

protected:
    // Each throws NotDone to end the attempt as not done; each may be
    // repeated (after a crash, or a failure half-way) and must make a repeat
    // harmless.
    virtual boost::asio::awaitable<void> create_channel(const CreateChannel& effect) = 0;
    virtual boost::asio::awaitable<void> invite(const InviteUsers& effect, OutboxJobId job) = 0;
    virtual boost::asio::awaitable<void> post_message(const PostMessage& effect, OutboxJobId job) = 0;
    virtual boost::asio::awaitable<void> post_card(const PostCard& effect, OutboxJobId job) = 0;
    virtual boost::asio::awaitable<void> update_card(const UpdateCard& effect, OutboxJobId job) = 0;
    virtual boost::asio::awaitable<void> publish(const Publish& effect, OutboxJobId job) = 0;
    virtual boost::asio::awaitable<void> post_escalation(const PostEscalation& effect, OutboxJobId job) = 0;
    virtual boost::asio::awaitable<void> update_escalation(const UpdateEscalation& effect, OutboxJobId job) = 0;
    virtual boost::asio::awaitable<void> hand_over(const HandOverChannels& effect) = 0;

    // Where the publish in progress landed ("CHANNEL/TS", "ROOM/EVENT"); called by publish().
    void published_at(std::string reference) { published_at_ = std::move(reference); }

private:
    boost::asio::awaitable<void> not_for_chat(const Effect& effect);

    std::string published_at_;
};

}  // namespace warroom::net
