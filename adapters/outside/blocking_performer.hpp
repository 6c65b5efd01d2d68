#pragma once
// The outside destinations for the console, which has no event loop: each
// job performed by OutsidePerformer on an I/O context of its own, waited for.
// No Asio type here: the console's code does not compile Asio.
#include <memory>

#include "bot/clock.hpp"
#include "bot/effect.hpp"
#include "bot/outbox.hpp"
#include "bot/playbook.hpp"
#include "bot/store.hpp"

namespace warroom::outside {

class BlockingOutsidePerformer {
public:
    // TLS peers are verified against the system store or SSL_CERT_FILE.
    BlockingOutsidePerformer(const Playbook& playbook, Store& store, const Clock& clock);
    ~BlockingOutsidePerformer();
    BlockingOutsidePerformer(const BlockingOutsidePerformer&) = delete;
    BlockingOutsidePerformer& operator=(const BlockingOutsidePerformer&) = delete;

    // One attempt, as OutsidePerformer::perform makes it.
    Delivery perform(const OutboxJob& job);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace warroom::outside
