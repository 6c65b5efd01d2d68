#pragma once
// /sync as a homeserver answers it, for one session and one point in the
// stream. An initial sync (no since) gives each joined room its recent
// timeline and current state, and each invite its stripped state; an
// incremental one only what came after `since`, with rooms the user joined
// since then given in full. Empty sections are left out, as Synapse does.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "matrix_sim/event_filter.hpp"
#include "matrix_sim/homeserver.hpp"

namespace warroom::matrix_sim {

struct SyncRequest {
    std::optional<std::int64_t> since;   // stream position; nullopt for an initial sync
    SyncFilter filter;
    bool full_state = false;
};

// `token` is the caller's access token (for unsigned.transaction_id). `now_ms` stamps unsigned.age.
nlohmann::json build_sync(const Homeserver& server, const Session& session, const std::string& token,
                          const SyncRequest& request, std::int64_t now_ms);

// Whether a sync answer carries nothing for any room: an incremental sync waits for more.
bool sync_is_empty(const nlohmann::json& response);

}  // namespace warroom::matrix_sim
