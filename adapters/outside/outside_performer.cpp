#include "adapters/outside/outside_performer.hpp"

#include <nlohmann/json.hpp>

#include "adapters/outside/http_answer.hpp"
#include "adapters/outside/pagerduty_client.hpp"
#include "adapters/outside/smtp_client.hpp"
#include "adapters/outside/statuspage_client.hpp"
#include "adapters/outside/webhook_client.hpp"
#include "bot/review.hpp"
#include "bot/secrets.hpp"
#include "bot/store.hpp"

namespace warroom::outside {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

// Where a status page incident warroom opened is remembered, by audience and incident.
constexpr std::string_view kStatuspageIncident = "statuspage.incident";

std::string statuspage_key(const std::string& audience, IncidentId incident) {
    return audience + "/" + to_string(incident);
}

// Statuspage's words for warroom's statuses.
std::string statuspage_status(Status status) {
    switch (status) {
        case Status::investigating: return "investigating";
        case Status::mitigating: return "identified";
        case Status::mitigated: return "monitoring";
        case Status::resolved: return "resolved";
    }
    return "investigating";
}

std::string pagerduty_severity(Severity severity) {
    switch (severity) {
        case Severity::sev1: return "critical";
        case Severity::sev2: return "error";
        case Severity::sev3: return "warning";
        case Severity::sev4: return "info";
    }
    return "critical";
}

std::string iso8601(Time time) { return format_iso8601(time); }

// The document a webhook receives: everything a ticketing tool or a
// notification service needs to act on the approved text by itself.
std::string webhook_document(const Deliver& deliver, Time now) {
    const nlohmann::json document = {
        {"type", "warroom.communication"},
        {"incident",
         {{"id", to_string(deliver.incident)},
          {"title", deliver.incident_title},
          {"severity", to_string(deliver.severity)},
          {"status", to_string(deliver.status)}}},
        {"audience", deliver.audience},
        {"draft", to_string(deliver.draft)},
        {"revision", deliver.revision},
        {"text", deliver.text},
        {"author", deliver.author.value()},
        {"approved_by", deliver.approver.value()},
        {"drafted_at", iso8601(deliver.drafted_at)},
        {"approved_at", iso8601(deliver.approved_at)},
        {"sent_at", iso8601(now)}};
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "warroom.INC-3.D-7.job-42": the same for every repeat of one outbox job.
std::string job_marker(const Deliver& deliver, OutboxJobId job) {
    return "warroom." + to_string(deliver.incident) + "." + to_string(deliver.draft) + ".job-" +
           std::to_string(job.value());
}

std::string domain_of(const std::string& address) {
    std::string domain = address.substr(address.rfind('@') + 1);
    while (!domain.empty() && domain.back() == '>') domain.pop_back();
    return domain.empty() ? std::string("warroom.invalid") : domain;
}

}  // namespace

OutsidePerformer::OutsidePerformer(asio::any_io_executor executor, asio::ssl::context& tls, const Playbook& playbook,
                                   PlatformRecords& records, const Clock& clock, std::chrono::milliseconds timeout)
    : executor_(std::move(executor)), tls_(tls), playbook_(playbook), records_(records), clock_(clock),
      timeout_(timeout) {}

awaitable<Delivery> OutsidePerformer::perform(const OutboxJob& job) {
    try {
        if (const auto* deliver = std::get_if<Deliver>(&job.effect)) co_return co_await this->deliver(*deliver, job.id);
        if (const auto* resolve = std::get_if<ResolveStatusPage>(&job.effect))
            co_return co_await this->resolve(*resolve, job.id);
        if (const auto* page = std::get_if<Page>(&job.effect)) co_return co_await this->page(*page);
    } catch (const StorageError& error) {
        co_return Delivery::not_yet(std::string("storage: ") + error.what());
    }
    co_return Delivery::not_yet("not an outside effect; the chat platform performs it");
}

std::variant<OutsidePerformer::Reach, Delivery> OutsidePerformer::reach(const std::string& secret_env,
                                                                        const std::string& url,
                                                                        const std::string& what,
                                                                        const std::string& who) {
    const Secret secret = read_secret(secret_env);
    if (!secret.found()) return Delivery::refused_for_good(who + ": " + secret.problem);
    const auto parsed = net::parse_endpoint(url, "https", what);
    if (const auto* error = std::get_if<net::EndpointError>(&parsed))
        return Delivery::refused_for_good(who + ": " + error->message);
    const auto& endpoint = std::get<net::Endpoint>(parsed);
    const std::string origin = (endpoint.tls ? "https://" : "http://") + endpoint.host + ":" + endpoint.port;
    auto& client = clients_[origin];
    if (!client) client = std::make_unique<net::HttpClient>(executor_, tls_, endpoint, timeout_);
    return Reach{secret.value, client.get(), endpoint.target};
}

awaitable<Delivery> OutsidePerformer::deliver(const Deliver& deliver, OutboxJobId job) {
    const Audience* audience = playbook_.audience(deliver.audience);
    if (!audience || !audience->outside)
        co_return Delivery::refused_for_good("the playbook no longer has \"" + deliver.audience +
                                             "\" as an outside audience");
    const std::string who = describe(*audience->outside);
    if (const auto* webhook = std::get_if<WebhookDestination>(&*audience->outside))
        co_return co_await to_webhook(*webhook, deliver, job, who);
    if (const auto* page = std::get_if<StatuspageDestination>(&*audience->outside))
        co_return co_await to_statuspage(*page, deliver.audience, deliver.incident, deliver.incident_title,
                                         deliver.text, statuspage_status(deliver.status), job_marker(deliver, job),
                                         who);
    co_return co_await to_email(std::get<EmailDestination>(*audience->outside), deliver, job, who);
}

awaitable<Delivery> OutsidePerformer::to_webhook(const WebhookDestination& webhook, const Deliver& deliver,
                                                 OutboxJobId job, const std::string& who) {
    auto reached = reach(webhook.secret_env, webhook.url, "the webhook's url", who);
    if (const auto* refused = std::get_if<Delivery>(&reached)) co_return *refused;
    const Reach& to = std::get<Reach>(reached);
    const Time now = clock_.now();
    const WebhookPost post{webhook_document(deliver, now), job_marker(deliver, job), to.secret,
                           to_unix_ms(now) / 1000};
    co_return co_await send_webhook(*to.http, to.target, post, who);
}

awaitable<Delivery> OutsidePerformer::to_statuspage(const StatuspageDestination& page, const std::string& audience,
                                                    IncidentId incident, const std::string& title,
                                                    const std::string& body, const std::string& status,
                                                    const std::string& marker, const std::string& who) {
    auto reached = reach(page.api_key_env, page.api_url, "the status page's api_url", who);
    if (const auto* refused = std::get_if<Delivery>(&reached)) co_return *refused;
    const Reach& to = std::get<Reach>(reached);
    const std::string base = to.target == "/" ? std::string() : to.target;
    StatuspagePost post;
    post.page_id = page.page_id;
    post.api_key = to.secret;
    post.warroom_incident = to_string(incident);
    post.job_marker = marker;
    post.name = title;
    post.body = body;
    post.status = status;
    const std::string ref_key = statuspage_key(audience, incident);
    post.known_incident = records_.ref(kStatuspageIncident, ref_key);
    const StatuspageResult result = co_await post_to_statuspage(*to.http, base, post, who);
    // Remembered even when this attempt failed after the incident was found or made.
    if (!result.incident_id.empty() && result.incident_id != post.known_incident.value_or(""))
        records_.set_refs({{kStatuspageIncident, ref_key, result.incident_id}});
    co_return result.delivery;
}

awaitable<Delivery> OutsidePerformer::to_email(const EmailDestination& email, const Deliver& deliver, OutboxJobId job,
                                               const std::string& who) {
    auto server = parse_smtp_url(email.smtp_url, "the audience's smtp");
    if (const auto* problem = std::get_if<std::string>(&server))
        co_return Delivery::refused_for_good(who + ": " + *problem);
    SmtpServer& smtp = std::get<SmtpServer>(server);
    smtp.username = email.username;
    if (!email.password_env.empty()) {
        const Secret password = read_secret(email.password_env);
        if (!password.found()) co_return Delivery::refused_for_good(who + ": " + password.problem);
        smtp.password = password.value;
    }
    EmailMessage message;
    message.from = email.from;
    message.to = email.to;
    message.subject = "[" + to_string(deliver.incident) + "] " + deliver.incident_title;
    message.body = deliver.text;
    message.message_id = "<" + job_marker(deliver, job) + "@" + domain_of(email.from) + ">";
    message.date = deliver.approved_at;
    message.headers = {{"X-Warroom-Incident", to_string(deliver.incident)},
                       {"X-Warroom-Draft", to_string(deliver.draft)}};
    co_return co_await send_email(executor_, tls_, smtp, message, timeout_, who);
}

awaitable<Delivery> OutsidePerformer::resolve(const ResolveStatusPage& resolve, OutboxJobId job) {
    const Audience* audience = playbook_.audience(resolve.audience);
    const auto* page = audience && audience->outside ? std::get_if<StatuspageDestination>(&*audience->outside) : nullptr;
    if (!page)
        co_return Delivery::refused_for_good("the playbook no longer has \"" + resolve.audience +
                                             "\" as a status page audience");
    const std::string who = describe(*audience->outside);
    co_return co_await to_statuspage(*page, resolve.audience, resolve.incident, {}, {}, "resolved",
                                     "warroom." + to_string(resolve.incident) + ".resolved.job-" +
                                         std::to_string(job.value()),
                                     who);
}

awaitable<Delivery> OutsidePerformer::page(const Page& page) {
    const PagerService* pager = playbook_.pager(page.pager);
    if (!pager) co_return Delivery::refused_for_good("the playbook no longer has the pager \"" + page.pager + "\"");
    const std::string who = "PagerDuty";
    auto reached = reach(pager->routing_key_env, pager->events_url, "the pager's events_url", who);
    if (const auto* refused = std::get_if<Delivery>(&reached)) co_return *refused;
    const Reach& to = std::get<Reach>(reached);
    std::string base = to.target;
    if (!base.empty() && base.back() == '/') base.pop_back();
    PageEvent event;
    event.routing_key = to.secret;
    event.action = page.action;
    event.dedup_key = "warroom." + to_string(page.incident);
    event.summary = page.summary;
    event.severity = pagerduty_severity(page.severity);
    co_return co_await send_page_event(*to.http, base + "/v2/enqueue", event, who);
}

}  // namespace warroom::outside
