// The one translation unit that compiles Boost's separately compiled sources
// (Asio, Asio SSL, Beast), so no other file pays for them. Boost.URL's is
// compiled in url_encoding.cpp (library warroom_url).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
