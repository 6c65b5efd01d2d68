// The simulator's front door: HTTPS on its loopback port (sim_common serves
// the connections), each request handed to the client API; a /sync with nothing
// new is held on a timer that the event stream's next move cancels.
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "matrix_sim/client_api.hpp"
#include "matrix_sim/simulator_impl.hpp"
#include "sim_common/delivery_faults.hpp"
#include "sim_common/https_connection.hpp"
#include "sim_common/use_nothrow.hpp"

namespace warroom::matrix_sim {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using sim_common::HttpRequest;
using sim_common::HttpResponse;
using sim_common::use_nothrow;

namespace {

// Takes the timer out of held_syncs however the wait ends (also when the io_context frees the frame at shutdown).
class HeldSync {
public:
    HeldSync(std::set<asio::steady_timer*>& held, asio::steady_timer& timer) : held_(held), timer_(timer) {
        held_.insert(&timer_);
    }
    ~HeldSync() { held_.erase(&timer_); }
    HeldSync(const HeldSync&) = delete;
    HeldSync& operator=(const HeldSync&) = delete;

private:
    std::set<asio::steady_timer*>& held_;
    asio::steady_timer& timer_;
};

}  // namespace

asio::awaitable<std::optional<HttpResponse>> MatrixSimulator::Impl::handle_request(const HttpRequest& request,
                                                                                   sim_common::TlsStream& stream) {
    ApiCall call;
    call.method = std::string(request.method_string());
    call.target = std::string(request.target());
    call.authorization = std::string(request[http::field::authorization]);
    call.body = request.body();

    // A held sync: asked again whenever the stream moves, and a last time when its timeout has passed.
    ApiAnswer answer = update([&](Homeserver& s) { return handle_client_api(s, call); });
    if (answer.hold) {
        auto give_up_at = std::chrono::steady_clock::now() + *answer.hold;
        update([](Homeserver& s) { ++s.syncs_waiting; });
        asio::steady_timer timer(server.io());
        while (answer.hold) {
            timer.expires_at(give_up_at);
            {
                HeldSync held(held_syncs, timer);
                // Cancelled (the stream moved) or expired (time is up): either way, ask again.
                co_await timer.async_wait(use_nothrow);
            }
            ApiAttempt again{true, std::chrono::steady_clock::now() >= give_up_at};
            answer = update([&](Homeserver& s) { return handle_client_api(s, call, again); });
        }
        update([](Homeserver& s) { --s.syncs_waiting; });
    }

    std::optional<HttpResponse> response(std::in_place, static_cast<http::status>(answer.status), request.version());
    response->set(http::field::content_type, answer.content_type);
    if (answer.retry_after_seconds)
        response->set(http::field::retry_after, std::to_string(*answer.retry_after_seconds));
    response->body() = std::move(answer.body);
    if (answer.delivery.delay.count() > 0) co_await sim_common::hold_answer(answer.delivery.delay);
    if (answer.delivery.cut_short) {
        std::string server_name = "matrix-sim";
        co_await sim_common::write_cut_short(stream, std::move(*response), std::move(server_name));
        co_return std::nullopt;
    }
    co_return std::move(response);
}

void MatrixSimulator::Impl::wake_held_syncs() {
    for (asio::steady_timer* timer : held_syncs) timer->cancel();
}

asio::awaitable<void> MatrixSimulator::Impl::serve_http(tcp::socket socket) {
    return sim_common::serve_https(
        std::move(socket), server.tls(), "matrix-sim",
        [this](HttpRequest& request, sim_common::TlsStream& stream) { return handle_request(request, stream); });
}

}  // namespace warroom::matrix_sim
