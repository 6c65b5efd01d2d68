#include "bot/effect_codec.hpp"

#include <nlohmann/json.hpp>

#include "bot/store.hpp"

namespace warroom {
namespace {

using nlohmann::json;

json optional_user(const std::optional<UserId>& user) {
    return user ? json(user->value()) : json(nullptr);
}

json optional_time(const std::optional<Time>& time) {
    return time ? json(to_unix_ms(*time)) : json(nullptr);
}

json users(const std::vector<UserId>& list) {
    json out = json::array();
    for (const UserId& user : list) out.push_back(user.value());
    return out;
}

json encode_card(const Card& card) {
    return json{{"draft", card.draft.value()},
                {"incident", card.incident.value()},
                {"incident_title", card.incident_title},
                {"audience", card.audience},
                {"audience_channel", card.audience_channel},
                {"destination", card.destination},
                {"author", card.author.value()},
                {"text", card.text},
                {"revision", card.revision},
                {"state", to_string(card.state)},
                {"decided_by", optional_user(card.decided_by)},
                {"decided_at", optional_time(card.decided_at)},
                {"reason", card.reason},
                {"rerouted_to", optional_user(card.rerouted_to)},
                {"exercise", card.exercise},
                {"lead", card.lead.value()},
                {"approvers_group", card.approvers_group},
                {"approvers", users(card.approvers)},
                {"lead_approval", optional_user(card.lead_approval)},
                {"approver_approval", optional_user(card.approver_approval)},
                {"outdated", card.outdated},
                {"delivery_problem", card.delivery_problem}};
}

json encode_escalation_card(const EscalationCard& card) {
    json executives = json::array();
    for (const UserId& user : card.executives) executives.push_back(user.value());
    return json{{"escalation", card.escalation.value()},
                {"incident", card.incident.value()},
                {"incident_title", card.incident_title},
                {"requested_by", card.requested_by.value()},
                {"text", card.text},
                {"deadline", optional_time(card.deadline)},
                {"executives", std::move(executives)},
                {"state", to_string(card.state)},
                {"decided_by", optional_user(card.decided_by)},
                {"decided_at", optional_time(card.decided_at)},
                {"comment", card.comment},
                {"exercise", card.exercise}};
}

json encode(const CreateChannel& e) {
    return json{{"type", "create_channel"},
                {"name", e.name.value()},
                {"incident", e.incident.value()},
                {"is_private", e.is_private},
                {"topic", e.topic}};
}

json encode(const InviteUsers& e) {
    json users = json::array();
    for (const UserId& user : e.users) users.push_back(user.value());
    return json{{"type", "invite"}, {"channel", e.channel.value()}, {"users", std::move(users)}};
}

json encode(const PostMessage& e) {
    json out{{"type", "post"},
             {"channel", e.channel ? json(e.channel->value()) : json(nullptr)},
             {"user", optional_user(e.user)},
             {"text", e.text},
             {"pin", e.pin}};
    // Written only when not plain: plain posts stay as they were stored
    // before the field existed, and an effect without it decodes as plain.
    if (e.format == TextFormat::markdown) out["format"] = "markdown";
    return out;
}

json encode(const PostCard& e) {
    return json{{"type", "post_card"}, {"to", e.to.value()}, {"card", encode_card(e.card)}};
}

json encode(const UpdateCard& e) {
    return json{{"type", "update_card"}, {"to", e.to.value()}, {"card", encode_card(e.card)}};
}

json encode(const Publish& e) {
    return json{{"type", "publish"},
                {"draft", e.draft.value()},
                {"channel", e.channel.value()},
                {"text", e.text}};
}

json encode(const PostEscalation& e) {
    return json{{"type", "post_escalation"}, {"channel", e.channel.value()}, {"card", encode_escalation_card(e.card)}};
}

json encode(const UpdateEscalation& e) {
    return json{{"type", "update_escalation"}, {"channel", e.channel.value()}, {"card", encode_escalation_card(e.card)}};
}

json encode(const HandOverChannels& e) {
    json channels = json::array();
    for (const ChannelName& channel : e.channels) channels.push_back(channel.value());
    return json{{"type", "hand_over_channels"},
                {"incident", e.incident.value()},
                {"channels", std::move(channels)},
                {"from", e.from.value()},
                {"to", e.to.value()}};
}

json encode(const Deliver& e) {
    return json{{"type", "deliver"},
                {"draft", e.draft.value()},
                {"revision", e.revision},
                {"incident", e.incident.value()},
                {"incident_title", e.incident_title},
                {"severity", to_string(e.severity)},
                {"status", to_string(e.status)},
                {"audience", e.audience},
                {"destination", e.destination},
                {"text", e.text},
                {"author", e.author.value()},
                {"approver", e.approver.value()},
                {"drafted_at", to_unix_ms(e.drafted_at)},
                {"approved_at", to_unix_ms(e.approved_at)}};
}

json encode(const ResolveStatusPage& e) {
    return json{{"type", "resolve_status_page"},
                {"incident", e.incident.value()},
                {"audience", e.audience},
                {"destination", e.destination}};
}

json encode(const Page& e) {
    return json{{"type", "page"},
                {"incident", e.incident.value()},
                {"pager", e.pager},
                {"action", e.action == PageAction::trigger ? "trigger" : "resolve"},
                {"severity", to_string(e.severity)},
                {"summary", e.summary}};
}

// Readers: a missing or mistyped required field throws json::exception, which
// decode_effect turns into StorageError.
std::string text(const json& j, const char* key) { return j.at(key).get<std::string>(); }
std::int64_t number(const json& j, const char* key) { return j.at(key).get<std::int64_t>(); }

// Optional fields may be absent or null.
template <class T>
std::optional<T> maybe(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return it->get<T>();
}

std::optional<UserId> maybe_user(const json& j, const char* key) {
    if (auto value = maybe<std::string>(j, key)) return UserId{*value};
    return std::nullopt;
}

std::optional<Time> maybe_time(const json& j, const char* key) {
    if (auto ms = maybe<std::int64_t>(j, key)) return from_unix_ms(*ms);
    return std::nullopt;
}

Severity severity(const json& j) {
    const auto parsed = parse_severity(text(j, "severity"));
    if (!parsed) throw StorageError("effect has an unknown severity: " + text(j, "severity"));
    return *parsed;
}

Card decode_card(const json& j) {
    Card card;
    card.draft = DraftId{number(j, "draft")};
    card.incident = IncidentId{number(j, "incident")};
    card.incident_title = text(j, "incident_title");
    card.audience = text(j, "audience");
    card.audience_channel = text(j, "audience_channel");
    card.destination = j.value("destination", std::string{});
    card.author = UserId{text(j, "author")};
    card.text = text(j, "text");
    card.revision = j.at("revision").get<int>();
    auto state = parse_draft_state(text(j, "state"));
    if (!state) throw StorageError("effect card has an unknown draft state: " + text(j, "state"));
    card.state = *state;
    card.decided_by = maybe_user(j, "decided_by");
    card.decided_at = maybe_time(j, "decided_at");
    card.reason = j.value("reason", std::string{});
    card.rerouted_to = maybe_user(j, "rerouted_to");
    card.exercise = j.value("exercise", false);
    // Cards queued by earlier versions have no approval fields: the lead's approval only.
    card.lead = UserId{j.value("lead", std::string{})};
    card.approvers_group = j.value("approvers_group", std::string{});
    for (const json& user : j.value("approvers", json::array())) card.approvers.push_back(UserId{user.get<std::string>()});
    card.lead_approval = maybe_user(j, "lead_approval");
    card.approver_approval = maybe_user(j, "approver_approval");
    card.outdated = j.value("outdated", false);
    card.delivery_problem = j.value("delivery_problem", std::string{});
    return card;
}

EscalationCard decode_escalation_card(const json& j) {
    EscalationCard card;
    card.escalation = EscalationId{number(j, "escalation")};
    card.incident = IncidentId{number(j, "incident")};
    card.incident_title = text(j, "incident_title");
    card.requested_by = UserId{text(j, "requested_by")};
    card.text = text(j, "text");
    card.deadline = maybe_time(j, "deadline");
    for (const json& user : j.at("executives")) card.executives.emplace_back(user.get<std::string>());
    auto state = parse_escalation_state(text(j, "state"));
    if (!state) throw StorageError("escalation card has an unknown state: " + text(j, "state"));
    card.state = *state;
    card.decided_by = maybe_user(j, "decided_by");
    card.decided_at = maybe_time(j, "decided_at");
    card.comment = j.value("comment", std::string{});
    card.exercise = j.value("exercise", false);
    return card;
}

Effect decode_object(const json& j) {
    const std::string type = text(j, "type");
    if (type == "create_channel")
        return CreateChannel{ChannelName{text(j, "name")}, IncidentId{number(j, "incident")},
                             j.at("is_private").get<bool>(), j.value("topic", std::string{})};
    if (type == "invite") {
        InviteUsers invite{ChannelName{text(j, "channel")}, {}};
        for (const json& user : j.at("users")) invite.users.emplace_back(user.get<std::string>());
        return invite;
    }
    if (type == "post") {
        PostMessage post;
        if (auto channel = maybe<std::string>(j, "channel")) post.channel = ChannelName{*channel};
        post.user = maybe_user(j, "user");
        post.text = text(j, "text");
        post.pin = j.value("pin", false);
        // No field (stored before it existed), or a format this version does
        // not know: plain text, which every adapter escapes, so nothing is
        // ever shown as markup that was not meant to be.
        if (maybe<std::string>(j, "format").value_or("") == "markdown") post.format = TextFormat::markdown;
        if (!post.channel && !post.user) throw StorageError("post effect has neither channel nor user");
        return post;
    }
    if (type == "post_card") return PostCard{UserId{text(j, "to")}, decode_card(j.at("card"))};
    if (type == "update_card") return UpdateCard{UserId{text(j, "to")}, decode_card(j.at("card"))};
    if (type == "publish")
        return Publish{DraftId{number(j, "draft")}, ChannelName{text(j, "channel")}, text(j, "text")};
    if (type == "post_escalation")
        return PostEscalation{ChannelName{text(j, "channel")}, decode_escalation_card(j.at("card"))};
    if (type == "update_escalation")
        return UpdateEscalation{ChannelName{text(j, "channel")}, decode_escalation_card(j.at("card"))};
    if (type == "hand_over_channels") {
        HandOverChannels handover{IncidentId{number(j, "incident")}, {}, UserId{text(j, "from")}, UserId{text(j, "to")}};
        for (const json& channel : j.at("channels")) handover.channels.emplace_back(channel.get<std::string>());
        return handover;
    }
    if (type == "deliver") {
        Deliver deliver;
        deliver.draft = DraftId{number(j, "draft")};
        deliver.revision = j.at("revision").get<int>();
        deliver.incident = IncidentId{number(j, "incident")};
        deliver.incident_title = text(j, "incident_title");
        deliver.severity = severity(j);
        const auto status = parse_status(text(j, "status"));
        if (!status) throw StorageError("deliver effect has an unknown status: " + text(j, "status"));
        deliver.status = *status;
        deliver.audience = text(j, "audience");
        deliver.destination = j.value("destination", std::string{});
        deliver.text = text(j, "text");
        deliver.author = UserId{text(j, "author")};
        deliver.approver = UserId{text(j, "approver")};
        deliver.drafted_at = from_unix_ms(number(j, "drafted_at"));
        deliver.approved_at = from_unix_ms(number(j, "approved_at"));
        return deliver;
    }
    if (type == "resolve_status_page")
        return ResolveStatusPage{IncidentId{number(j, "incident")}, text(j, "audience"),
                                 j.value("destination", std::string{})};
    if (type == "page") {
        const std::string action = text(j, "action");
        if (action != "trigger" && action != "resolve") throw StorageError("page effect has an unknown action: " + action);
        return Page{IncidentId{number(j, "incident")}, text(j, "pager"),
                    action == "trigger" ? PageAction::trigger : PageAction::resolve, severity(j), text(j, "summary")};
    }
    throw StorageError("unknown effect type: " + type);
}

}  // namespace

std::string encode_effect(const Effect& effect) {
    // User text may carry invalid UTF-8 (console input, odd clients); replace
    // it rather than fail the transaction that queues the effect.
    return std::visit([](const auto& e) { return encode(e).dump(-1, ' ', false, json::error_handler_t::replace); },
                      effect);
}

Effect decode_effect(std::string_view json_text) {
    try {
        const json j = json::parse(json_text);
        if (!j.is_object()) throw StorageError("effect is not a JSON object");
        return decode_object(j);
    } catch (const json::exception& e) {
        throw StorageError(std::string("cannot decode effect: ") + e.what());
    }
}

}  // namespace warroom
