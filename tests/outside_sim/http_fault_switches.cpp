#include "outside_sim/http_fault_switches.hpp"

#include <utility>

#include "outside_sim/http_fault_control.hpp"
#include "sim_common/loopback_tls_server.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

namespace warroom::outside_sim {

namespace http = boost::beast::http;

void HttpFaultSwitches::fail(const std::string& call, int calls, unsigned status,
                             std::optional<int> retry_after_seconds) {
    forced_[call] = Forced{calls, ForcedAnswer{status, retry_after_seconds}};
}

void HttpFaultSwitches::slow(const std::string& call, int calls, std::chrono::milliseconds delay) {
    delivery_.slow(call, calls, delay);
}

void HttpFaultSwitches::cut_short(const std::string& call, int calls) {
    delivery_.cut_short(call, calls);
}

std::optional<ForcedAnswer> HttpFaultSwitches::take_forced(const std::string& call) {
    for (const std::string& key : {call, std::string(kAnyCall)}) {
        auto found = forced_.find(key);
        if (found == forced_.end() || found->second.calls_left <= 0) continue;
        --found->second.calls_left;
        ++answers_forced_;
        return found->second.answer;
    }
    return std::nullopt;
}

sim_common::DeliveryFault HttpFaultSwitches::take_delivery(const std::string& call) {
    sim_common::DeliveryFault fault = delivery_.take(call);
    if (fault.delay.count() == 0 && !fault.cut_short) fault = delivery_.take(kAnyCall);
    return fault;
}

void HttpFaultControl::fail(int calls, unsigned status, const std::string& call) {
    change_([&](HttpFaultSwitches& faults) { faults.fail(call_or_default(call), calls, status); });
}

void HttpFaultControl::rate_limit(int calls, int retry_after_seconds, const std::string& call) {
    change_([&](HttpFaultSwitches& faults) { faults.fail(call_or_default(call), calls, 429, retry_after_seconds); });
}

void HttpFaultControl::slow(int calls, std::chrono::milliseconds delay, const std::string& call) {
    change_([&](HttpFaultSwitches& faults) { faults.slow(call_or_default(call), calls, delay); });
}

void HttpFaultControl::truncate(int calls, const std::string& call) {
    change_([&](HttpFaultSwitches& faults) { faults.cut_short(call_or_default(call), calls); });
}

void HttpFaultControl::fail_handshakes(int connections) { server_.fail_handshakes(connections); }

std::size_t HttpFaultControl::answers_forced() const {
    return count_([](const HttpFaultSwitches& faults) { return faults.answers_forced(); });
}

std::size_t HttpFaultControl::answers_held() const {
    return count_([](const HttpFaultSwitches& faults) { return faults.answers_held(); });
}

std::size_t HttpFaultControl::answers_cut() const {
    return count_([](const HttpFaultSwitches& faults) { return faults.answers_cut(); });
}

std::size_t HttpFaultControl::handshakes_failed() const { return server_.handshakes_failed(); }

unsigned short HttpSimulatorFront::port() const { return server_.port(); }

std::string HttpSimulatorFront::ca_file() const { return server_.ca_file(); }

bool HttpSimulatorFront::wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) const {
    return wait_(condition, deadline);
}

sim_common::HttpResponse json_answer(const sim_common::HttpRequest& request, unsigned status,
                                     const nlohmann::json& body) {
    sim_common::HttpResponse answer{static_cast<http::status>(status), request.version()};
    answer.set(http::field::content_type, "application/json");
    answer.body() = body.dump();
    answer.prepare_payload();
    return answer;
}

sim_common::HttpResponse forced_answer(const sim_common::HttpRequest& request, const ForcedAnswer& forced) {
    std::string reason(http::obsolete_reason(static_cast<http::status>(forced.status)));
    sim_common::HttpResponse answer =
        json_answer(request, forced.status, {{"error", reason.empty() ? "forced failure" : reason}});
    if (forced.retry_after_seconds) answer.set(http::field::retry_after, std::to_string(*forced.retry_after_seconds));
    return answer;
}

std::string header_value(const sim_common::HttpRequest& request, const std::string& name) {
    auto found = request.find(name);
    if (found == request.end()) return {};
    return std::string(found->value());
}

boost::asio::awaitable<std::optional<sim_common::HttpResponse>> deliver_answer(sim_common::TlsStream& stream,
                                                                               sim_common::HttpResponse answer,
                                                                               sim_common::DeliveryFault fault,
                                                                               std::string server_name) {
    if (fault.delay.count() > 0) co_await sim_common::hold_answer(fault.delay);
    if (fault.cut_short) {
        co_await sim_common::write_cut_short(stream, std::move(answer), std::move(server_name));
        co_return std::nullopt;
    }
    co_return std::move(answer);
}

}  // namespace warroom::outside_sim
