#pragma once
// The base of each adapter's memory of platform ids (SlackRefs, MatrixRefs):
// one value per (kind, key) in storage's platform_refs, each read or written
// in a transaction of its own.
#include <optional>
#include <string>
#include <string_view>

#include "bot/platform_records.hpp"

namespace warroom::net {

class StoredRefs {
public:
    explicit StoredRefs(PlatformRecords& records) : records_(records) {}

protected:
    std::optional<std::string> get(std::string_view kind, std::string_view key) { return records_.ref(kind, key); }
    void set(std::string_view kind, std::string_view key, std::string_view value) {
        records_.set_refs({{kind, key, value}});
    }

    PlatformRecords& records_;
};

}  // namespace warroom::net
