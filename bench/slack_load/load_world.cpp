#include "slack_load/load_world.hpp"

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <tuple>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "bot/clock.hpp"
#include "bot/engine.hpp"
#include "bot/outbox.hpp"
#include "bot/playbook.hpp"
#include "storage/open_store.hpp"

namespace warroom::bench {

using namespace std::chrono_literals;

namespace {

// The bundled playbook's people and the channels its audiences publish to.
const std::vector<std::string> kPlaybookPeople = {"alice", "bob", "carol", "lena", "pat", "cora", "sam", "erin"};
const std::vector<std::string> kAudienceChannels = {"exec-briefing", "announcements", "customer-comms",
                                                     "press-office", "regulator-liaison"};
// sev4: one channel, no workstreams, no stakeholders: the notes measure the command, not the playbook.
constexpr const char* kSeverity = "sev4";

void require(bool held, const std::string& what) {
    if (!held) throw std::runtime_error("load world: " + what);
}

}  // namespace

std::optional<ClientKind> client_kind(std::string_view name) {
    for (ClientKind kind : {ClientKind::warroom, ClientKind::limit, ClientKind::bolt})
        if (to_string(kind) == name) return kind;
    return std::nullopt;
}

std::string to_string(ClientKind kind) {
    switch (kind) {
        case ClientKind::warroom: return "warroom";
        case ClientKind::limit: return "limit";
        case ClientKind::bolt: return "bolt";
    }
    return "?";
}

LoadWorld::LoadWorld(ClientKind kind, const ClientPrograms& programs, WorldShape shape,
                     std::filesystem::path work_dir)
    : kind_(kind), shape_(std::move(shape)), work_dir_(std::move(work_dir)) {
    std::filesystem::create_directories(work_dir_);
    std::vector<std::string> everyone;
    for (const std::string& name : kPlaybookPeople) {
        people_.emplace_back(name, sim_.add_user(name));
        everyone.push_back(people_.back().second);
    }
    for (int user = 1; user <= shape_.users; ++user) {
        users_.push_back(sim_.add_user("user" + std::to_string(user)));
        everyone.push_back(users_.back());
    }
    // The app is in #general and the audiences' channels, as an installed app would be.
    std::vector<std::string> with_bot = everyone;
    with_bot.push_back(sim_.bot_user_id());
    general_ = sim_.add_channel("general", false, with_bot);
    for (const std::string& audience : kAudienceChannels)
        audience_channels_.emplace_back(audience, sim_.add_channel(audience, true, with_bot));
    start_client(programs);
    open_incidents();
}

LoadWorld::~LoadWorld() {
    if (client_) client_->stop(SIGTERM);
}

std::string LoadWorld::playbook_json() const {
    std::string text(bundled_playbook_json());
    for (const auto& [name, id] : people_) {
        const std::string quoted = "\"" + name + "\"";
        for (std::size_t at = text.find(quoted); at != std::string::npos; at = text.find(quoted, at + 1))
            text.replace(at, quoted.size(), "\"" + id + "\"");
    }
    nlohmann::json book = nlohmann::json::parse(text);
    book.erase("scenarios");
    for (auto& [name, audience] : book.at("audiences").items())
        for (const auto& [channel, id] : audience_channels_)
            if (audience.value("channel", "") == channel) audience["channel"] = id;
    return book.dump(2);
}

namespace {

// Performs effects by doing nothing: the stored incidents are never seen on the platform.
struct DiscardingPerformer final : EffectPerformer {
    Delivery perform(const OutboxJob&) override { return Delivery::delivered(); }
};

}  // namespace

void LoadWorld::store_incidents(const std::filesystem::path& database) const {
    const PlaybookLoad load = parse_playbook(playbook_json());
    require(load.playbook.has_value(), "the load playbook does not parse");
    auto store = open_store(database.string());
    SystemClock clock;
    Engine engine(*store, *load.playbook, clock);
    DiscardingPerformer performer;
    const UserId admin{people_.front().second};
    const auto started = std::chrono::steady_clock::now();
    // In groups of 100, each made durable in one write, then their effects drained.
    for (int incident = 1; incident <= shape_.stored_incidents; ++incident) {
        if (incident % 100 == 1) store->begin_group();
        const Reply reply = engine.handle(Event{EventId{"stored-" + std::to_string(incident)}, admin,
                                                ChannelName{"general"},
                                                CommandText{std::string("/incident declare ") + kSeverity +
                                                            " Stored incident " + std::to_string(incident)}});
        require(reply.kind == Reply::Kind::ok, "storing an incident was answered \"" + reply.text + "\"");
        if (incident % 100 == 0 || incident == shape_.stored_incidents) {
            store->commit_group();
            drain_outbox(*store, performer, clock);
        }
    }
    std::cerr << "  " << shape_.stored_incidents << " incidents stored in "
              << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count()
              << " s\n";
}

void LoadWorld::start_client(const ClientPrograms& programs) {
    std::vector<std::string> environment = {"SLACK_APP_TOKEN=" + sim_.app_token(),
                                            "SLACK_BOT_TOKEN=" + sim_.bot_token(),
                                            "SLACK_API_URL=" + sim_.api_url()};
    const std::filesystem::path log = work_dir_ / (to_string(kind_) + ".log");
    switch (kind_) {
        case ClientKind::warroom: {
            const std::filesystem::path database = work_dir_ / "warroom.db";
            const std::filesystem::path playbook = work_dir_ / "playbook.json";
            std::ofstream(playbook) << playbook_json();
            if (shape_.stored_incidents > 0) store_incidents(database);
            environment.insert(environment.end(), {"SSL_CERT_FILE=" + sim_.ca_file(),
                                                   "WARROOM_DB=" + database.string(),
                                                   "WARROOM_PLAYBOOK=" + playbook.string(),
                                                   "WARROOM_LOG_LEVEL=warn"});
            // The bench's own WARROOM_HTTP reaches the bot: its listener on, and nobody looking.
            if (const char* http = std::getenv("WARROOM_HTTP")) environment.push_back("WARROOM_HTTP=" + std::string(http));
            client_ = std::make_unique<test::ChildProcess>(programs.warroom, environment, log);
            break;
        }
        case ClientKind::limit:
            environment.push_back("SSL_CERT_FILE=" + sim_.ca_file());
            client_ = std::make_unique<test::ChildProcess>(programs.limit, environment, log);
            break;
        case ClientKind::bolt:
            environment.insert(environment.end(), {"NODE_EXTRA_CA_CERTS=" + sim_.ca_file(),
                                                   "PEER_DB=" + (work_dir_ / "peer.db").string()});
            client_ = std::make_unique<test::ChildProcess>(
                programs.node, std::vector<std::string>{programs.peer_dir + "/app.js"}, environment, log);
            break;
    }
    require(sim_.wait_for([&] { return sim_.open_connections() > 0; }, 30s),
            to_string(kind_) + " did not connect within 30 s (see " + log.string() + ")");
}

std::string LoadWorld::command(const std::string& user, const std::string& channel, const std::string& text) {
    const std::string envelope = sim_.slash_command(user, channel, text);
    std::optional<slack_sim::SimAck> ack;
    require(sim_.wait_for(
                [&] {
                    for (const slack_sim::SimAck& each : sim_.acks())
                        if (each.envelope_id == envelope) ack = each;
                    return ack.has_value();
                },
                30s),
            "no answer to \"" + text + "\" within 30 s");
    return ack->payload.is_object() ? ack->payload.value("text", std::string()) : std::string();
}

void LoadWorld::open_incidents() {
    const std::string& lead = people_.front().second;   // alice, an admin of the playbook
    std::vector<std::string>& incident_channels = incident_channels_;
    for (int incident = 1; incident <= shape_.incidents; ++incident) {
        const std::string title = "Load test " + std::to_string(incident);
        switch (kind_) {
            case ClientKind::limit: incident_channels.push_back(general_); break;
            case ClientKind::bolt: {
                // The peer keeps an incident in the channel it was declared in.
                std::vector<std::string> members = users_;
                members.push_back(lead);
                members.push_back(sim_.bot_user_id());
                const std::string channel = sim_.add_channel("load-" + std::to_string(incident), false, members);
                command(lead, channel, std::string("declare ") + kSeverity + " " + title);
                incident_channels.push_back(channel);
                break;
            }
            case ClientKind::warroom: {
                const std::string answer = command(lead, general_, std::string("declare ") + kSeverity + " " + title);
                std::smatch number;
                require(std::regex_search(answer, number, std::regex(R"(INC-(\d+))")),
                        "declare was answered \"" + answer + "\"");
                const std::string prefix = "inc-" + number[1].str() + "-";
                std::string channel;
                require(sim_.wait_for(
                            [&] {
                                for (const slack_sim::SimChannel& each : sim_.channels())
                                    if (each.name.rfind(prefix, 0) == 0 && each.members.count(lead)) channel = each.id;
                                return !channel.empty();
                            },
                            60s),
                        "warroom made no channel " + prefix + "... within 60 s");
                incident_channels.push_back(channel);
                break;
            }
        }
    }
    for (std::size_t user = 0; user < users_.size(); ++user)
        channel_of_user_.push_back(incident_channels[user % incident_channels.size()]);
    if (kind_ != ClientKind::warroom) return;
    // warroom answers only members: each incident's lead invites its users.
    for (std::size_t incident = 0; incident < incident_channels.size(); ++incident) {
        std::string mentions;
        for (std::size_t user = incident; user < users_.size(); user += incident_channels.size())
            mentions += " @user" + std::to_string(user + 1);
        if (mentions.empty()) continue;
        command(lead, incident_channels[incident], "invite" + mentions);
        require(sim_.wait_for(
                    [&] {
                        const auto channel = sim_.channel(incident_channels[incident]);
                        for (std::size_t user = incident; user < users_.size(); user += incident_channels.size())
                            if (!channel->members.count(users_[user])) return false;
                        return true;
                    },
                    60s),
                "warroom did not invite the users within 60 s");
    }
}

std::vector<std::string> LoadWorld::note_frames(std::size_t count, std::size_t first_id) {
    std::vector<std::string> frames;
    frames.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t user = i % users_.size();
        frames.push_back(sim_.slash_command_frame("L" + std::to_string(first_id + i), users_[user],
                                                  channel_of_user_[user], "note load " + std::to_string(i)));
    }
    return frames;
}

