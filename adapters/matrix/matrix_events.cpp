#include "adapters/matrix/matrix_events.hpp"

#include <algorithm>
#include <cctype>

#include "adapters/matrix/matrix_cards.hpp"
#include "adapters/matrix/matrix_html.hpp"
#include "adapters/net/url_encoding.hpp"
#include "bot/json_fields.hpp"
#include "bot/text.hpp"

namespace warroom::matrix {
namespace {

using nlohmann::json;

// Values from the wire are quoted in reasons that end up in logs: cut them short.
std::string shown(std::string_view text) { return truncate_utf8(text, 80); }


std::string decode_html_entities(std::string_view text) {
    static const std::pair<std::string_view, char> kEntities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        bool decoded = false;
        if (text[i] == '&') {
            for (auto [entity, plain] : kEntities) {
                if (text.substr(i, entity.size()) == entity) {
                    out += plain;
                    i += entity.size();
                    decoded = true;
                    break;
                }
            }
        }
        if (!decoded) out += text[i++];
    }
    return out;
}

struct Pill {
    std::string user_id;
    std::string display;
};

std::vector<Pill> read_pills(std::string_view html) {
    constexpr std::string_view kOpen = "<a href=\"https://matrix.to/#/";
    std::vector<Pill> pills;
    std::size_t at = 0;
    while ((at = html.find(kOpen, at)) != std::string_view::npos) {
        at += kOpen.size();
        const std::size_t quote = html.find('"', at);
        if (quote == std::string_view::npos) break;
        std::string_view target = html.substr(at, quote - at);
        if (auto query = target.find('?'); query != std::string_view::npos) target = target.substr(0, query);
        const std::size_t tag_end = html.find('>', quote);
        if (tag_end == std::string_view::npos) break;
        const std::size_t close = html.find("</a>", tag_end);
        if (close == std::string_view::npos) break;
        // matrix.to links may percent-encode the id ("%40bob%3Aexample.org").
        std::string id = net::decode_component(target);
        std::string display = trim(decode_html_entities(html.substr(tag_end + 1, close - tag_end - 1)));
        at = close + 4;
        // Rooms, events and anything else that is not a user id are no mention.
        if (!is_matrix_user_id(id) || display.empty()) continue;
        pills.push_back({std::move(id), std::move(display)});
    }
    return pills;
}

bool is_word_char(unsigned char c) { return c >= 0x80 || std::isalnum(c) || c == '_' || c == '-' || c == '.'; }

ChannelName channel_for(const std::string& room_id, const RoomResolver& rooms) {
    if (rooms) {
        if (auto name = rooms(room_id)) return *name;
    }
    return ChannelName{room_id};
}

// By origin_server_ts; an event without one, or with one beyond 64 bits, is not older.
bool older_than(const json& event, std::int64_t limit_ms) {
    const auto ts = event.find("origin_server_ts");   // end() for anything but an object
    if (ts == event.end()) return false;
    if (ts->is_number_unsigned()) return limit_ms > 0 && ts->get<std::uint64_t>() < static_cast<std::uint64_t>(limit_ms);
    return ts->is_number_integer() && ts->get<std::int64_t>() < limit_ms;
}

// Before warroom's own join in the same timeline: kept for the log, never acted on.
SyncItem as_history(const SyncItem& item, const std::string& room_id) {
    if (const auto* event = std::get_if<MatrixEvent>(&item))
        return Ignored{"sent before warroom joined the room", room_id, event->matrix_event_id, false};
    if (std::holds_alternative<TimelineGap>(item))
        return Ignored{"the gap lies before warroom joined the room", room_id, "", false};
    return item;
}

Ignored ignored(std::string reason, const std::string& room_id, const std::string& event_id) {
    return Ignored{std::move(reason), room_id, event_id, false};
}

Ignored malformed(std::string reason, const std::string& room_id, const std::string& event_id) {
    return Ignored{std::move(reason), room_id, event_id, true};
}

SyncItem read_message(const json& content, const std::string& room_id, const std::string& event_id,
                      const std::string& sender, const SyncContext& context) {
    const auto msgtype = string_field(content, "msgtype");
    if (msgtype == "m.notice") return ignored("notices come from bots and are never commands", room_id, event_id);
    if (msgtype != "m.text")
        return ignored("messages of msgtype " + shown(msgtype.value_or("(none)")) + " are not commands", room_id,
                       event_id);
    auto body_it = content.find("body");
    if (body_it == content.end() || !body_it->is_string())
        return malformed("the message has no text body", room_id, event_id);
    const std::string& body = body_it->get_ref<const std::string&>();
    const bool is_command = is_matrix_command(body);
    // An oversized command still goes to the core, which refuses it by its
    // size (kMaxCommandBytes) and answers its author with the limit; without
    // an answer they would wait for one. Its pills are not read: wasted work.
    const bool oversized = body.size() > kMaxCommandBytes;
    if (!is_command && body.size() > kMaxInboundBodyBytes)
        return malformed("the message body is " + with_thousands(body.size()) + " bytes, more than the " +
                             with_thousands(kMaxInboundBodyBytes) + " a homeserver sends in one event",
                         room_id, event_id);
    if (!oversized && !is_valid_utf8(body)) return malformed("the message body is not valid UTF-8", room_id, event_id);
    if (!is_command) return ignored("ordinary chat, not a command", room_id, event_id);
    std::string text = body;
    if (!oversized && content.value("format", std::string()) == kHtmlFormat) {
        if (auto html = string_field(content, "formatted_body")) text = command_text_with_pills(body, *html);
    }
    MatrixEvent out;
    out.event = Event{EventId{std::string(kEventPrefix) + event_id}, UserId{sender},
                      channel_for(room_id, context.rooms), CommandText{std::move(text)}};
    out.room_id = room_id;
    out.matrix_event_id = event_id;
    return out;
}

SyncItem read_reaction(const json& content, const std::string& room_id, const std::string& event_id,
                       const std::string& sender, const SyncContext& context) {
    const json& relation = object_field(content, "m.relates_to");
    if (!relation.is_object()) return malformed("the reaction has no m.relates_to object", room_id, event_id);
    if (string_field(relation, "rel_type") != "m.annotation")
        return ignored("the reaction is not an m.annotation", room_id, event_id);
    const auto target = string_field(relation, "event_id");
    const auto key = string_field(relation, "key");
    if (!target || !key) return malformed("the reaction has no target event_id or key", room_id, event_id);
    const std::optional<CardRef> card = context.cards ? context.cards(*target) : std::nullopt;
    if (!card)
        return ignored("the reaction is on " + shown(*target) + ", not one of warroom's cards", room_id, event_id);

    decltype(Event::what) what;
    if (const auto* draft = std::get_if<DraftId>(&card->subject)) {
        const auto decision = decision_from_reaction(*key);
        if (!decision)
            return ignored("the reaction " + shown(*key) + " on " + to_string(*draft) + " is not ✅, ✏️ or ❌", room_id,
                           event_id);
        what = CardAction{*draft, *decision, "", card->revision};
    } else {
        const EscalationId escalation = std::get<EscalationId>(card->subject);
        const auto allow = escalation_answer_from_reaction(*key);
        if (!allow)
            return ignored("the reaction " + shown(*key) + " on " + to_string(escalation) + " is not ✅ or ❌", room_id,
                           event_id);
        what = EscalationAnswer{escalation, *allow, ""};
    }
    MatrixEvent out;
    out.event = Event{EventId{std::string(kEventPrefix) + event_id}, UserId{sender},
                      channel_for(room_id, context.rooms), std::move(what)};
    out.room_id = room_id;
    out.matrix_event_id = event_id;
    return out;
}

// Someone left an incident's room, or was kicked or banned from it:
// membership "leave" (a kick when the sender is not the member) or "ban".
SyncItem read_membership(const json& event, const std::string& room_id, const std::string& event_id,
                         const std::string& sender, const SyncContext& context) {
    const auto member = string_field(event, "state_key");
    if (!member) return malformed("the membership event has no state_key", room_id, event_id);
    const auto membership = string_field(object_field(event, "content"), "membership");
    if (!membership) return malformed("the membership event has no content.membership", room_id, event_id);
    if (*membership != "leave" && *membership != "ban")
        return ignored("membership " + shown(*membership) + " changes nothing for warroom", room_id, event_id);
    if (*member == context.bot_user_id) return ignored("warroom's own membership", room_id, event_id);
    if (!is_matrix_user_id(*member))
        return malformed("the membership event's state_key " + shown(*member) + " is not a user id", room_id,
                         event_id);
    MembershipLeft left;
    if (sender != *member) left.removed_by = UserId{sender};
    MatrixEvent out;
    out.event = Event{EventId{std::string(kEventPrefix) + event_id}, UserId{*member},
                      channel_for(room_id, context.rooms), left, ""};
    out.room_id = room_id;
    out.matrix_event_id = event_id;
    return out;
}

void read_invites(const json& invites, const SyncContext& context, std::vector<SyncItem>& items) {
    if (!invites.is_object()) return;
    for (const auto& [room_id, room] : invites.items()) {
        const json& state = object_field(room, "invite_state");
        auto events = state.find("events");
        std::optional<std::string> inviter;
        if (events != state.end() && events->is_array()) {
            for (const json& event : *events) {
                if (string_field(event, "type") != "m.room.member") continue;
                if (string_field(event, "state_key") != context.bot_user_id) continue;
                if (string_field(object_field(event, "content"), "membership") != "invite") continue;
                inviter = string_field(event, "sender");
            }
        }
        if (inviter)
            items.push_back(Invite{room_id, *inviter});
        else
            items.push_back(malformed("the invitation names no inviter", room_id, ""));
    }
}

}  // namespace

