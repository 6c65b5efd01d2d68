// The Matrix client-server API client's own rules: how long a 429 waits,
// whatever the homeserver (or a proxy in front of it) puts in retry_after_ms
// and Retry-After.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>

#include "adapters/matrix/client_api.hpp"

using namespace warroom::matrix;
using namespace std::chrono_literals;

TEST_CASE("Matrix rate limits: retry_after_ms and Retry-After of any size wait between 50 ms and 5 minutes",
          "[matrix]") {
    const std::optional<std::chrono::seconds> no_header;
    // As asked, within the bounds.
    CHECK(rate_limit_wait(R"({"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":1500})", no_header) == 1500ms);
    CHECK(rate_limit_wait(R"({"retry_after_ms":0})", no_header) == 50ms);
    CHECK(rate_limit_wait(R"({"retry_after_ms":-1})", no_header) == 50ms);
    CHECK(rate_limit_wait(R"({"retry_after_ms":2500.7})", no_header) == 2500ms);
    // The largest signed and unsigned 64-bit counts, one beyond any 64-bit integer, and a float of 300 digits.
    CHECK(rate_limit_wait(R"({"retry_after_ms":9223372036854775807})", no_header) == 5min);
    CHECK(rate_limit_wait(R"({"retry_after_ms":18446744073709551615})", no_header) == 5min);
    CHECK(rate_limit_wait(R"({"retry_after_ms":99999999999999999999999})", no_header) == 5min);
    CHECK(rate_limit_wait(R"({"retry_after_ms":1e300})", no_header) == 5min);
    // Retry-After in seconds when the body has no retry_after_ms (or is a proxy's page); milliseconds would
    // overflow if seconds this large were converted before being clamped.
    CHECK(rate_limit_wait("{}", std::chrono::seconds(3)) == 3s);
    CHECK(rate_limit_wait("<html>429</html>", std::chrono::seconds(9223372036854775807LL)) == 5min);
    CHECK(rate_limit_wait(R"({"retry_after_ms":"soon"})", std::chrono::seconds(4)) == 4s);
    // Neither: the default.
    CHECK(rate_limit_wait("", no_header) == 2s);
}
