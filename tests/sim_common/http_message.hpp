#pragma once
// The HTTP messages the simulators read and answer. Beast's message types only,
// cheap to include; Beast's I/O stays with the connections (https_connection).
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace warroom::sim_common {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace warroom::sim_common
