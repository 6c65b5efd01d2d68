#include "adapters/net/chat_performer.hpp"

#include <variant>

#include "bot/store.hpp"

namespace warroom::net {
namespace {

// The handlers of std::visit, one lambda per alternative: a missing one is a compile error.
template <class... Handlers>
struct EachEffect : Handlers... {
    using Handlers::operator()...;
};
template <class... Handlers>
EachEffect(Handlers...) -> EachEffect<Handlers...>;

}  // namespace

boost::asio::awaitable<Delivery> ChatPerformer::perform(const OutboxJob& job) {
    published_at_.clear();
    const OutboxJobId id = job.id;
    try {
        co_await std::visit(
            EachEffect{
                [&](const CreateChannel& effect) { return create_channel(effect); },
                [&](const InviteUsers& effect) { return invite(effect, id); },
                [&](const PostMessage& effect) { return post_message(effect, id); },
                [&](const PostCard& effect) { return post_card(effect, id); },
                [&](const UpdateCard& effect) { return update_card(effect, id); },
                [&](const Publish& effect) { return publish(effect, id); },
                [&](const PostEscalation& effect) { return post_escalation(effect, id); },
                [&](const UpdateEscalation& effect) { return update_escalation(effect, id); },
                [&](const HandOverChannels& effect) { return hand_over(effect); },
            },
            job.effect);
    } catch (const NotDone& not_done) {
        co_return Delivery::not_yet(not_done.what());
    } catch (const StorageError& error) {
        co_return Delivery::not_yet(std::string("storage: ") + error.what());
    }
    co_return Delivery::delivered(published_at_);
}

}  // namespace warroom::net