bool is_matrix_command(std::string_view body) {
    while (!body.empty() && (body.front() == ' ' || body.front() == '\t')) body.remove_prefix(1);
    for (std::string_view prefix : {std::string_view("!incident"), std::string_view("!inc")}) {
        if (!body.starts_with(prefix)) continue;
        const std::string_view rest = body.substr(prefix.size());
        if (rest.empty() || rest.front() == ' ' || rest.front() == '\t') return true;
    }
    return false;
}

std::string command_text_with_pills(std::string_view body, std::string_view formatted_body) {
    std::string text(body);
    std::size_t from = 0;
    for (const Pill& pill : read_pills(formatted_body)) {
        std::size_t at = from;
        while ((at = text.find(pill.display, at)) != std::string::npos) {
            const std::size_t end = at + pill.display.size();
            const bool word_start = at == 0 || !is_word_char(static_cast<unsigned char>(text[at - 1])) ||
                                    pill.display.front() == '@';
            const bool word_end = end == text.size() || !is_word_char(static_cast<unsigned char>(text[end])) ||
                                  (text[end] == '.' && (end + 1 == text.size() || text[end + 1] == ' '));
            if (word_start && word_end) break;
            ++at;
        }
        if (at == std::string::npos) continue;
        std::size_t start = at;
        if (start > 0 && text[start - 1] == '@' && pill.display.front() != '@') --start;   // "@Bob" -> the id
        const std::size_t end = at + pill.display.size();
        text.replace(start, end - start, pill.user_id);
        from = start + pill.user_id.size();
    }
    return text;
}

