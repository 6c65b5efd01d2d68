// The one translation unit that compiles Boost's separately compiled sources
// (Asio, Asio SSL, Beast, URL), so no other file pays for them.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/url/src.hpp>
