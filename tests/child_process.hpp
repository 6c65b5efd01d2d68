#pragma once
// The real warroom executable as a child process with an environment of the
// test's choosing and its stderr in a file, for tests that stop it with a
// signal (SIGTERM to stop cleanly, SIGKILL to crash it). What it writes goes
// to the log file, stdout and stderr alike.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace warroom::test {

class ChildProcess {
public:
    // Starts `binary` with exactly `environment` (plus ASAN_OPTIONS/UBSAN_OPTIONS
    // when the test has them), stderr appended to `log`.
    ChildProcess(const std::string& binary, std::vector<std::string> environment, const std::filesystem::path& log)
        : ChildProcess(binary, {}, std::move(environment), log) {}

    // The same with arguments after the program's name.
    ChildProcess(const std::string& binary, std::vector<std::string> arguments, std::vector<std::string> environment,
                 const std::filesystem::path& log) {
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
        const int spawned = posix_spawnp(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0) throw std::runtime_error("cannot start " + binary);
    }

    ~ChildProcess() {
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
};

}  // namespace warroom::test