bool is_own_join(const json& event, std::string_view bot_user_id) {
    return event.is_object() && string_field(event, "type") == "m.room.member" &&
           string_field(event, "state_key") == bot_user_id &&
           string_field(object_field(event, "content"), "membership") == "join";
}

std::variant<GapPage, SyncError> read_gap_page(const json& answer, std::string_view bot_user_id,
                                               std::int64_t known_before_ms) {
    if (!answer.is_object()) return SyncError{"the /messages answer is not a JSON object"};
    const auto chunk = answer.find("chunk");
    if (chunk == answer.end() || !chunk->is_array()) return SyncError{"the /messages answer has no chunk array"};
    GapPage page;
    const auto end = answer.find("end");
    if (end != answer.end() && !end->is_null()) {
        if (!end->is_string()) return SyncError{"the /messages answer's end is not a string"};
        page.end = end->get<std::string>();
    }
    for (const json& event : *chunk) {
        if (older_than(event, known_before_ms) || is_own_join(event, bot_user_id)) {
            page.reached_known = true;
            break;
        }
        page.events.push_back(event);
    }
    return page;
}

std::variant<GapPage, SyncError> read_gap_page_body(std::string_view body, std::string_view bot_user_id,
                                                    std::int64_t known_before_ms) {
    json answer = json::parse(body, nullptr, false);
    if (answer.is_discarded()) return SyncError{"the /messages answer is not JSON (a proxy error page?)"};
    return read_gap_page(answer, bot_user_id, known_before_ms);
}

