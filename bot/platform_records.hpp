#pragma once
// What an adapter keeps and looks up beside the engine's commands: the
// platform's ids (storage's platform_refs: channel ids, where cards were
// posted, the sync position) and the few incident facts a performer needs to
// place a post. Adapters hold this role, not the Store: they cannot change an
// incident, a draft or the outbox. Each call is a transaction of its own.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "bot/ids.hpp"
#include "bot/store.hpp"

namespace warroom {

class PlatformRecords {
public:
    explicit PlatformRecords(Store& store) : store_(store) {}

    std::optional<std::string> ref(std::string_view kind, std::string_view key);

    struct Ref {
        std::string_view kind;   // "slack.channel", "matrix.room", ...
        std::string_view key;
        std::string_view value;
    };
    // Sets them together: all or none.
    void set_refs(std::initializer_list<Ref> refs);

    bool is_incident_channel(const ChannelName& channel);
    std::optional<UserId> lead_of(IncidentId incident);
    std::optional<ChannelName> main_channel_of(IncidentId incident);

private:
    Store& store_;
};

}  // namespace warroom
