#pragma once
// The base of each adapter's memory of platform ids (SlackRefs, MatrixRefs):
// one value per (kind, key) in storage's platform_refs, each read or written
// in a transaction of its own.
#include <optional>
#include <string>
#include <string_view>

#include "storage/store.hpp"

namespace warroom::net {

class StoredRefs {
public:
    explicit StoredRefs(Store& store) : store_(store) {}

protected:
    std::optional<std::string> get(std::string_view kind, std::string_view key) {
        auto tx = store_.begin();
        return tx->platform_ref(kind, key);
    }

    void set(std::string_view kind, std::string_view key, std::string_view value) {
        auto tx = store_.begin();
        tx->set_platform_ref(kind, key, value);
        tx->commit();
    }

    Store& store_;
};

}  // namespace warroom::net
