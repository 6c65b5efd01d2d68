#include "adapters/net/chat_performer.hpp"

#include <variant>

#include "bot/overloaded.hpp"
#include "bot/store.hpp"

namespace warroom::net {
boost::asio::awaitable<Delivery> ChatPerformer::perform(const OutboxJob& job) {
    published_at_.clear();
    const OutboxJobId id = job.id;
    try {
        co_await std::visit(
            Overloaded{
                [&](const CreateChannel& effect) { return create_channel(effect); },
                [&](const InviteUsers& effect) { return invite(effect, id); },
                [&](const PostMessage& effect) { return post_message(effect, id); },
                [&](const PostCard& effect) { return post_card(effect, id); },
                [&](const UpdateCard& effect) { return update_card(effect, id); },
                [&](const Publish& effect) { return publish(effect, id); },
                [&](const PostEscalation& effect) { return post_escalation(effect, id); },
                [&](const UpdateEscalation& effect) { return update_escalation(effect, id); },
                [&](const HandOverChannels& effect) { return hand_over(effect); },
                [&](const Deliver&) { return not_for_chat(job.effect); },
                [&](const ResolveStatusPage&) { return not_for_chat(job.effect); },
                [&](const Page&) { return not_for_chat(job.effect); },
            },
            job.effect);
    } catch (const NotDone& not_done) {
        co_return Delivery::not_yet(not_done.what());
    } catch (const StorageError& error) {
        co_return Delivery::not_yet(std::string("storage: ") + error.what());
    }
    co_return Delivery::delivered(published_at_);
}

boost::asio::awaitable<void> ChatPerformer::not_for_chat(const Effect& effect) {
    throw NotDone(std::string("a ") + (std::holds_alternative<Page>(effect) ? "page" : "delivery to an outside destination") +
                  " reached the chat platform's performer; it is left for the outside destinations");
    co_return;
}

}  // namespace warroom::net
