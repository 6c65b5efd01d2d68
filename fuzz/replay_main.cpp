// A stand-in for libFuzzer's main in builds without libFuzzer (GCC, the
// sanitizer build): feeds every file in the directories named on the command
// line to LLVMFuzzerTestOneInput once, so the committed corpus and every past
// crash run as an ordinary test. A violated property aborts, failing the test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path directory(argv[i]);
        if (!std::filesystem::is_directory(directory)) {
            std::fprintf(stderr, "replay: %s is not a directory\n", argv[i]);
            return 2;
        }
        // Sorted, so a failure names the same input on every machine.
        std::vector<std::filesystem::path> inputs;
        for (const auto& entry : std::filesystem::directory_iterator(directory))
            if (entry.is_regular_file()) inputs.push_back(entry.path());
        std::sort(inputs.begin(), inputs.end());
        for (const auto& input : inputs) {
            std::fprintf(stderr, "replay: %s\n", input.string().c_str());
            const std::vector<std::uint8_t> bytes = read_file(input);
            // Like libFuzzer, never hand the target a null pointer for empty input.
            static const std::uint8_t kEmpty = 0;
            LLVMFuzzerTestOneInput(bytes.empty() ? &kEmpty : bytes.data(), bytes.size());
            ++replayed;
        }
    }
    std::printf("replayed %zu inputs\n", replayed);
    return 0;
}
