// The outside audiences end to end: the whole Slack bot, commands typed over
// the Slack simulator's wire, approved texts checked where they land (a
// webhook receiver, a Statuspage page, an SMTP server) and pages in a
// PagerDuty simulator, all on loopback over TLS. A destination that refuses
// or stays down is given up on and the Crisis Lead told in Slack; a retry
// delivers once; busy destinations get the text once in the end; no secret
// shows in a log line or a Slack message. Nothing sleeps: every wait is on a
// condition with a deadline.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "captured_log.hpp"
#include "outside_world.hpp"

namespace warroom::test {
namespace {

using Catch::Contains;
using Catch::StartsWith;

const std::string kMain = "inc-1-token-leak";

std::size_t count_containing(const std::vector<slack_sim::SimMessage>& messages, const std::string& text) {
    return static_cast<std::size_t>(std::count_if(
        messages.begin(), messages.end(), [&](const auto& m) { return m.text.find(text) != std::string::npos; }));
}

bool any_contains_all(const std::vector<slack_sim::SimMessage>& messages, const std::vector<std::string>& parts) {
    return std::any_of(messages.begin(), messages.end(), [&](const slack_sim::SimMessage& m) {
        return std::all_of(parts.begin(), parts.end(),
                           [&](const std::string& part) { return m.text.find(part) != std::string::npos; });
    });
}

std::string base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

void page_security_at_sev1(nlohmann::json& book) { book["severities"]["sev1"]["page"] = {"security-oncall"}; }

// Declares INC-1 "Token leak" as alice and waits until she is in its channel.
void declare(OutsideSlackWorld& world, const std::string& severity) {
    CHECK_THAT(world.command("alice", "general", "declare " + severity + " Token leak"), Contains("INC-1"));
    world.slack.wait_until_member(kMain, "alice");
}

// The statuspage incidents of the example page.
std::vector<outside_sim::StatuspageIncident> page_incidents(OutsideSlackWorld& world) {
    return world.outside.statuspage.incidents(kPageId);
}

bool has_update_with_body(const outside_sim::StatuspageIncident& incident, const std::string& body) {
    return std::any_of(incident.updates.begin(), incident.updates.end(),
                       [&](const outside_sim::StatuspageUpdate& update) { return update.body == body; });
}

bool published(OutsideSlackWorld& world, int draft) {
    const auto found = world.draft(draft);
    return found && found->state == DraftState::published;
}

// Neither the bot's log nor anything the bot said in Slack (messages kept by
// the simulator, every Web API call's arguments) holds any of `secrets`.
void check_no_secret_shows(OutsideSlackWorld& world, const CapturedLog& log, const std::vector<std::string>& secrets) {
    const std::string logged = log.text();
    REQUIRE_FALSE(logged.empty());
    const auto messages = world.every_slack_message();
    const auto calls = world.slack.sim.api_calls();
    REQUIRE_FALSE(messages.empty());
    for (const std::string& secret : secrets) {
        INFO("secret: " << secret);
        CHECK(logged.find(secret) == std::string::npos);
        for (const auto& message : messages) {
            INFO("message in " << message.channel << ": " << message.text);
            CHECK(message.text.find(secret) == std::string::npos);
            CHECK(message.blocks.dump().find(secret) == std::string::npos);
            CHECK(message.metadata.dump().find(secret) == std::string::npos);
        }
        for (const auto& call : calls) {
            INFO("Slack API call " << call.method);
            CHECK(call.args.dump().find(secret) == std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("Slack, outside audiences: sev1 pages, each approved text lands once where it should, resolving resolves "
          "the status page and the page",
          "[outside-slack]") {
    OutsideSlackWorld world(page_security_at_sev1);
    auto& outside = world.outside;
    world.start();

    // Declared sev1: the security on-call is paged once, with the incident's dedup key.
    declare(world, "sev1");
    REQUIRE(outside.pagerduty.wait_for(
        [&] {
            const auto alert = outside.pagerduty.alert(kSecurityRoutingKey, "warroom.INC-1");
            return alert && alert->triggered;
        },
        20s));
    {
        const auto alert = outside.pagerduty.alert(kSecurityRoutingKey, "warroom.INC-1");
        CHECK(alert->triggers == 1);
        CHECK(alert->opened == 1);
        CHECK(alert->severity == "critical");
        CHECK_THAT(alert->summary, Contains("Token leak"));
        CHECK(outside.pagerduty.alerts().size() == 1);   // legal-oncall is not sev1's
    }

    // The webhook: the text exactly as approved (Slack's &amp; undone), signed, with its Idempotency-Key.
    const std::string ticket_text = "A deploy token was leaked & has been revoked; no customer data was read.";
    CHECK_THAT(world.command("alice", kMain, "draft ticketing " + ticket_text), Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Contains("D-1"));
    REQUIRE(outside.webhook.wait_for([&] { return outside.webhook.accepted().size() == 1; }, 20s));
    {
        const auto delivery = outside.webhook.accepted().front();
        CHECK(delivery.document.at("text") == ticket_text);
        CHECK(delivery.document.at("type") == "warroom.communication");
        CHECK(delivery.document.at("draft") == "D-1");
        CHECK(delivery.document.at("audience") == "ticketing");
        CHECK(delivery.document.at("incident").at("id") == "INC-1");
        CHECK(delivery.document.at("incident").at("severity") == "sev1");
        CHECK(delivery.document.at("approved_by") == world.slack.id("alice"));
        CHECK_THAT(delivery.idempotency_key, StartsWith("warroom.INC-1.D-1."));
        CHECK(outside.webhook.deliveries_with_key(delivery.idempotency_key) == 1);
        CHECK(outside.webhook.signatures_refused() == 0);
        CHECK(outside.webhook.requests().size() == 1);
    }

    // The status page needs customer-comms as well: nothing goes out on the lead's approval alone.
    world.slack.wait_until_member(kMain, "cora");
    const std::string first_status = "We are investigating reports of unauthorised access to a deploy token.";
    CHECK_THAT(world.command("alice", kMain, "draft status-page " + first_status), Contains("D-2"));
    CHECK_THAT(world.command("alice", kMain, "approve D-2"), Contains("D-2"));
    CHECK(outside.statuspage.calls().empty());
    CHECK_THAT(world.command("cora", kMain, "approve D-2"), Contains("D-2"));
    REQUIRE(outside.statuspage.wait_for(
        [&] {
            const auto incidents = page_incidents(world);
            return incidents.size() == 1 && has_update_with_body(incidents[0], first_status);
        },
        20s));
    const std::string statuspage_incident = page_incidents(world).front().id;
    CHECK_THAT(page_incidents(world).front().name, Contains("Token leak"));
    CHECK(page_incidents(world).front().status == "investigating");

    // The e-mail list: one message, its Message-ID set, its body the text.
    const std::string board_text = "The board is informed: a deploy token leaked and was revoked within the hour.";
    CHECK_THAT(world.command("alice", kMain, "draft board " + board_text), Contains("D-3"));
    CHECK_THAT(world.command("alice", kMain, "approve D-3"), Contains("D-3"));
    REQUIRE(outside.smtp.wait_for([&] { return outside.smtp.messages().size() == 1; }, 20s));
    {
        const auto mail = outside.smtp.messages().front();
        CHECK_FALSE(mail.message_id.empty());
        CHECK(mail.body == board_text);
        CHECK(mail.rcpt_to == std::vector<std::string>{"board@example.com"});
        CHECK(mail.mail_from == "warroom@example.com");
        CHECK(mail.over_tls);
        CHECK(mail.authenticated_as == kSmtpUser);
        CHECK_THAT(mail.subject, Contains("INC-1"));
        CHECK(outside.smtp.count_with_message_id(mail.message_id) == 1);
    }

    // A second status page text updates the same status page incident.
    const std::string second_status = "The token is revoked and access is closed; we keep monitoring.";
    CHECK_THAT(world.command("cora", kMain, "draft status-page " + second_status), Contains("D-4"));
    CHECK_THAT(world.command("alice", kMain, "approve D-4"), Contains("D-4"));
    CHECK_THAT(world.command("cora", kMain, "approve D-4"), Contains("D-4"));
    REQUIRE(outside.statuspage.wait_for(
        [&] {
            const auto incident = outside.statuspage.incident(kPageId, statuspage_incident);
            return incident && has_update_with_body(*incident, second_status);
        },
        20s));
    CHECK(page_incidents(world).size() == 1);
    CHECK(outside.statuspage.creations() == 1);

    // Resolved: the status page incident is resolved, the page resolved once.
    CHECK_THAT(world.command("alice", kMain, "status resolved"), Contains("resolved"));
    REQUIRE(outside.statuspage.wait_for(
        [&] {
            const auto incident = outside.statuspage.incident(kPageId, statuspage_incident);
            return incident && incident->status == "resolved";
        },
        20s));
    REQUIRE(outside.pagerduty.wait_for(
        [&] {
            const auto alert = outside.pagerduty.alert(kSecurityRoutingKey, "warroom.INC-1");
            return alert && !alert->triggered && alert->resolves >= 1;
        },
        20s));
    REQUIRE(world.wait_for([&] { return world.outbox_empty(); }, 20s));
    {
        const auto alert = outside.pagerduty.alert(kSecurityRoutingKey, "warroom.INC-1");
        CHECK(alert->resolves == 1);
        CHECK(alert->triggers == 1);
        CHECK(page_incidents(world).size() == 1);
        CHECK(outside.statuspage.creations() == 1);
        CHECK(outside.webhook.accepted().size() == 1);
        CHECK(outside.smtp.messages().size() == 1);
        CHECK(outside.smtp.duplicates() == 0);
    }

    // Every draft is published, in the store and as /incident show says.
    for (int draft = 1; draft <= 4; ++draft) {
        INFO("D-" << draft);
        CHECK(published(world, draft));
        CHECK(world.draft(draft)->delivery_problem.empty());
    }
    const std::string shown = world.command("alice", kMain, "show");
    for (const char* line : {"D-1 ticketing", "D-2 status-page", "D-3 board", "D-4 status-page"}) {
        INFO(shown);
        CHECK_THAT(shown, Contains(line));
    }
    CHECK_THAT(shown, !Contains("delivery failed"));
    CHECK(static_cast<std::size_t>(std::count(shown.begin(), shown.end(), '\n')) >= 4);
    // Nobody was told of a failed delivery.
    CHECK(count_containing(world.slack.posts_in(kMain), "not delivered") == 0);
}

TEST_CASE("Slack, outside audiences: a webhook that refuses the signature is given up at once, the lead is told in "
          "Slack, and /incident retry delivers it once",
          "[outside-slack]") {
    CapturedLog log;   // outlives the bot
    const std::string wrong_secret = "whsec-WRONG-5nLq8Zc1Vd";
    SecretFile secret_file(wrong_secret);
    OutsideSlackWorld world;
    // The operator keeps the signing secret in a file (TICKETING_WEBHOOK_SECRET_FILE); it holds the wrong one.
    world.outside.env.unset("TICKETING_WEBHOOK_SECRET");
    world.outside.env.set("TICKETING_WEBHOOK_SECRET_FILE", secret_file.path());
    auto& webhook = world.outside.webhook;
    world.start();

    declare(world, "sev3");
    const std::string text = "Customers: please rotate the API tokens issued before Monday.";
    CHECK_THAT(world.command("alice", kMain, "draft ticketing " + text), Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Contains("D-1"));

    // The receiver refused it (401); the lead hears of it privately and the channel too.
    REQUIRE(world.wait_for([&] {
        return any_contains_all(world.direct_messages_to("alice"), {"approved but not delivered", "/incident retry D-1"});
    }, 20s));
    REQUIRE(world.wait_for(
        [&] { return any_contains_all(world.slack.posts_in(kMain), {"approved but not delivered", "/incident retry D-1"}); },
        20s));
    CHECK(any_contains_all(world.direct_messages_to("alice"), {"D-1 (ticketing)", "401"}));
    CHECK(webhook.signatures_refused() == 1);
    CHECK(webhook.accepted().empty());
    {
        const auto draft = world.draft(1);
        REQUIRE(draft);
        CHECK(draft->state == DraftState::approved);
        CHECK_THAT(draft->delivery_problem, Contains("401"));
    }
    const std::string shown = world.command("alice", kMain, "show");
    CHECK_THAT(shown, Contains("D-1 ticketing") && Contains("approved, delivery failed: ") && Contains("401"));
    // Given up, not repeated: the receiver saw one attempt, and the outbox holds nothing for it.
    REQUIRE(world.wait_for([&] { return world.outbox_empty(); }, 20s));
    CHECK(webhook.requests().size() == 1);
    CHECK(count_containing(world.slack.posts_in(kMain), "approved but not delivered") == 1);

    // Once the secret is fixed, the lead's retry delivers it once.
    secret_file.write(kWebhookSecret);
    CHECK_THAT(world.command("alice", kMain, "retry D-1"), Contains("Retrying the delivery of D-1"));
    REQUIRE(webhook.wait_for([&] { return webhook.accepted().size() == 1; }, 20s));
    REQUIRE(world.wait_for([&] { return published(world, 1); }, 20s));
    REQUIRE(world.wait_for([&] { return world.outbox_empty(); }, 20s));
    const auto accepted = webhook.accepted();
    REQUIRE(accepted.size() == 1);
    CHECK(accepted[0].document.at("text") == text);
    CHECK(webhook.deliveries_with_key(accepted[0].idempotency_key) == 1);
    CHECK(webhook.requests().size() == 2);
    CHECK(webhook.duplicates().empty());
    CHECK(world.draft(1)->delivery_problem.empty());
    CHECK_THAT(world.command("alice", kMain, "show"), Contains("D-1 ticketing") && Contains("published") &&
                                                          !Contains("delivery failed"));
    CHECK(count_containing(world.slack.posts_in(kMain), "retried the delivery of D-1") == 1);

    world.slack.stop();
    std::vector<std::string> secrets = all_outside_secrets();
    secrets.push_back(wrong_secret);
    check_no_secret_shows(world, log, secrets);
}

TEST_CASE("Slack, outside audiences: a webhook nobody listens at is repeated for delivery_retry_for while the "
          "incident's chat goes on, then the lead is told",
          "[outside-slack]") {
    CapturedLog log;
    const unsigned short dead_port = unused_loopback_port();
    OutsideSlackWorld world([&](nlohmann::json& book) {
        book["audiences"]["ticketing"]["url"] = "https://127.0.0.1:" + std::to_string(dead_port) + "/hooks/warroom";
        book["timing"]["delivery_retry_for"] = "10s";   // as short as the playbook allows
    });
    world.start();

    declare(world, "sev3");
    const std::string text = "The ticketing system never hears this one.";
    CHECK_THAT(world.command("alice", kMain, "draft ticketing " + text), Contains("D-1"));
    const auto approved_at = std::chrono::steady_clock::now();
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Contains("D-1"));
    // The first attempt failed and the lane waits to repeat it...
    REQUIRE(world.wait_for([&] { return log.text().find("not done yet") != std::string::npos; }, 20s));

    // ...while the incident's chat effects keep flowing: a note is answered and posted.
    CHECK_THAT(world.command("alice", kMain, "note Ticketing looks down; carrying on"), Contains("Note recorded"));
    REQUIRE(world.wait_for(
        [&] { return count_containing(world.slack.posts_in(kMain), "Ticketing looks down; carrying on") == 1; }, 10s));
    CHECK_THAT(world.command("alice", kMain, "status mitigating"), Contains("mitigating"));
    REQUIRE(world.wait_for([&] { return count_containing(world.slack.posts_in(kMain), "mitigating") >= 1; }, 10s));
    {
        // Still being tried: nobody told yet.
        const auto draft = world.draft(1);
        REQUIRE(draft);
        CHECK(draft->state == DraftState::approved);
        CHECK(draft->delivery_problem.empty());
        CHECK(count_containing(world.direct_messages_to("alice"), "not delivered") == 0);
    }

    // After the window, the lead is told.
    REQUIRE(world.wait_for([&] {
        return any_contains_all(world.direct_messages_to("alice"), {"approved but not delivered", "/incident retry D-1"});
    }, 40s));
    const auto told_after = std::chrono::steady_clock::now() - approved_at;
    CHECK(told_after >= 9s);
    CHECK(told_after < 30s);
    REQUIRE(world.wait_for(
        [&] { return any_contains_all(world.slack.posts_in(kMain), {"approved but not delivered", "/incident retry D-1"}); },
        10s));
    CHECK_THAT(world.command("alice", kMain, "show"), Contains("approved, delivery failed: "));
    CHECK_THAT(world.draft(1)->delivery_problem, Contains("could not be reached"));
    REQUIRE(world.wait_for([&] { return world.outbox_empty(); }, 20s));
    // Repeated meanwhile, more than once.
    std::size_t repeats = 0;
    const std::string logged = log.text();
    for (auto at = logged.find("not done yet"); at != std::string::npos; at = logged.find("not done yet", at + 1))
        ++repeats;
    CHECK(repeats >= 2);

    world.slack.stop();
    check_no_secret_shows(world, log, all_outside_secrets());
}

TEST_CASE("Slack, outside audiences: a busy webhook (429 Retry-After, then 500) and a busy status page get the text "
          "exactly once in the end",
          "[outside-slack]") {
    OutsideSlackWorld world;
    auto& webhook = world.outside.webhook;
    auto& statuspage = world.outside.statuspage;
    world.start();
    declare(world, "sev3");

    webhook.faults().rate_limit(1, 1);
    const std::string text = "Ticket: rotate the leaked token's siblings as well.";
    CHECK_THAT(world.command("alice", kMain, "draft ticketing " + text), Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Contains("D-1"));
    // The 429 came; the next answer is a 500 (set now: one switch at a time, the repeat waits out Retry-After: 1).
    REQUIRE(webhook.wait_for([&] { return !webhook.requests().empty(); }, 20s));
    webhook.faults().fail(1, 500);
    CHECK(webhook.requests().front().answered == 429);
    REQUIRE(webhook.wait_for([&] { return webhook.accepted().size() == 1; }, 30s));
    REQUIRE(world.wait_for([&] { return published(world, 1); }, 20s));
    REQUIRE(world.wait_for([&] { return world.outbox_empty(); }, 20s));
    {
        const auto requests = webhook.requests();
        REQUIRE(requests.size() == 3);
        CHECK(requests[0].answered == 429);
        CHECK(requests[1].answered == 500);
        CHECK(requests[2].answered / 100 == 2);
        // One delivery, repeated under one key.
        for (const auto& request : requests) CHECK(request.idempotency_key == requests[0].idempotency_key);
        const auto accepted = webhook.accepted();
        REQUIRE(accepted.size() == 1);
        CHECK(accepted[0].idempotency_key == requests[0].idempotency_key);
        CHECK(accepted[0].document.at("text") == text);
        CHECK(webhook.duplicates().empty());
        CHECK(webhook.faults().answers_forced() == 2);
    }

    // The status page: creating is rate limited, then fails, then its answer is cut short (the incident was made,
    // warroom cannot tell): still one status page incident, with the text once.
    statuspage.faults().rate_limit(1, 1, "create");
    const std::string status_text = "We are investigating a leaked token; no customer impact is known.";
    CHECK_THAT(world.command("alice", kMain, "draft status-page " + status_text), Contains("D-2"));
    world.slack.wait_until_member(kMain, "cora");   // customer-comms, invited to where the card is
    CHECK_THAT(world.command("alice", kMain, "approve D-2"), Contains("D-2"));
    CHECK_THAT(world.command("cora", kMain, "approve D-2"), Contains("D-2"));
    REQUIRE(statuspage.wait_for([&] { return statuspage.calls_of("create") >= 1; }, 20s));
    statuspage.faults().fail(1, 503, "create");
    REQUIRE(statuspage.wait_for([&] { return statuspage.calls_of("create") >= 2; }, 20s));
    statuspage.faults().truncate(1, "create");
    REQUIRE(world.wait_for([&] { return published(world, 2); }, 40s));
    REQUIRE(world.wait_for([&] { return world.outbox_empty(); }, 20s));
    CHECK(statuspage.faults().answers_forced() == 2);
    CHECK(statuspage.faults().answers_cut() == 1);
    const auto incidents = page_incidents(world);
    REQUIRE(incidents.size() == 1);
    CHECK(statuspage.creations() == 1);
    CHECK(std::count_if(incidents[0].updates.begin(), incidents[0].updates.end(),
                        [&](const auto& update) { return update.body == status_text; }) == 1);
    CHECK(count_containing(world.slack.posts_in(kMain), "not delivered") == 0);
}

TEST_CASE("Slack, outside audiences: a wrong status page key, a wrong SMTP password echoed back by the server and an "
          "unknown routing key are told to the lead without any secret in the log or in Slack",
          "[outside-slack]") {
    CapturedLog log;
    const std::string wrong_key = "sp-key-WRONG-0f9e8d7c6b5a";
    const std::string wrong_password = "smtp-pw-WRONG-Tz4Rw2";
    const std::string unknown_routing_key = "R0UT1NGKEYUNKNOWN0000000000009";
    OutsideSlackWorld world(page_security_at_sev1);
    world.outside.env.set("STATUSPAGE_API_KEY", wrong_key);
    world.outside.env.set("SMTP_PASSWORD", wrong_password);
    world.outside.env.set("PAGERDUTY_SECURITY_KEY", unknown_routing_key);
    world.outside.smtp.echo_credentials(true);   // a hostile server quotes the login back
    world.start();

    declare(world, "sev1");
    // The page is refused (400, unknown routing key): the lead is told to page another way.
    REQUIRE(world.wait_for(
        [&] { return any_contains_all(world.direct_messages_to("alice"), {"could not page security-oncall"}); }, 20s));

    world.slack.wait_until_member(kMain, "cora");
    CHECK_THAT(world.command("alice", kMain, "draft status-page We are investigating."), Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Contains("D-1"));
    CHECK_THAT(world.command("cora", kMain, "approve D-1"), Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "draft board The board hears of the leak."), Contains("D-2"));
    CHECK_THAT(world.command("alice", kMain, "approve D-2"), Contains("D-2"));
    REQUIRE(world.wait_for([&] {
        const auto told = world.direct_messages_to("alice");
        return any_contains_all(told, {"D-1 (status-page) was approved but not delivered"}) &&
               any_contains_all(told, {"D-2 (board) was approved but not delivered"});
    }, 30s));
    CHECK(world.outside.smtp.failed_logins() >= 1);
    CHECK(world.outside.smtp.messages().empty());
    CHECK(page_incidents(world).empty());
    CHECK_THAT(world.draft(1)->delivery_problem, Contains("401"));
    const std::string shown = world.command("alice", kMain, "show");
    CHECK_THAT(shown, Contains("D-1 status-page") && Contains("D-2 board") && Contains("approved, delivery failed"));
    REQUIRE(world.wait_for([&] { return world.outbox_empty(); }, 20s));

    world.slack.stop();
    std::vector<std::string> secrets = all_outside_secrets();
    for (const std::string& secret : {wrong_key, wrong_password, unknown_routing_key}) secrets.push_back(secret);
    // The password as AUTH LOGIN and AUTH PLAIN send it, which the server echoed.
    secrets.push_back(base64(wrong_password));
    secrets.push_back(base64(std::string(1, '\0') + kSmtpUser + '\0' + wrong_password));
    check_no_secret_shows(world, log, secrets);
    // Nor in what warroom answered the lead's /incident show.
    for (const std::string& secret : secrets) CHECK(shown.find(secret) == std::string::npos);
}

}  // namespace warroom::test

namespace warroom::test {

// A destination that takes its time (here the webhook holds its answer for
// 8 s, as one that is overloaded or blackholed up to the 30 s timeout would)
// must not hold up the incident's chat: the note typed meanwhile is posted at once.
TEST_CASE("Slack, outside audiences: a webhook slow to answer holds up no chat effect",
          "[outside-slack][slow-lane]") {
    OutsideSlackWorld world;
    auto& webhook = world.outside.webhook;
    world.start();
    declare(world, "sev3");
    webhook.faults().slow(1, 8s);
    CHECK_THAT(world.command("alice", kMain, "draft ticketing Held answer text."), Contains("D-1"));
    CHECK_THAT(world.command("alice", kMain, "approve D-1"), Contains("D-1"));
    REQUIRE(webhook.wait_for([&] { return !webhook.requests().empty(); }, 20s));   // the answer is being held
    const auto typed_at = std::chrono::steady_clock::now();
    CHECK_THAT(world.command("alice", kMain, "note Posted while the webhook is slow"), Contains("Note recorded"));
    REQUIRE(world.wait_for(
        [&] { return count_containing(world.slack.posts_in(kMain), "Posted while the webhook is slow") == 1; }, 20s));
    const auto took = std::chrono::steady_clock::now() - typed_at;
    INFO("the note was posted after "
         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
    CHECK(took < 3s);
    CHECK(webhook.faults().answers_held() == 1);
    REQUIRE(world.wait_for([&] { return published(world, 1); }, 30s));
    CHECK(webhook.accepted().size() == 1);
}

}  // namespace warroom::test
