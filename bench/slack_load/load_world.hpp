#pragma once
// One client under load: the Slack simulator with a workspace of virtual
// users, the client process started against it, and the incidents the users
// type their commands in, made by the client itself through the simulator
// before any measurement.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.hpp"
#include "slack_sim/slack_simulator.hpp"

namespace warroom::bench {

enum class ClientKind { warroom, limit, bolt };

// What one person sees of an incident's life, from the moment they act.
struct JourneyTimes {
    std::chrono::microseconds declare_ack{};       // the declare command answered
    std::chrono::microseconds channel_made{};      // its channel exists, the lead in it
    std::chrono::microseconds all_invited{};       // the severity's stakeholders are in it too
    std::chrono::microseconds header_pinned{};     // the header is pinned there
    std::chrono::microseconds draft_ack{};         // a draft answered
    std::chrono::microseconds card_shown{};        // its approval card in the channel, from the draft
    std::chrono::microseconds published{};         // the lead's approve click to the text in the audience's channel
};

std::string to_string(ClientKind kind);
std::optional<ClientKind> client_kind(std::string_view name);   // "warroom", "limit", "bolt"

// Where each client's program is.
struct ClientPrograms {
    std::string warroom;               // build/warroom
    std::string limit;                 // build/warroom_limit_client
    std::string peer_dir;              // bench/peer (node_modules installed)
    std::string node = "node";
};

struct WorldShape {
    int users = 50;                    // virtual users, each typing in one incident's channel
    int incidents = 5;                 // open incidents the users are spread over
    // Incidents stored before warroom starts (warroom only), made through the
    // core as commands (sev4, declared by the playbook's admin, their effects
    // performed by nobody): the record the measurement runs beside.
    int stored_incidents = 0;
};

class LoadWorld {
public:
    // Starts the simulator and the client, and makes the incidents; throws
    // std::runtime_error saying which step did not happen in time.
    LoadWorld(ClientKind kind, const ClientPrograms& programs, WorldShape shape, std::filesystem::path work_dir);
    ~LoadWorld();
    LoadWorld(const LoadWorld&) = delete;
    LoadWorld& operator=(const LoadWorld&) = delete;

    // `count` `/incident note` envelopes with the ids L<first_id>..., user i
    // typing in their own incident's channel.
    std::vector<std::string> note_frames(std::size_t count, std::size_t first_id);

    // Approval cards already in their channels, for the mix's clicks: the lead
    // drafts `count` texts for the executives (warroom, Bolt) and waits for
    // each card; for the limit client, which posts nothing, the cards are
    // put there as if posted.
    void show_cards(std::size_t count);
    std::size_t cards_left() const { return cards_.size() - next_card_; }

    // `count` envelopes of an incident's first hour, in each 100: one
    // declaration (the lead, in #general), 5 drafts, 15 updates and 79 notes
    // (the users, in their incidents' channels); `clicks` of them, spread
    // evenly, replaced by the lead's click on the approve button of the next
    // card show_cards() left.
    std::vector<std::string> mix_frames(std::size_t count, std::size_t first_id, std::size_t clicks);

    // warroom only: the lead declares a sev2, drafts for the executives and
    // clicks approve on the card, timed as people would see it.
    JourneyTimes journey(int number);

    slack_sim::SlackSimulator& sim() { return sim_; }
    pid_t client_pid() const { return client_->pid(); }

private:
    void start_client(const ClientPrograms& programs);
    // The answer's text of a slash command typed by `user` in `channel`, waited for.
    std::string command(const std::string& user, const std::string& channel, const std::string& text);
    void open_incidents();
    std::string playbook_json() const;
    void store_incidents(const std::filesystem::path& database) const;

    ClientKind kind_;
    WorldShape shape_;
    std::filesystem::path work_dir_;
    slack_sim::SlackSimulator sim_;
    std::vector<std::pair<std::string, std::string>> people_;   // playbook name, user id
    std::vector<std::string> users_;                            // the virtual users' ids
    std::vector<std::string> incident_channels_;                // where the load's incidents run
    std::vector<std::string> channel_of_user_;                  // where each types
    std::string general_;
    std::vector<std::pair<std::string, std::string>> audience_channels_;   // name, id
    std::unique_ptr<test::ChildProcess> client_;
    struct ShownCard {
        std::string channel;
        std::string ts;
    };
    std::vector<ShownCard> cards_;
    std::size_t next_card_ = 0;
};

}  // namespace warroom::bench
