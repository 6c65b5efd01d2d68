#pragma once
// Performs one outbox job on a Matrix homeserver. Every job may be repeated
// (after a crash, or after a failure half-way), so each step is safe to
// repeat: sends carry transaction ids derived from the job, so the server
// answers a repeat with the first event; a room whose createRoom answer was
// lost is found again by its alias and adopted if warroom made it (someone
// else's room under that alias is never used); invitations tolerate people
// already in; and a publish that was attempted before is looked for in the
// room's recent history (in case the access token, and with it the
// transaction scope, changed in between).
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/matrix/client_api.hpp"
#include "adapters/matrix/matrix_refs.hpp"
#include "adapters/net/bot_loops.hpp"
#include "adapters/net/chat_performer.hpp"
#include "bot/effect.hpp"
#include "bot/store.hpp"

namespace warroom::matrix {

using net::Delivery;

// The marker a published message carries, naming its outbox job and piece.
inline constexpr std::string_view kPublishKey = "org.warroom.publish";
// The command event an answer sent to the caller's direct room answers.
inline constexpr std::string_view kAnswerKey = "org.warroom.answers";

class MatrixPerformer final : public net::ChatPerformer {
public:
    // `bot_user` is warroom's own Matrix id (from whoami): never invited, holds power 100. `keepers` (the
    // playbook's admins) are invited, with power 50, to an audience room warroom makes, to bring its readers in.
    MatrixPerformer(PlatformRecords& records, MatrixApi& api, MatrixRefs& refs, UserId bot_user, std::vector<UserId> keepers = {});


    // Sends the answer to a command as a notice replying to it; the
    // transaction id comes from the command's event id, so a repeat is one message.
    // The homeserver's answer as it came: a transient failure is worth repeating.
    boost::asio::awaitable<MatrixResult> send_reply(const std::string& room_id, const std::string& command_event_id,
                                                    const std::string& text);

    // The same in `user`'s direct room (made on first use), for an answer
    // others may not see where the command was typed; a plain notice there,
    // since the command it answers is in another room.
    boost::asio::awaitable<MatrixResult> send_private_reply(const UserId& user, const std::string& command_event_id,
                                                            const std::string& text);

    // "#name:server" for a channel name, on the bot's own server.
    std::string alias_of(const ChannelName& name) const;

private:
    boost::asio::awaitable<void> create_channel(const CreateChannel& effect) override;
    boost::asio::awaitable<void> invite(const InviteUsers& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> post_message(const PostMessage& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> post_card(const PostCard& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> update_card(const UpdateCard& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> publish(const Publish& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> post_escalation(const PostEscalation& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> update_escalation(const UpdateEscalation& effect, OutboxJobId job) override;
    boost::asio::awaitable<void> hand_over(const HandOverChannels& effect) override;

    // The room of a warroom channel: an incident's room warroom made (kept in refs), or an audience room as
    // the playbook pins it: a room id (joined once) or an alias on warroom's server whose room warroom made
    // (made now if the alias is free). Never a room found by its name; anything else ends the job NotDone,
    // saying what to write in the playbook.
    boost::asio::awaitable<std::string> room_of(const ChannelName& name);
    boost::asio::awaitable<std::string> joined_room(const ChannelName& room_id);
    boost::asio::awaitable<std::string> own_alias_room(const ChannelName& alias);
    boost::asio::awaitable<std::string> create_audience_room(const ChannelName& alias);
    bool is_incident_channel(const ChannelName& name);
    // "WHAT; on Matrix pin an audience room by its room id (!…:server) or by an alias on warroom's server (#…)".
    std::string unpinned_room_advice(const std::string& what, const ChannelName& name) const;
    std::string others_alias_advice(const std::string& alias) const;
    boost::asio::awaitable<std::string> direct_room(const UserId& user);
    // Where a draft's card goes: the incident's main room, where the team sees what awaits approval.
    boost::asio::awaitable<std::string> card_room(const Card& card, const UserId& lead);
    // A room warroom created before its answer was lost: the alias's room, if warroom made it.
    boost::asio::awaitable<std::optional<std::string>> own_room_with_alias(const std::string& alias);
    // Whether warroom made the room (the sender of its m.room.create); false when warroom is not in it.
    boost::asio::awaitable<bool> created_by_bot(const std::string& room_id);
    boost::asio::awaitable<void> pin(const std::string& room_id, const std::string& event_id);
    // Sends the card and remembers it as the card of `subject`, then adds the bot's hint reactions.
    using CardSubject = std::variant<DraftRevision, EscalationId>;   // a draft's card is for one revision
    boost::asio::awaitable<void> send_card(const std::string& room_id, const nlohmann::json& content, OutboxJobId job,
                                           const CardSubject& subject, const std::vector<std::string_view>& hints);
    // The edit of a card, given the card's event id.
    using EditOf = std::function<nlohmann::json(const std::string& card_event)>;
    // Sends the card's edit (m.replace) to its room; false when the card is unknown, so the caller posts it anew.
    boost::asio::awaitable<bool> edited_in_place(const std::optional<std::string>& card_event, const EditOf& edit_of,
                                                 OutboxJobId job);
    // Calls and returns the answer; a failure ends the job as not done.
    boost::asio::awaitable<nlohmann::json> call_ok(const MatrixRequest& request);
    boost::asio::awaitable<std::string> send_event(const MatrixRequest& request);

    PlatformRecords& records_;
    MatrixApi& api_;
    MatrixRefs& refs_;
    UserId bot_user_;
    std::string server_name_;
    std::vector<UserId> keepers_;
};

}  // namespace warroom::matrix
