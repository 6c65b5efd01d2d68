#include "adapters/net/url_encoding.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/hexdig_chars.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
// Boost.URL's separately compiled part, compiled here once (library
// warroom_url), so that code fuzzed without the network layer can link it.
#include <boost/url/src.hpp>

namespace warroom::net {
namespace {

namespace urls = boost::urls;

// Upper-case hex, spaces as %20 (never '+'): the output warroom always sent.
std::string encode_unreserved(std::string_view text) {
    return urls::encode(urls::string_view(text.data(), text.size()), urls::unreserved_chars, urls::encoding_opts{});
}

// Where the first '%' not followed by two hex digits is, or npos.
std::size_t malformed_escape(std::string_view text) {
    for (std::size_t at = text.find('%'); at != std::string_view::npos; at = text.find('%', at + 1)) {
        if (at + 2 >= text.size() || !urls::grammar::hexdig_chars(text[at + 1]) ||
            !urls::grammar::hexdig_chars(text[at + 2]))
            return at;
    }
    return std::string_view::npos;
}

}  // namespace

std::string encode_path_segment(std::string_view segment) { return encode_unreserved(segment); }

std::string encode_form_component(std::string_view text) { return encode_unreserved(text); }

std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [key, value] : fields) {
        if (!body.empty()) body += '&';
        body += encode_form_component(key);
        body += '=';
        body += encode_form_component(value);
    }
    return body;
}

std::string decode_component(std::string_view encoded, bool plus_is_space) {
    urls::encoding_opts options;
    options.space_as_plus = plus_is_space;
    std::string decoded;
    decoded.reserve(encoded.size());
    // Boost.URL decodes only well-formed text: the runs between malformed
    // escapes are decoded by it, and each malformed '%' is kept as it is.
    for (;;) {
        const std::size_t bad = malformed_escape(encoded);
        const std::string_view run = encoded.substr(0, bad);
        if (!run.empty()) {
            const auto valid = urls::make_pct_string_view(urls::string_view(run.data(), run.size()));
            valid.value().decode(options, urls::string_token::append_to(decoded));
        }
        if (bad == std::string_view::npos) return decoded;
        decoded += '%';
        encoded.remove_prefix(bad + 1);
    }
}

}  // namespace warroom::net
