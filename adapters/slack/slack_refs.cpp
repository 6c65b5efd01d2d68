#include "adapters/slack/slack_refs.hpp"

namespace warroom::slack {
namespace {

constexpr std::string_view kChannelId = "slack.channel";
constexpr std::string_view kChannelName = "slack.channel_name";
constexpr std::string_view kDirect = "slack.direct";
constexpr std::string_view kCard = "slack.card";
constexpr std::string_view kEscalationCard = "slack.escalation_card";
constexpr std::string_view kPostAttempt = "slack.post_attempt";
constexpr std::string_view kPiecesPosted = "slack.pieces_posted";

std::string encode(const MessageRef& where) { return where.channel.value() + " " + where.ts.value(); }

std::optional<MessageRef> decode(const std::optional<std::string>& value) {
    if (!value) return std::nullopt;
    const auto space = value->find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == value->size()) return std::nullopt;
    return MessageRef{SlackChannelId{value->substr(0, space)}, MessageTs{value->substr(space + 1)}};
}

}  // namespace

std::optional<SlackChannelId> SlackRefs::channel_id(const ChannelName& name) {
    if (auto known = ids_by_name_.find(name); known != ids_by_name_.end()) return known->second;
    auto id = get(kChannelId, name.value());
    if (!id) return std::nullopt;
    ids_by_name_.emplace(name, SlackChannelId{*id});
    return SlackChannelId{*id};
}

std::optional<ChannelName> SlackRefs::channel_name(const SlackChannelId& id) {
    if (auto known = names_by_id_.find(id); known != names_by_id_.end()) return known->second;
    auto name = get(kChannelName, id.value());
    if (!name) return std::nullopt;
    names_by_id_.emplace(id, ChannelName{*name});
    return ChannelName{*name};
}

void SlackRefs::remember_channel(const ChannelName& name, const SlackChannelId& id) {
    records_.set_refs({{kChannelId, name.value(), id.value()}, {kChannelName, id.value(), name.value()}});
    ids_by_name_.insert_or_assign(name, id);
    names_by_id_.insert_or_assign(id, name);
}

std::optional<SlackChannelId> SlackRefs::direct_channel(const UserId& user) {
    if (auto id = get(kDirect, user.value())) return SlackChannelId{*id};
    return std::nullopt;
}

void SlackRefs::remember_direct_channel(const UserId& user, const SlackChannelId& id) {
    set(kDirect, user.value(), id.value());
}

std::optional<MessageRef> SlackRefs::card(const DraftRevision& draft) {
    if (auto where = decode(get(kCard, to_string(draft)))) return where;
    if (draft.revision == 1) return decode(get(kCard, to_string(draft.draft)));
    return std::nullopt;
}

void SlackRefs::remember_card(const DraftRevision& draft, const MessageRef& where) {
    set(kCard, to_string(draft), encode(where));
}

std::optional<MessageRef> SlackRefs::escalation_card(const EscalationId& escalation) {
    return decode(get(kEscalationCard, to_string(escalation)));
}

void SlackRefs::remember_escalation_card(const EscalationId& escalation, const MessageRef& where) {
    set(kEscalationCard, to_string(escalation), encode(where));
}

bool SlackRefs::post_attempted(OutboxJobId job) { return get(kPostAttempt, std::to_string(job.value())).has_value(); }

void SlackRefs::mark_post_attempted(OutboxJobId job) { set(kPostAttempt, std::to_string(job.value()), "1"); }

std::size_t SlackRefs::pieces_posted(OutboxJobId job) {
    const auto value = get(kPiecesPosted, std::to_string(job.value()));
    if (!value) return 0;
    try {
        return static_cast<std::size_t>(std::stoul(*value));
    } catch (const std::exception&) {
        return 0;   // unreadable: post from the start rather than skip a piece
    }
}

void SlackRefs::mark_pieces_posted(OutboxJobId job, std::size_t pieces) {
    set(kPiecesPosted, std::to_string(job.value()), std::to_string(pieces));
}

}  // namespace warroom::slack
