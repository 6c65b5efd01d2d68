#include "outside_sim/pagerduty_simulator.hpp"

#include <map>
#include <set>
#include <utility>

#include <boost/beast/http/verb.hpp>

#include "outside_sim/http_fault_switches.hpp"
#include "sim_common/request_target.hpp"

namespace warroom::outside_sim {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr const char* kCall = "enqueue";   // the one kind of call, for the fault switches
constexpr std::size_t kSummaryLimit = 1024;   // characters
constexpr std::size_t kDedupKeyLimit = 255;

std::size_t code_points(const std::string& text) {
    std::size_t count = 0;
    for (const unsigned char c : text) count += (c & 0xc0) != 0x80;
    return count;
}

std::string string_field(const json& object, const char* name) {
    if (!object.is_object() || !object.contains(name) || !object[name].is_string()) return {};
    return object[name].get<std::string>();
}

// What PagerDuty finds wrong with the event, as its "errors" list; empty when it is valid.
std::vector<std::string> event_errors(const json& event, const std::set<std::string>& routing_keys) {
    std::vector<std::string> errors;
    if (!event.is_object()) return {"Event object must be a JSON object"};
    const std::string routing_key = string_field(event, "routing_key");
    if (routing_key.empty()) errors.emplace_back("'routing_key' is missing or blank");
    else if (!routing_keys.contains(routing_key)) errors.emplace_back("Invalid routing key");
    const std::string action = string_field(event, "event_action");
    if (action != "trigger" && action != "acknowledge" && action != "resolve")
        errors.emplace_back("'event_action' must be one of trigger, acknowledge, resolve");
    const std::string dedup_key = string_field(event, "dedup_key");
    if (dedup_key.size() > kDedupKeyLimit) errors.emplace_back("'dedup_key' is longer than 255 characters");
    if (action != "trigger" && dedup_key.empty()) errors.emplace_back("'dedup_key' is required for " + action);
    if (action == "trigger") {
        const json payload = event.contains("payload") ? event["payload"] : json(nullptr);
        const std::string summary = string_field(payload, "summary");
        const std::string severity = string_field(payload, "severity");
        if (summary.empty()) errors.emplace_back("'payload.summary' is missing or blank");
        if (code_points(summary) > kSummaryLimit)
            errors.emplace_back("'payload.summary' is longer than 1024 characters");
        if (string_field(payload, "source").empty()) errors.emplace_back("'payload.source' is missing or blank");
        if (severity != "critical" && severity != "error" && severity != "warning" && severity != "info")
            errors.emplace_back("'payload.severity' must be one of critical, error, warning, info");
    }
    return errors;
}

HttpResponse invalid_event(const HttpRequest& request, std::vector<std::string> errors) {
    const json body{{"status", "invalid event"}, {"message", "Event object is invalid"}, {"errors", std::move(errors)}};
    return json_answer(request, 400, body);
}

struct PagerDutyState {
    std::set<std::string> routing_keys;
    std::map<std::pair<std::string, std::string>, PagerDutyAlert> alerts;
    std::vector<PagerDutyEvent> events;
    int generated_keys = 0;
    HttpFaultSwitches faults;

    HttpResponse answer(const HttpRequest& request) {
        PagerDutyEvent seen{std::string(request.target()), json::parse(request.body(), nullptr, false), 0};
        if (seen.body.is_discarded()) seen.body = nullptr;
        HttpResponse response = respond(request, seen.body);
        seen.answered = response.result_int();
        events.push_back(std::move(seen));
        return response;
    }