void LoadWorld::show_cards(std::size_t count) {
    const std::string& lead = people_.front().second;
    if (kind_ == ClientKind::limit) {
        const std::string& channel = audience_channels_.front().second;   // the bot and the lead are in it
        for (std::size_t card = 0; card < count; ++card) {
            const nlohmann::json blocks = nlohmann::json::parse(R"([{"type": "actions", "elements": [{"type": "button",
                "action_id": "approve_draft", "value": "D-0", "text": {"type": "plain_text", "text": "Approve"}}]}])");
            cards_.push_back({channel, sim_.post_as(sim_.bot_user_id(), channel, "a card", nullptr, blocks)});
        }
        return;
    }
    // The mix's kinds of command are each answered as done (a refusal would measure nothing).
    const std::string& user = users_.front();
    const std::string& channel = channel_of_user_.front();
    for (const auto& [typed, in, answered] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"note checking the mix", channel, "[Nn]ote(d| recorded)"},
             {"update checking the mix", channel, "[Uu]pdate recorded"},
             {"draft exec checking the mix", channel, "D-[0-9]+"}}) {
        const std::string answer = command(user, in, typed);
        std::cerr << "  " << typed << ": " << answer << "\n";
        require(std::regex_search(answer, std::regex(answered)), "\"" + typed + "\" was answered \"" + answer + "\"");
    }
    // Every draft typed first, then every card waited for: the cards are posted while the others are typed.
    std::vector<std::pair<std::string, std::string>> wanted;   // channel, what the card's button value starts with
    for (std::size_t card = 0; card < count; ++card) {
        const std::string& channel = incident_channels_[card % incident_channels_.size()];
        const std::string answer = command(lead, channel, "draft exec Card " + std::to_string(card) + " for the mix");
        std::smatch draft;
        require(std::regex_search(answer, draft, std::regex(R"(D-\d+)")), "draft was answered \"" + answer + "\"");
        // warroom's value is D-N@<the text's digest>; the peer's is D-N.
        wanted.emplace_back(channel, "\"value\":\"" + draft.str() + (kind_ == ClientKind::warroom ? "@" : "\""));
    }
    std::vector<ShownCard> found(count);
    require(sim_.wait_for(
                [&] {
                    std::size_t missing = 0;
                    for (std::size_t card = 0; card < count; ++card) {
                        if (!found[card].ts.empty()) continue;
                        for (const slack_sim::SimMessage& message : sim_.messages(wanted[card].first))
                            if (message.blocks.is_array() &&
                                message.blocks.dump().find(wanted[card].second) != std::string::npos)
                                found[card] = {wanted[card].first, message.ts};
                        missing += found[card].ts.empty();
                    }
                    return missing == 0;
                },
                std::chrono::milliseconds(30'000 + 2'000 * count)),
            "the approval cards were not all shown in time");
    cards_.insert(cards_.end(), found.begin(), found.end());
}

