// Fuzzes `warroom verify FILE.json`: verify_exported_text on any text
// someone might hand a reviewer as an exported incident.
//
// Properties: nothing throws or crashes; the answer is 0 with exactly one
// line on standard output, or 1 with nothing there and a reason on standard
// error; a file that verifies still verifies, with the same line, once
// re-serialised (other whitespace and key order); and it stops verifying when
// the name of any one actor in it changes.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bot/export.hpp"
#include "fuzz/fuzz_check.hpp"

using warroom::fuzz::require;

namespace {

struct Answer {
    int code = -1;
    std::string out, err;
};

Answer verify(std::string_view text) {
    std::ostringstream out, err;
    Answer answer;
    answer.code = warroom::verify_exported_text(text, "fuzz.json", out, err);
    answer.out = out.str();
    answer.err = err.str();
    return answer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const Answer answer = verify(text);
    require(answer.code == 0 || answer.code == 1, "verify answers 0 or 1", text);
    if (answer.code == 1) {
        require(answer.out.empty() && !answer.err.empty(), "a failure says why on stderr only", text);
        return 0;
    }
    require(answer.err.empty(), "a verified file prints nothing on stderr", text);
    require(!answer.out.empty() && answer.out.find('\n') == answer.out.size() - 1,
            "a verified file prints exactly one line", text);

    // The same JSON written differently is the same record.
    nlohmann::json file = nlohmann::json::parse(text);
    const std::string pretty = file.dump(3, ' ', true);
    const Answer again = verify(pretty);
    require(again.code == 0 && again.out == answer.out, "a verified file verifies again once re-serialised", pretty);

    // An entry whose actor's name changes no longer verifies.
    auto& entries = file["audit"];
    for (std::size_t i = 0; i < entries.size(); ++i) {
        nlohmann::json changed = file;
        auto& name = changed["audit"][i]["actor"]["name"];
        name = name.get<std::string>() + "!";
        const std::string edited = changed.dump();
        require(verify(edited).code == 1, "changing an actor's name breaks the chain", edited);
        if (i >= 4) break;   // a few are enough; the chain is checked entry by entry
    }
    return 0;
}
