#include "bot/platform_records.hpp"

namespace warroom {

std::optional<std::string> PlatformRecords::ref(std::string_view kind, std::string_view key) {
    auto tx = store_.begin();
    return tx->platform_ref(kind, key);
}

void PlatformRecords::set_refs(std::initializer_list<Ref> refs) {
    auto tx = store_.begin();
    for (const Ref& ref : refs) tx->set_platform_ref(ref.kind, ref.key, ref.value);
    tx->commit();
}

bool PlatformRecords::is_incident_channel(const ChannelName& channel) {
    auto tx = store_.begin();
    return tx->incident_for_channel(channel).has_value();
}

std::optional<UserId> PlatformRecords::lead_of(IncidentId incident) {
    auto tx = store_.begin();
    if (auto found = tx->incident(incident)) return found->lead;
    return std::nullopt;
}

std::optional<ChannelName> PlatformRecords::main_channel_of(IncidentId incident) {
    auto tx = store_.begin();
    if (auto found = tx->incident(incident)) return found->main_channel().name;
    return std::nullopt;
}

}  // namespace warroom