std::vector<std::string> LoadWorld::mix_frames(std::size_t count, std::size_t first_id, std::size_t clicks) {
    require(clicks <= cards_left(), "fewer cards left than clicks asked for");
    const std::string& lead = people_.front().second;
    const std::string approve_action = kind_ == ClientKind::warroom ? "warroom.approve" : "approve_draft";
    std::vector<std::string> frames;
    frames.reserve(count);
    std::size_t clicked = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string envelope_id = "L" + std::to_string(first_id + i);
        // The click k is frame (k + 1/2) * count / clicks: spread evenly, none first or last.
        if (clicked < clicks && i >= (2 * clicked + 1) * count / (2 * clicks)) {
            const ShownCard& card = cards_[next_card_++];
            frames.push_back(sim_.click_frame(envelope_id, lead, card.channel, card.ts, approve_action));
            ++clicked;
            continue;
        }
        const std::size_t user = i % users_.size();
        const std::size_t slot = i % 100;
        const std::string tag = " mix " + std::to_string(first_id + i);
        if (slot == 0) {
            frames.push_back(sim_.slash_command_frame(envelope_id, lead, general_,
                                                      std::string("declare ") + kSeverity + tag));
            continue;
        }
        const std::string text = slot <= 5 ? "draft exec Draft" : slot <= 20 ? "update Update" : "note Note";
        frames.push_back(sim_.slash_command_frame(envelope_id, users_[user], channel_of_user_[user], text + tag));
    }
    return frames;
}

