#include "adapters/matrix/matrix_performer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "adapters/matrix/markdown_html.hpp"
#include "adapters/matrix/matrix_cards.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "adapters/net/url_encoding.hpp"
#include "bot/channel_pin.hpp"
#include "bot/json_fields.hpp"

namespace warroom::matrix {
namespace {

using boost::asio::awaitable;
using nlohmann::json;

using net::NotDone;

constexpr std::size_t kMaxAliasLocalpart = 80;
constexpr int kMaxNameSuffix = 9;
constexpr std::size_t kRecentHistory = 100;

// Requests are built outside co_await expressions and passed as named
// values: GCC 12 miscompiles temporaries (and braced JSON initialisers) that
// live across a co_await within one expression.
MatrixRequest send_content_request(std::string_view room_id, std::string_view type, const json& content,
                                   std::string_view transaction) {
    return {"PUT",
            std::string(kClientApi) + "/rooms/" + net::encode_path_segment(room_id) + "/send/" +
                net::encode_path_segment(type) + "/" + net::encode_path_segment(transaction),
            content};
}

json reply_content(const std::string& text, const std::string& command_event_id) {
    json content = notice_content(text);
    content["m.relates_to"] = {{"m.in_reply_to", {{"event_id", command_event_id}}}};
    return content;
}

// An answer in the caller's direct room: m.in_reply_to may name only an event
// of the same room, so the command it answers is named in warroom's own key.
json private_reply_content(const std::string& text, const std::string& command_event_id) {
    json content = notice_content(text);
    content[std::string(kAnswerKey)] = command_event_id;
    return content;
}

json publish_piece(json content, const Publish& effect, OutboxJobId job, std::size_t piece) {
    content[std::string(kPublishKey)] = {{"draft", to_string(effect.draft)}, {"job", job.value()}, {"piece", piece}};
    return content;
}

// The pieces of `job` that the bot already published among a room's recent events.
// The pieces of a publish already in the room, with their event ids.
std::map<std::size_t, std::string> published_pieces(const json& messages, const UserId& bot, OutboxJobId job) {
    std::map<std::size_t, std::string> pieces;
    if (!messages.is_object() || !messages.contains("chunk") || !messages["chunk"].is_array()) return pieces;
    for (const json& event : messages["chunk"]) {
        if (text_field(event, "sender") != bot.value() || !event.contains("content")) continue;
        const json& content = event["content"];
        if (!content.is_object() || !content.contains(kPublishKey)) continue;
        const json& marker = content[std::string(kPublishKey)];
        if (!marker.is_object() || marker.value("job", std::int64_t{-1}) != job.value()) continue;
        if (marker.contains("piece") && marker["piece"].is_number_unsigned())
            pieces.emplace(marker["piece"].get<std::size_t>(), text_field(event, "event_id"));
    }
    return pieces;
}

// Said in the room when the homeserver refuses to invite someone (kept out of the coroutine: see above).
std::string invite_refusal_note(const UserId& user, const MatrixResult& refused) {
    std::string why = refused.errcode;
    if (!refused.error.empty()) why += ": " + refused.error;
    return "warroom could not invite " + user.value() + " to this room: the homeserver refused it (" + why +
           "); a moderator can invite them by hand if they should be here";
}

std::string addressee(const PostMessage& message) {
    return message.user ? message.user->value() : std::string("(nobody)");
}

// Who made a room, from its state events: the sender of m.room.create, in
// every room version (version 11 dropped content.creator). Power levels say
// nothing: whoever made a room can give warroom 100 in it.
std::string creator_of(const json& state_events) {
    if (!state_events.is_array()) return {};
    for (const json& event : state_events)
        if (text_field(event, "type") == "m.room.create" && event.is_object() && event.value("state_key", json()) == "")
            return text_field(event, "sender");
    return {};
}

bool is_room_id(std::string_view name) { return name.starts_with('!') && name.find(':') != std::string_view::npos; }
bool is_room_alias(std::string_view name) { return name.starts_with('#') && name.find(':') != std::string_view::npos; }

// "press-office" for "#press-office:example.org" or "press-office".
std::string alias_localpart(std::string_view name) {
    if (name.starts_with('#')) name.remove_prefix(1);
    return std::string(name.substr(0, name.find(':')));
}

std::string server_of(const UserId& user) { return std::string(matrix_server_of(user.value())); }

}  // namespace

MatrixPerformer::MatrixPerformer(PlatformRecords& records, MatrixApi& api, MatrixRefs& refs, UserId bot_user,
                                 std::vector<UserId> keepers)
    : records_(records),
      api_(api),
      refs_(refs),
      bot_user_(std::move(bot_user)),
      server_name_(server_of(bot_user_)),
      keepers_(std::move(keepers)) {
    std::erase_if(keepers_, [this](const UserId& user) { return user == bot_user_ || !is_matrix_user_id(user.value()); });
}

std::string MatrixPerformer::alias_of(const ChannelName& name) const { return "#" + name.value() + ":" + server_name_; }

awaitable<MatrixResult> MatrixPerformer::send_reply(const std::string& room_id, const std::string& command_event_id,
                                                    const std::string& text) {
    const json content = reply_content(text, command_event_id);
    const MatrixRequest send = send_content_request(room_id, "m.room.message", content, "warroom.reply." + command_event_id);
    MatrixResult sent = co_await api_.call(send);
    if (!sent.ok()) sent.error = describe_matrix_error(send, sent);
    co_return sent;
}

awaitable<MatrixResult> MatrixPerformer::send_private_reply(const UserId& user, const std::string& command_event_id,
                                                            const std::string& text) {
    std::string room_id = refs_.direct_room(user).value_or("");
    if (room_id.empty()) {
        // As direct_room(), but the homeserver's answer is kept: a transient
        // failure is repeated by the caller, a refusal (no such user) is not.
        const MatrixRequest create = create_direct_room_request(user);
        MatrixResult created = co_await api_.call(create);
        if (!created.ok()) {
            created.error = describe_matrix_error(create, created);
            co_return created;
        }
        room_id = text_field(created.body, "room_id");
        if (room_id.empty()) {
            created.outcome = MatrixResult::Outcome::transient;
            created.error = "createRoom answered without a room_id";
            co_return created;
        }
        refs_.remember_direct_room(user, room_id);
    }
    const json content = private_reply_content(text, command_event_id);
    const MatrixRequest send = send_content_request(room_id, "m.room.message", content, "warroom.reply." + command_event_id);
    MatrixResult sent = co_await api_.call(send);
    if (!sent.ok()) sent.error = describe_matrix_error(send, sent);
    co_return sent;
}

awaitable<json> MatrixPerformer::call_ok(const MatrixRequest& request) {
    MatrixResult result = co_await api_.call(request);
    if (!result.ok()) throw NotDone(describe_matrix_error(request, result));
    co_return std::move(result.body);
}

awaitable<std::string> MatrixPerformer::send_event(const MatrixRequest& request) {
    const json sent = co_await call_ok(request);
    std::string event_id = text_field(sent, "event_id");
    if (event_id.empty()) throw NotDone(request.method + " send answered without an event_id");
    co_return event_id;
}

awaitable<void> MatrixPerformer::create_channel(const CreateChannel& effect) {
    if (refs_.room_id(effect.name)) co_return;
    const UserId lead = records_.lead_of(effect.incident).value_or(bot_user_);
    for (int attempt = 1; attempt <= kMaxNameSuffix; ++attempt) {
        CreateChannel named = effect;
        if (attempt > 1) named.name = ChannelName{net::suffixed_name(effect.name.value(), attempt, kMaxAliasLocalpart)};
        const bool tried_before = refs_.room_creation_attempted(named.name);
        refs_.mark_room_creation_attempted(named.name);
        const MatrixRequest create = create_room_request(named, bot_user_, lead);
        MatrixResult created = co_await api_.call(create);
        std::string room_id;
        if (created.ok()) {
            room_id = text_field(created.body, "room_id");
            if (room_id.empty()) throw NotDone("createRoom answered without a room_id");
        } else if (created.is("M_ROOM_IN_USE")) {
            // Ours from an attempt whose answer was lost (a crash, a timeout)?
            // Then it is completed, not duplicated; someone else's alias gets a suffix.
            if (tried_before) {
                if (auto own = co_await own_room_with_alias(alias_of(named.name))) room_id = *own;
            }
            if (room_id.empty()) {
                spdlog::info("the alias {} is taken on the homeserver; trying another", alias_of(named.name));
                continue;
            }
        } else {
            throw NotDone(describe_matrix_error(create, created));
        }
        refs_.remember_room(effect.name, room_id);
        co_return;
    }
    throw NotDone("no free Matrix room alias for " + alias_of(effect.name) + " (tried " +
                  std::to_string(kMaxNameSuffix) + " suffixes)");
}

awaitable<std::optional<std::string>> MatrixPerformer::own_room_with_alias(const std::string& alias) {
    const MatrixRequest lookup = alias_lookup_request(alias);
    MatrixResult found = co_await api_.call(lookup);
    if (!found.ok()) {
        if (found.outcome == MatrixResult::Outcome::refused) co_return std::nullopt;
        throw NotDone(describe_matrix_error(lookup, found));
    }
    const std::string room_id = text_field(found.body, "room_id");
    if (room_id.empty()) co_return std::nullopt;
    const bool made_by_warroom = co_await created_by_bot(room_id);
    if (!made_by_warroom) co_return std::nullopt;
    co_return room_id;
}

awaitable<bool> MatrixPerformer::created_by_bot(const std::string& room_id) {
    const MatrixRequest request = room_state_request(room_id);
    MatrixResult state = co_await api_.call(request);
    if (state.outcome == MatrixResult::Outcome::refused) co_return false;   // not in it: not a room warroom made
    if (!state.ok()) throw NotDone(describe_matrix_error(request, state));
    co_return creator_of(state.body) == bot_user_.value();
}

awaitable<void> MatrixPerformer::invite(const InviteUsers& effect, OutboxJobId job) {
    std::vector<UserId> users;
    for (const UserId& user : effect.users) {
        if (user == bot_user_) continue;
        if (!is_matrix_user_id(user.value())) {
            spdlog::warn("cannot invite \"{}\" to {}: not a Matrix user id (the playbook must name people like "
                         "@alice:example.org)", user.value(), to_string(effect.channel));
            continue;
        }
        users.push_back(user);
    }
    if (users.empty()) co_return;
    const std::string room_id = co_await room_of(effect.channel);
    for (const UserId& user : users) {
        const MatrixRequest request = invite_request(room_id, user);
        MatrixResult invited = co_await api_.call(request);
        if (invited.ok()) continue;
        if (invited.outcome != MatrixResult::Outcome::refused) throw NotDone(describe_matrix_error(request, invited));
        // About this person (already in, unknown, banned): the others still get in.
        if (invited.is("M_FORBIDDEN") && invited.error.find("already in the room") != std::string::npos) continue;
        spdlog::warn("{} was not invited to {}: {}", user.value(), to_string(effect.channel),
                     describe_matrix_error(request, invited));
        // Repeating cannot help: said once in the room, and the job still ends. The transaction id names the
        // job and the person, so a repeat of the job (a crash before it was marked done) is the same message.
        const json note = notice_content(invite_refusal_note(user, invited));
        const MatrixRequest say = send_content_request(room_id, "m.room.message", note,
                                                       "warroom.invite_refused." + std::to_string(job.value()) + "." +
                                                           user.value());
        MatrixResult said = co_await api_.call(say);
        if (said.outcome == MatrixResult::Outcome::transient) throw NotDone(describe_matrix_error(say, said));
        if (!said.ok()) spdlog::warn("the failed invitation could not be said in {}: {}", to_string(effect.channel),
                                     describe_matrix_error(say, said));
    }
}

awaitable<void> MatrixPerformer::post_message(const PostMessage& effect, OutboxJobId job) {
    std::string room_id;
    if (effect.channel) {
        room_id = co_await room_of(*effect.channel);
    } else if (effect.user && is_matrix_user_id(effect.user->value())) {
        room_id = co_await direct_room(*effect.user);
    } else {
        spdlog::warn("a direct message to \"{}\" was dropped: not a Matrix user id", addressee(effect));
        co_return;
    }
    // Each piece has its transaction id: a repeat of the job sends none twice.
    const std::vector<MatrixRequest> pieces = effect.format == TextFormat::markdown
                                                  ? post_requests(room_id, markdown_notice_contents(effect.text), job)
                                                  : post_notice_requests(room_id, effect.text, job);
    for (std::size_t piece = 0; piece < pieces.size(); ++piece) {
        const std::string event_id = co_await send_event(pieces[piece]);
        if (piece == 0 && effect.pin) co_await pin(room_id, event_id);
    }
}

awaitable<void> MatrixPerformer::pin(const std::string& room_id, const std::string& event_id) {
    const MatrixRequest current = get_state_request(room_id, "m.room.pinned_events");
    MatrixResult pinned = co_await api_.call(current);
    json content = json::object();
    if (pinned.ok()) content = std::move(pinned.body);
    if (!content.contains("pinned") || !content["pinned"].is_array()) content["pinned"] = json::array();
    for (const json& already : content["pinned"])
        if (already == event_id) co_return;
    content["pinned"].push_back(event_id);
    const MatrixRequest update = put_state_request(room_id, "m.room.pinned_events", content);
    MatrixResult updated = co_await api_.call(update);
    // A header that is not pinned is still posted: worth a warning, not a repeat.
    if (!updated.ok()) spdlog::warn("the incident header was posted but not pinned: {}", describe_matrix_error(update, updated));
}

awaitable<std::string> MatrixPerformer::card_room(const Card& card, const UserId& lead) {
    if (const auto main = records_.main_channel_of(card.incident)) co_return co_await room_of(*main);
    co_return co_await direct_room(lead);
}

awaitable<void> MatrixPerformer::send_card(const std::string& room_id, const json& content, OutboxJobId job,
                                           const CardSubject& subject, const std::vector<std::string_view>& hints) {
    const MatrixRequest send = send_message_request(room_id, content, job, 0);
    const std::string card_event = co_await send_event(send);
    // Known before anything else is awaited: the lead may react the moment the card appears.
    std::visit([&](const auto& id) { refs_.remember_card(id, room_id, card_event); }, subject);
    // The bot's own reactions show which keys decide; clients let the lead click them.
    for (std::size_t hint = 0; hint < hints.size(); ++hint) {
        const MatrixRequest react = send_reaction_request(room_id, card_event, hints[hint], job, hint + 1);
        MatrixResult reacted = co_await api_.call(react);
        if (reacted.outcome == MatrixResult::Outcome::transient) throw NotDone(describe_matrix_error(react, reacted));
        if (!reacted.ok()) spdlog::warn("a hint reaction on a card was refused: {}", describe_matrix_error(react, reacted));
    }
}

awaitable<void> MatrixPerformer::post_card(const PostCard& effect, OutboxJobId job) {
    const std::string room_id = co_await card_room(effect.card, effect.to);
    const json content = approval_card_content(effect.card);
    const bool live = effect.card.state == DraftState::pending && !effect.card.rerouted_to && !effect.card.outdated;
    std::vector<std::string_view> hints;
    if (live) hints = {kApproveKey, kChangesKey, kRejectKey};
    const CardSubject subject = DraftRevision{effect.card.draft, effect.card.revision};
    co_await send_card(room_id, content, job, subject, hints);
}

awaitable<bool> MatrixPerformer::edited_in_place(const std::optional<std::string>& card_event, const EditOf& edit_of,
                                                 OutboxJobId job) {
    if (!card_event) co_return false;
    const std::string room_id = refs_.card_room(*card_event);
    if (room_id.empty()) co_return false;
    const json edit = edit_of(*card_event);
    const MatrixRequest send = send_message_request(room_id, edit, job, 0);
    co_await send_event(send);
    co_return true;
}

awaitable<void> MatrixPerformer::update_card(const UpdateCard& effect, OutboxJobId job) {
    const auto card_event = refs_.card_event(DraftRevision{effect.card.draft, effect.card.revision});
    const EditOf edit_of = [&](const std::string& original) { return approval_card_edit(effect.card, original); };
    if (co_await edited_in_place(card_event, edit_of, job)) co_return;
    // An old revision's card that was never recorded has nothing to mark outdated.
    if (effect.card.outdated) co_return;
    // The card was never recorded (sent before this database existed): post the outcome as a new card.
    const PostCard again{effect.to, effect.card};
    co_await post_card(again, job);
}

awaitable<void> MatrixPerformer::publish(const Publish& effect, OutboxJobId job) {
    const std::string room_id = co_await room_of(effect.channel);
    std::map<std::size_t, std::string> already;
    if (refs_.publish_attempted(job)) {
        // Sent before with an answer unknown. The transaction id guards a repeat
        // with the same access token; the room's history guards one with a new token.
        const MatrixRequest recent = messages_before_request(room_id, "", kRecentHistory);
        const json history = co_await call_ok(recent);
        already = published_pieces(history, bot_user_, job);
        if (!already.empty())
            spdlog::info("{} was already (partly) published in {}; sending only what is missing", to_string(effect.draft),
                         to_string(effect.channel));
    }
    refs_.mark_publish_attempted(job);
    const std::vector<json> pieces = notice_contents(effect.text);
    for (std::size_t piece = 1; piece <= pieces.size(); ++piece) {
        if (already.count(piece)) continue;
        const json content = publish_piece(pieces[piece - 1], effect, job, piece);
        const MatrixRequest send = send_message_request(room_id, content, job, piece);
        already[piece] = co_await send_event(send);
    }
    published_at(room_id + "/" + already[1]);
}

awaitable<void> MatrixPerformer::post_escalation(const PostEscalation& effect, OutboxJobId job) {
    const std::string room_id = co_await room_of(effect.channel);
    const json content = escalation_card_content(effect.card);
    std::vector<std::string_view> hints;
    if (effect.card.state == EscalationState::pending) hints = {kAllowKey, kDenyKey};
    const CardSubject subject = effect.card.escalation;
    co_await send_card(room_id, content, job, subject, hints);
}

awaitable<void> MatrixPerformer::update_escalation(const UpdateEscalation& effect, OutboxJobId job) {
    const auto card_event = refs_.card_event(effect.card.escalation);
    const EditOf edit_of = [&](const std::string& original) { return escalation_card_edit(effect.card, original); };
    if (co_await edited_in_place(card_event, edit_of, job)) co_return;
    const PostEscalation again{effect.channel, effect.card};
    co_await post_escalation(again, job);
}

awaitable<void> MatrixPerformer::hand_over(const HandOverChannels& effect) {
    for (const ChannelName& channel : effect.channels) {
        const auto room_id = refs_.room_id(channel);
        if (!room_id) continue;   // never created on Matrix: nothing to move
        const MatrixRequest current = get_power_levels_request(*room_id);
        const json levels = co_await call_ok(current);
        const MatrixRequest update = handover_power_levels_request(*room_id, levels, bot_user_, effect.to, effect.from);
        MatrixResult updated = co_await api_.call(update);
        if (updated.outcome == MatrixResult::Outcome::transient) throw NotDone(describe_matrix_error(update, updated));
        if (!updated.ok())
            spdlog::warn("the Crisis Lead's power level in {} was not moved: {}", to_string(channel),
                         describe_matrix_error(update, updated));
    }
}

awaitable<std::string> MatrixPerformer::room_of(const ChannelName& name) {
    const std::string& pin = name.value();
    if (is_room_id(pin) || is_room_alias(pin)) {
        if (auto known = refs_.room_id(name)) co_return *known;
        // A room id is the room, whoever made it: the playbook (or a command typed there) named that very room.
        if (is_room_id(pin)) co_return co_await joined_room(name);
        co_return co_await own_alias_room(name);
    }
    // A plain name is one of an incident's rooms, which warroom made and kept; an audience room so named is
    // not found by it: anyone can give a room any name.
    if (auto known = refs_.room_id(name); known && is_incident_channel(name)) co_return *known;
    throw NotDone(unpinned_room_advice("the playbook names the room \"" + pin + "\"", name));
}

std::string MatrixPerformer::unpinned_room_advice(const std::string& what, const ChannelName& name) const {
    return what + "; on Matrix pin an audience room by its room id (!…:" + server_name_ +
           ") or by an alias on warroom's server (#" + alias_localpart(name.value()) + ":" + server_name_ + ")";
}

bool MatrixPerformer::is_incident_channel(const ChannelName& name) { return records_.is_incident_channel(name); }

awaitable<std::string> MatrixPerformer::joined_room(const ChannelName& name) {
    const MatrixRequest join = join_request(name.value());
    MatrixResult joined = co_await api_.call(join);
    if (!joined.ok())
        throw NotDone("warroom cannot join " + name.value() + ": " + describe_matrix_error(join, joined) + "; invite " +
                      bot_user_.value() + " to the room");
    refs_.remember_room(name, name.value());
    co_return name.value();
}

// An alias pin on warroom's server names warroom's own room: found if warroom
// made it (the sender of its m.room.create), made (private, under that alias)
// if the alias does not exist yet. Anyone can make an alias and a room behind
// it, so an alias on another server, or one whose room someone else made, is refused.
awaitable<std::string> MatrixPerformer::own_alias_room(const ChannelName& name) {
    const std::string& alias = name.value();
    if (alias.substr(alias.find(':') + 1) != server_name_)
        throw NotDone(unpinned_room_advice("the playbook pins the room " + alias + ", an alias on another server", name));
    const MatrixRequest lookup = alias_lookup_request(alias);
    MatrixResult found = co_await api_.call(lookup);
    std::string room_id;
    if (found.ok()) {
        room_id = text_field(found.body, "room_id");
        if (room_id.empty()) throw NotDone("the homeserver named no room for " + alias);
        const bool made_by_warroom = co_await created_by_bot(room_id);
        if (!made_by_warroom) throw NotDone(others_alias_advice(alias));
    } else if (found.outcome == MatrixResult::Outcome::refused) {
        room_id = co_await create_audience_room(name);
    } else {
        throw NotDone(describe_matrix_error(lookup, found));
    }
    refs_.remember_room(name, room_id);
    co_return room_id;
}

std::string MatrixPerformer::others_alias_advice(const std::string& alias) const {
    return "the room of " + alias + " was not made by warroom (or warroom is not in it), so anyone may have put it "
           "there; pin that room by its room id (!…:" + server_name_ + ") if it is the right one, or choose an alias on " +
           server_name_ + " that does not exist yet and warroom makes the room";
}

awaitable<std::string> MatrixPerformer::create_audience_room(const ChannelName& name) {
    const MatrixRequest create = create_audience_room_request(alias_localpart(name.value()), bot_user_, keepers_);
    MatrixResult created = co_await api_.call(create);
    std::string room_id;
    if (created.ok()) {
        room_id = text_field(created.body, "room_id");
    } else if (created.is("M_ROOM_IN_USE")) {
        // Made meanwhile, perhaps by warroom itself with the answer lost; someone else's is refused.
        const std::optional<std::string> own = co_await own_room_with_alias(name.value());
        if (!own) throw NotDone(others_alias_advice(name.value()));
        co_return *own;
    } else {
        throw NotDone(describe_matrix_error(create, created));
    }
    if (room_id.empty()) throw NotDone("createRoom answered without a room_id");
    spdlog::info("made the audience room {} ({}); its readers are invited by the playbook's admins", name.value(),
                 room_id);
    // The admins bring the audience in (power 50 lets them invite); one who cannot be invited is said in the log.
    for (const UserId& keeper : keepers_) {
        const MatrixRequest request = invite_request(room_id, keeper);
        MatrixResult invited = co_await api_.call(request);
        if (!invited.ok())
            spdlog::warn("{} was not invited to the audience room {}: {}", keeper.value(), name.value(),
                         describe_matrix_error(request, invited));
    }
    co_return room_id;
}

awaitable<std::string> MatrixPerformer::direct_room(const UserId& user) {
    if (auto known = refs_.direct_room(user)) co_return *known;
    const MatrixRequest create = create_direct_room_request(user);
    const json created = co_await call_ok(create);
    std::string room_id = text_field(created, "room_id");
    if (room_id.empty()) throw NotDone("createRoom answered without a room_id");
    refs_.remember_direct_room(user, room_id);
    co_return room_id;
}

}  // namespace warroom::matrix
