#include "adapters/outside/blocking_performer.hpp"

#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "adapters/net/tls.hpp"
#include "adapters/outside/outside_performer.hpp"
#include "bot/platform_records.hpp"

namespace warroom::outside {

struct BlockingOutsidePerformer::Impl {
    Impl(const Playbook& playbook, Store& store, const Clock& clock) : records(store), playbook(playbook), clock(clock) {}

    PlatformRecords records;
    const Playbook& playbook;
    const Clock& clock;
    boost::asio::ssl::context tls = net::make_client_tls_context();
};

BlockingOutsidePerformer::BlockingOutsidePerformer(const Playbook& playbook, Store& store, const Clock& clock)
    : impl_(std::make_unique<Impl>(playbook, store, clock)) {}

BlockingOutsidePerformer::~BlockingOutsidePerformer() = default;

Delivery BlockingOutsidePerformer::perform(const OutboxJob& job) {
    // A context per job: the console performs rarely, and nothing is left
    // running between its commands.
    boost::asio::io_context io;
    OutsidePerformer performer(io.get_executor(), impl_->tls, impl_->playbook, impl_->records, impl_->clock);
    std::future<Delivery> attempt = boost::asio::co_spawn(io, performer.perform(job), boost::asio::use_future);
    io.run();
    return attempt.get();
}

}  // namespace warroom::outside