JourneyTimes LoadWorld::journey(int number) {
    using Steady = std::chrono::steady_clock;
    const auto since = [](Steady::time_point start) {
        return std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - start);
    };
    const auto id_of = [&](const std::string& name) {
        for (const auto& [person, id] : people_)
            if (person == name) return id;
        throw std::runtime_error("load world: no " + name);
    };
    const std::string lead = id_of("alice");
    const std::vector<std::string> stakeholders = {lead, id_of("lena"), id_of("cora")};   // sev2: legal, customer-comms
    JourneyTimes times;

    const std::string title = "Journey " + std::to_string(number);
    Steady::time_point start = Steady::now();
    const std::string answer = command(lead, general_, "declare sev2 " + title);
    times.declare_ack = since(start);
    std::smatch incident;
    require(std::regex_search(answer, incident, std::regex(R"(INC-(\d+))")), "declare was answered \"" + answer + "\"");
    const std::string prefix = "inc-" + incident[1].str() + "-journey";
    std::optional<slack_sim::SimChannel> channel;
    const auto look = [&] {
        for (slack_sim::SimChannel& each : sim_.channels())
            if (each.name.rfind(prefix, 0) == 0) channel = std::move(each);
    };
    if (!sim_.wait_for([&] { return look(), channel && channel->members.count(lead); }, 120s)) {
        std::string names;
        for (const slack_sim::SimChannel& each : sim_.channels()) names += " " + each.name;
        throw std::runtime_error("load world: no channel " + prefix + "... within 120 s (channels:" + names + ")");
    }
    times.channel_made = since(start);
    require(sim_.wait_for(
                [&] {
                    look();
                    for (const std::string& person : stakeholders)
                        if (!channel->members.count(person)) return false;
                    return true;
                },
                120s),
            "the stakeholders were not invited within 120 s");
    times.all_invited = since(start);
    require(sim_.wait_for([&] { return look(), !channel->pinned.empty(); }, 120s), "no header pinned within 120 s");
    times.header_pinned = since(start);

    const std::string text = "Journey " + std::to_string(number) + ": contained, customers unaffected";
    start = Steady::now();
    const std::string drafted = command(lead, channel->id, "draft exec " + text);
    times.draft_ack = since(start);
    std::smatch draft;
    require(std::regex_search(drafted, draft, std::regex(R"(D-\d+)")), "draft was answered \"" + drafted + "\"");
    const std::string value = "\"value\":\"" + draft.str() + "@";
    std::optional<slack_sim::SimMessage> card;
    require(sim_.wait_for(
                [&] {
                    for (slack_sim::SimMessage& message : sim_.messages(channel->id))
                        if (message.blocks.is_array() && message.blocks.dump().find(value) != std::string::npos)
                            card = std::move(message);
                    return card.has_value();
                },
                120s),
            "no approval card for " + draft.str() + " within 120 s");
    times.card_shown = since(start);

    const std::string& exec_channel = audience_channels_.front().second;   // exec-briefing
    start = Steady::now();
    sim_.click(lead, channel->id, card->ts, "warroom.approve");
    require(sim_.wait_for(
                [&] {
                    for (const slack_sim::SimMessage& message : sim_.messages(exec_channel))
                        if (message.text.find(text) != std::string::npos) return true;
                    return false;
                },
                120s),
            "the approved text did not reach the executives within 120 s");
    times.published = since(start);
    return times;
}

}  // namespace warroom::bench
