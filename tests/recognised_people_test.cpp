// A playbook whose people the platform can never recognise (console names on
// Matrix or Slack) is said loudly at start: otherwise nobody can declare,
// lead or approve, and on Matrix every invitation is declined quietly.
#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "adapters/matrix/matrix_html.hpp"
#include "adapters/slack/mrkdwn.hpp"
#include "bot/recognised_people.hpp"
#include "child_process.hpp"
#include "console_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

namespace {

const PlatformIds kMatrixIds{[](const UserId& user) { return matrix::is_matrix_user_id(user.value()); },
                             "a Matrix user id like @alice:example.org", ", and the bot declines their room invitations"};
const PlatformIds kSlackIds{[](const UserId& user) { return slack::is_slack_user_id(user); },
                            "a Slack member ID like U0123ABCD", ""};

Playbook people(std::vector<UserId> admins, std::vector<UserId> executives, std::vector<UserId> pr) {
    Playbook playbook;
    playbook.admins = std::move(admins);
    playbook.executives = std::move(executives);
    playbook.groups["pr"] = std::move(pr);
    return playbook;
}

// A TCP port on loopback that hangs up on each connection as soon as it
// comes: a homeserver whose every TLS handshake fails.
class ClosingListener {
public:
    ClosingListener() : socket_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (socket_ < 0 || ::bind(socket_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(socket_, 8) != 0 || ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            throw std::runtime_error("cannot listen on loopback");
        port_ = ntohs(address.sin_port);
    }
    ~ClosingListener() { ::close(socket_); }
    ClosingListener(const ClosingListener&) = delete;
    ClosingListener& operator=(const ClosingListener&) = delete;

    unsigned short port() const { return port_; }

    // Waits up to `deadline` for the next connection and closes it; false if none came.
    bool accept_and_close(std::chrono::milliseconds deadline) {
        pollfd ready{socket_, POLLIN, 0};
        if (::poll(&ready, 1, static_cast<int>(deadline.count())) != 1) return false;
        const int connection = ::accept4(socket_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) return false;
        ::close(connection);
        return true;
    }

private:
    int socket_;
    unsigned short port_ = 0;
};

}  // namespace

TEST_CASE("recognised people: nobody recognisable, some, or everyone", "[recognised-people]") {
    const Playbook console_names = people({UserId{"alice"}}, {UserId{"erin"}}, {UserId{"pat"}, UserId{"alice"}});
    const std::string nobody = unrecognised_people_warning(console_names, kMatrixIds);
    CHECK_THAT(nobody, Contains("nobody the playbook names can be recognised: none of its 3 people (alice, erin, pat)"));
    CHECK_THAT(nobody, Contains("declines their room invitations") && Contains("@alice:example.org"));

    const Playbook mixed = people({UserId{"@alice:example.org"}}, {UserId{"erin"}}, {UserId{"@pat:example.org"}});
    CHECK_THAT(unrecognised_people_warning(mixed, kMatrixIds),
               Contains("1 of the 3 people the playbook names cannot be recognised (erin)"));
    CHECK(unrecognised_people_warning(people({UserId{"@alice:example.org"}}, {}, {}), kMatrixIds).empty());

    CHECK_THAT(unrecognised_people_warning(console_names, kSlackIds), Contains("U0123ABCD"));
    CHECK(unrecognised_people_warning(people({UserId{"U0A1B2C3D"}}, {UserId{"W0123ABC"}}, {}), kSlackIds).empty());
    // A Matrix id on Slack is as unrecognisable as a console name.
    CHECK_FALSE(unrecognised_people_warning(people({UserId{"@alice:example.org"}}, {}, {}), kSlackIds).empty());
}

TEST_CASE("recognised people: warroom on Matrix with the bundled playbook warns at start, by default level",
          "[recognised-people]") {
    TempDir folder;
    const auto log = folder.path / "warroom.log";
    // A homeserver that hangs up on every connection: the warning comes before any of them.
    ClosingListener homeserver;
    const std::string where = "127.0.0.1:" + std::to_string(homeserver.port());
    ChildProcess bot(WARROOM_BINARY,
                     {"MATRIX_HOMESERVER=https://" + where, "MATRIX_USER_ID=@warroom:example.org",
                      "MATRIX_ACCESS_TOKEN=syt_not_used", "WARROOM_DB=" + (folder.path / "w.db").string(),
                      "WARROOM_LOG_LEVEL=Info"},
                     log);
    // A second connection comes only after the first one's failure was told and its pause waited.
    const bool first = homeserver.accept_and_close(std::chrono::seconds(20));
    const bool second = first && homeserver.accept_and_close(std::chrono::seconds(20));
    const int status = bot.stop(SIGTERM);
    const std::string logged = read_file(log);
    INFO(logged);
    CHECK(first);
    CHECK(second);
    CHECK_THAT(logged, Contains("[warning] nobody the playbook names can be recognised"));
    CHECK_THAT(logged, Contains("declines their room invitations"));
    CHECK(logged.find("nobody the playbook names") < logged.find("connecting to Matrix"));
    // The failed connection is one line a person reads: the host and the system's words, no Boost internals.
    CHECK_THAT(logged, Contains("TLS handshake with " + where + " failed: "));
    CHECK_THAT(logged, !Contains("[asio") && !Contains(".hpp") && !Contains("boost::"));
    // And the stop it was asked for is news, not a problem.
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK_THAT(logged, Contains("[info] SIGTERM received"));
    CHECK_THAT(logged, !Contains("syt_not_used"));
}
