#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace warroom::sim_common {

// The completion token of the simulators' coroutines: an error comes back as the first value of a tuple
// instead of as an exception, since for a server a client that closes, resets or goes quiet is routine.
inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace warroom::sim_common
