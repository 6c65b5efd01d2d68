#pragma once
// Performs the outbox jobs that leave the chat platform: an approved text
// delivered to a webhook, a status page or an e-mail list, a status page
// incident resolved, a pager triggered or resolved. Where each goes is read
// from the playbook when the job is performed, and its secret from the
// environment (bot/secrets.hpp), so neither is ever stored in the outbox.
// A repeat is harmless: the webhook gets the same Idempotency-Key, the
// status page is asked first whether the text is there, the e-mail carries
// the same Message-ID, and the page the same dedup key.
#include <map>
#include <memory>
#include <string>
#include <variant>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net/performer.hpp"
#include "bot/clock.hpp"
#include "bot/platform_records.hpp"
#include "bot/playbook.hpp"

namespace warroom::outside {

class OutsidePerformer final : public net::Performer {
public:
    // `tls` must outlive the performer; it verifies every destination.
    OutsidePerformer(boost::asio::any_io_executor executor, boost::asio::ssl::context& tls, const Playbook& playbook,
                     PlatformRecords& records, const Clock& clock,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

    boost::asio::awaitable<Delivery> perform(const OutboxJob& job) override;

private:
    boost::asio::awaitable<Delivery> deliver(const Deliver& deliver, OutboxJobId job);
    boost::asio::awaitable<Delivery> resolve(const ResolveStatusPage& resolve, OutboxJobId job);
    boost::asio::awaitable<Delivery> page(const Page& page);
    boost::asio::awaitable<Delivery> to_webhook(const WebhookDestination& webhook, const Deliver& deliver,
                                                OutboxJobId job, const std::string& who);
    boost::asio::awaitable<Delivery> to_statuspage(const StatuspageDestination& page, const std::string& audience,
                                                   IncidentId incident, const std::string& title,
                                                   const std::string& body, const std::string& status,
                                                   const std::string& job_marker, const std::string& who);
    boost::asio::awaitable<Delivery> to_email(const EmailDestination& email, const Deliver& deliver, OutboxJobId job,
                                              const std::string& who);

    // What an HTTP delivery needs before it is tried: the secret, and the client for the URL's
    // origin (one per origin, kept for its connections) with the URL's path.
    struct Reach {
        std::string secret;
        net::HttpClient* http = nullptr;
        std::string target;
    };
    // The secret from `secret_env` and the client for `url` (`what` names it in a problem), or the
    // refusal for good when either cannot be had.
    std::variant<Reach, Delivery> reach(const std::string& secret_env, const std::string& url, const std::string& what,
                                        const std::string& who);

    boost::asio::any_io_executor executor_;
    boost::asio::ssl::context& tls_;
    const Playbook& playbook_;
    PlatformRecords& records_;
    const Clock& clock_;
    std::chrono::milliseconds timeout_;
    std::map<std::string, std::unique_ptr<net::HttpClient>> clients_;
};

}  // namespace warroom::outside