    HttpResponse respond(const HttpRequest& request, const json& event) {
        if (sim_common::split_target(request.target()).path != "/v2/enqueue")
            return json_answer(request, 404, {{"status", "not found"}, {"message", "no such path"}});
        if (request.method() != http::verb::post)
            return json_answer(request, 405, {{"status", "method not allowed"}, {"message", "use POST"}});
        if (auto forced = faults.take_forced(kCall)) return forced_answer(request, *forced);
        if (event.is_null()) return invalid_event(request, {"The body is not JSON"});
        if (std::vector<std::string> errors = event_errors(event, routing_keys); !errors.empty())
            return invalid_event(request, std::move(errors));

        const std::string action = string_field(event, "event_action");
        std::string dedup_key = string_field(event, "dedup_key");
        if (dedup_key.empty()) dedup_key = "pd-sim-" + std::to_string(++generated_keys);   // PagerDuty makes one
        const json payload = event.contains("payload") ? event["payload"] : json();
        perform(string_field(event, "routing_key"), dedup_key, action, payload);
        const json accepted{{"status", "success"}, {"message", "Event processed"}, {"dedup_key", dedup_key}};
        return json_answer(request, 202, accepted);
    }

    void perform(const std::string& routing_key, const std::string& dedup_key, const std::string& action,
                 const json& payload) {
        const auto key = std::make_pair(routing_key, dedup_key);
        auto found = alerts.find(key);
        if (action == "trigger") {
            if (found == alerts.end()) {
                PagerDutyAlert fresh;
                fresh.routing_key = routing_key;
                fresh.dedup_key = dedup_key;
                found = alerts.emplace(key, std::move(fresh)).first;
            }
            PagerDutyAlert& alert = found->second;
            ++alert.triggers;
            if (!alert.triggered) ++alert.opened;
            alert.triggered = true;
            alert.summary = string_field(payload, "summary");
            alert.source = string_field(payload, "source");
            alert.severity = string_field(payload, "severity");
        } else if (action == "resolve" && found != alerts.end()) {
            // A resolve of a key never triggered does nothing, as on PagerDuty.
            ++found->second.resolves;
            found->second.triggered = false;
        }
    }
};

}  // namespace

struct PagerDutySimulator::Impl : HttpSimulatorCore<PagerDutyState> {

    explicit Impl(std::vector<std::string> routing_keys)
        : HttpSimulatorCore("pagerduty simulator", "pagerduty-sim",
                            [](const HttpRequest&) { return std::string(kCall); }) {
        state.update([&](PagerDutyState& s) { s.routing_keys.insert(routing_keys.begin(), routing_keys.end()); });
        start();
    }
};

PagerDutySimulator::PagerDutySimulator(std::vector<std::string> routing_keys)
    : PagerDutySimulator(std::make_unique<Impl>(std::move(routing_keys))) {}

PagerDutySimulator::PagerDutySimulator(std::unique_ptr<Impl> impl)
    : HttpSimulatorFront(impl->state, impl->server, kCall), impl_(std::move(impl)) {}

PagerDutySimulator::~PagerDutySimulator() = default;

std::string PagerDutySimulator::url() const { return "https://localhost:" + std::to_string(port()); }

void PagerDutySimulator::add_routing_key(const std::string& routing_key) {
    impl_->state.update([&](PagerDutyState& s) { s.routing_keys.insert(routing_key); });
}

std::optional<PagerDutyAlert> PagerDutySimulator::alert(const std::string& routing_key,
                                                        const std::string& dedup_key) const {
    return impl_->state.read([&](const PagerDutyState& s) -> std::optional<PagerDutyAlert> {
        auto found = s.alerts.find({routing_key, dedup_key});
        if (found == s.alerts.end()) return std::nullopt;
        return found->second;
    });
}

std::vector<PagerDutyAlert> PagerDutySimulator::alerts() const {
    return impl_->state.read([](const PagerDutyState& s) {
        std::vector<PagerDutyAlert> all;
        for (const auto& [key, alert] : s.alerts) all.push_back(alert);
        return all;
    });
}

std::vector<PagerDutyEvent> PagerDutySimulator::events() const {
    return impl_->state.read([](const PagerDutyState& s) { return s.events; });
}

}  // namespace warroom::outside_sim
