#include "adapters/net/connection_error.hpp"

namespace warroom::net {

std::string error_text(const std::exception& error) {
    if (dynamic_cast<const ConnectionError*>(&error)) return error.what();
    if (const auto* system = dynamic_cast<const boost::system::system_error*>(&error)) {
        // what() is "PREFIX: " + code().what(), and code().what() is the message plus
        // " [category:value at file:line in function ...]".
        std::string text = system->what();
        const std::string noisy = system->code().what();
        if (text.ends_with(noisy)) {
            text.resize(text.size() - noisy.size());
            text += system->code().message();
        }
        return text;
    }
    return error.what();
}

}  // namespace warroom::net
