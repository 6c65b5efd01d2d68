#pragma once
// What the outside destinations' simulators (webhook receiver, Statuspage,
// PagerDuty) share around their answers: the fault switches that replace an
// answer by a status (500, 503, 400, 410; 429 with Retry-After), keyed by the
// kind of call ("webhook", "create", "enqueue"; "*" for any), next to
// sim_common's switches that hold or cut an answer short; JSON answers;
// writing an answer as the switches say; and the core each simulator's Impl
// derives from (its guarded state and the server answering from it).
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include "sim_common/delivery_faults.hpp"
#include "sim_common/guarded_state.hpp"
#include "sim_common/http_message.hpp"
#include "sim_common/https_connection.hpp"
#include "sim_common/loopback_tls_server.hpp"

namespace warroom::outside_sim {

// The simulators' requests and answers.
using sim_common::HttpRequest;
using sim_common::HttpResponse;

// An answer put in place of the real one: the call is not run.
struct ForcedAnswer {
    unsigned status = 500;
    std::optional<int> retry_after_seconds;
};

// Not thread-safe: it lives in a simulator's guarded state.
class HttpFaultSwitches {
public:
    static constexpr const char* kAnyCall = "*";

    // The next `calls` answers to `call` have `status` (and Retry-After when given); the call is not run.
    void fail(const std::string& call, int calls, unsigned status, std::optional<int> retry_after_seconds = {});
    // The next `calls` answers to `call` are held for `delay`, or cut short; the call has run either way.
    void slow(const std::string& call, int calls, std::chrono::milliseconds delay);
    void cut_short(const std::string& call, int calls);

    // For the next answer to `call`: a forced answer when a switch for it (or for "*") is on, each use counted.
    std::optional<ForcedAnswer> take_forced(const std::string& call);
    // For the next answer to `call` that was not forced: held or cut, when a switch for it (or for "*") is on.
    sim_common::DeliveryFault take_delivery(const std::string& call);

    std::size_t answers_forced() const { return answers_forced_; }
    std::size_t answers_held() const { return delivery_.answers_held(); }
    std::size_t answers_cut() const { return delivery_.answers_cut(); }

private:
    struct Forced {
        int calls_left = 0;
        ForcedAnswer answer;
    };
    std::map<std::string, Forced> forced_;
    sim_common::DeliveryFaultSwitches delivery_;
    std::size_t answers_forced_ = 0;
};

// An answer with a JSON body (and Content-Type application/json).
sim_common::HttpResponse json_answer(const sim_common::HttpRequest& request, unsigned status,
                                     const nlohmann::json& body);
// The forced answer, with a JSON body naming the status as an error.
sim_common::HttpResponse forced_answer(const sim_common::HttpRequest& request, const ForcedAnswer& forced);

// A request header's value, "" when absent.
std::string header_value(const sim_common::HttpRequest& request, const std::string& name);

// The answer as `fault` says: held first, then either returned for serve_https to write, or written cut
// short here, the connection closed, and nullopt returned. `server_name` as serve_https was given.
boost::asio::awaitable<std::optional<sim_common::HttpResponse>> deliver_answer(sim_common::TlsStream& stream,
                                                                               sim_common::HttpResponse answer,
                                                                               sim_common::DeliveryFault fault,
                                                                               std::string server_name);

// A simulator's guarded State (with a member `faults`, an HttpFaultSwitches, and `answer(request)`, the
// answer to a request, run under the mutex) and the loopback HTTPS server answering from it: each answer is
// taken, then held or cut short as the switches for its call (`call_of(request)`) say. The derived Impl
// calls start() once its own members are set.
template <class State>
struct HttpSimulatorCore {
    using CallOf = std::function<std::string(const sim_common::HttpRequest&)>;

    sim_common::GuardedState<State> state;
    sim_common::LoopbackTlsServer server;

    // `simulator` ("webhook receiver") starts error messages; `tag` ("webhook-sim") names the CA file and
    // the server.
    HttpSimulatorCore(const char* simulator, const char* tag, CallOf call_of)
        : server(simulator, tag), tag_(tag), call_of_(std::move(call_of)) {}
    ~HttpSimulatorCore() { server.stop(); }
    HttpSimulatorCore(const HttpSimulatorCore&) = delete;
    HttpSimulatorCore& operator=(const HttpSimulatorCore&) = delete;

    void start() {
        server.start([this](boost::asio::ip::tcp::socket socket) { return serve(std::move(socket)); });
    }

private:
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket) {
        return sim_common::serve_https(std::move(socket), server.tls(), tag_,
                                       [this](sim_common::HttpRequest& request, sim_common::TlsStream& stream) {
                                           return handle(request, stream);
                                       });
    }

    boost::asio::awaitable<std::optional<sim_common::HttpResponse>> handle(sim_common::HttpRequest& request,
                                                                           sim_common::TlsStream& stream) {
        sim_common::HttpResponse response = state.update([&](State& s) { return s.answer(request); });
        // Taken once the call has run: a slow or cut answer is to something done.
        const std::string call = call_of_(request);
        const sim_common::DeliveryFault fault = state.update([&](State& s) { return s.faults.take_delivery(call); });
        co_return co_await deliver_answer(stream, std::move(response), fault, tag_);
    }

    const char* tag_;
    CallOf call_of_;
};

}  // namespace warroom::outside_sim
