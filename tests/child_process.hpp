#pragma once
// The real warroom executable as a child process with an environment of the
// test's choosing and its stderr in a file, for tests that stop it with a
// signal (SIGTERM to stop cleanly, SIGKILL to crash it). What it writes goes
// to the log file, stdout and stderr alike.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warroom::test {

class ChildProcess {
public:
    // Starts `binary` with exactly `environment` (plus ASAN_OPTIONS/UBSAN_OPTIONS
    // when the test has them), stderr appended to `log`.
    ChildProcess(const std::string& binary, std::vector<std::string> environment, const std::filesystem::path& log)
        : ChildProcess(binary, {}, std::move(environment), log) {}

    // The same with arguments after the program's name. With `with_input`, its
    // standard input is a pipe the test writes with write_input() and ends with close_input().
    ChildProcess(const std::string& binary, std::vector<std::string> arguments, std::vector<std::string> environment,
                 const std::filesystem::path& log, bool with_input = false) {
        for (const char* passed : {"ASAN_OPTIONS", "UBSAN_OPTIONS"})
            if (const char* value = std::getenv(passed)) environment.push_back(std::string(passed) + "=" + value);
        std::vector<char*> envp;
        for (std::string& entry : environment) envp.push_back(entry.data());
        envp.push_back(nullptr);
        std::string program = binary;
        std::vector<char*> argv{program.data()};
        for (std::string& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        int input[2] = {-1, -1};
        // Both ends close on exec; the child's copy of the read end, dup'd to 0, stays open.
        if (with_input && ::pipe2(input, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe");
        if (with_input) posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO);
        const int spawned = posix_spawnp(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (with_input) {
            ::close(input[0]);
            input_ = input[1];
        }
        if (spawned != 0) throw std::runtime_error("cannot start " + binary);
    }

    // Writes to the child's standard input (with_input only); false if it stopped reading.
    bool write_input(std::string_view text) {
        while (!text.empty()) {
            const ssize_t n = ::write(input_, text.data(), text.size());
            if (n <= 0) return false;
            text.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Ends the child's standard input, as a closed pipe or Ctrl-D would.
    void close_input() {
        if (input_ >= 0) ::close(input_);
        input_ = -1;
    }

    // Waits up to `deadline` for the child to end by itself; its wait status, or nothing if it is still running.
    std::optional<int> wait_for_exit(std::chrono::milliseconds deadline) {
        if (pid_ <= 0) return status_;
        const int handle = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
        if (handle >= 0) {
            pollfd ended{handle, POLLIN, 0};
            ::poll(&ended, 1, static_cast<int>(deadline.count()));
            ::close(handle);
        }
        if (::waitpid(pid_, &status_, WNOHANG) != pid_) return std::nullopt;
        pid_ = 0;
        return status_;
    }

    ~ChildProcess() {
        close_input();
        if (pid_ > 0) stop(SIGKILL);
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }

    // Sends the signal and waits for the process to end; returns its wait status.
    int stop(int signal) {
        if (pid_ <= 0) return status_;
        kill(pid_, signal);
        waitpid(pid_, &status_, 0);
        pid_ = 0;
        return status_;
    }

private:
    pid_t pid_ = 0;
    int status_ = -1;
    int input_ = -1;                   // the write end of the child's standard input, with_input only
};

}  // namespace warroom::test