SyncItem read_timeline_event(const json& event, const std::string& room_id, const SyncContext& context) {
    if (!event.is_object()) return malformed("a timeline entry is not an object", room_id, "");
    const auto event_id = string_field(event, "event_id");
    if (!event_id) return malformed("the event has no event_id", room_id, "");
    const auto sender = string_field(event, "sender");
    const auto type = string_field(event, "type");
    if (!sender || !type) return malformed("the event has no sender or type", room_id, *event_id);
    if (*sender == context.bot_user_id) return ignored("warroom's own event", room_id, *event_id);
    if (*type == "m.room.member") return read_membership(event, room_id, *event_id, *sender, context);
    if (event.contains("state_key")) return ignored("state events are not commands", room_id, *event_id);
    if (*type == "m.room.redaction") return ignored("redactions are not handled", room_id, *event_id);
    if (object_field(object_field(event, "unsigned"), "redacted_because").is_object())
        return ignored("the event was redacted", room_id, *event_id);
    const json& content = object_field(event, "content");
    if (content.is_null() || content.empty()) return malformed("the event has no content object", room_id, *event_id);
    if (*type == "m.reaction") return read_reaction(content, room_id, *event_id, *sender, context);
    if (*type != "m.room.message")
        return ignored("events of type " + shown(*type) + " are not handled", room_id, *event_id);
    if (string_field(object_field(content, "m.relates_to"), "rel_type") == "m.replace" ||
        content.contains("m.new_content"))
        return ignored("edits are not commands: type the command again", room_id, *event_id);
    return read_message(content, room_id, *event_id, *sender, context);
}

std::variant<SyncBatch, SyncError> read_sync(const json& response, const SyncContext& context) {
    if (!response.is_object()) return SyncError{"the /sync response is not a JSON object"};
    const auto next_batch = string_field(response, "next_batch");
    if (!next_batch)
        return SyncError{"the /sync response has no next_batch; the server may not be a Matrix homeserver"};
    SyncBatch batch;
    batch.next_batch = *next_batch;
    const json& rooms = object_field(response, "rooms");
    const json& joined = object_field(rooms, "join");
    if (joined.is_object()) {
        for (const auto& [room_id, room] : joined.items()) {
            const json& timeline = object_field(room, "timeline");
            const std::size_t first_of_room = batch.items.size();
            auto limited = timeline.find("limited");
            if (limited != timeline.end() && limited->is_boolean() && limited->get<bool>()) {
                batch.items.push_back(TimelineGap{room_id, string_field(timeline, "prev_batch").value_or("")});
            }
            auto events = timeline.find("events");
            if (events == timeline.end() || !events->is_array()) continue;
            for (const json& event : *events) {
                if (const auto ts = event.find("origin_server_ts"); ts != event.end() && ts->is_number_integer())
                    batch.newest_event_ms = std::max(batch.newest_event_ms.value_or(0), ts->get<std::int64_t>());
                if (is_own_join(event, context.bot_user_id)) {
                    // A room warroom just joined comes with its history: none of it was meant for warroom.
                    for (std::size_t earlier = first_of_room; earlier < batch.items.size(); ++earlier)
                        batch.items[earlier] = as_history(batch.items[earlier], room_id);
                }
                batch.items.push_back(read_timeline_event(event, room_id, context));
            }
        }
    }
    read_invites(object_field(rooms, "invite"), context, batch.items);
    return batch;
}

std::variant<SyncBatch, SyncError> read_sync_body(std::string_view body, const SyncContext& context) {
    json response = json::parse(body, nullptr, false);
    if (response.is_discarded()) return SyncError{"the /sync response is not JSON (a proxy error page?)"};
    return read_sync(response, context);
}

}  // namespace warroom::matrix
