#include "adapters/console/console_adapter.hpp"

#include <editline/readline.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include "adapters/console/console_line.hpp"
#include "adapters/console/console_render.hpp"
#include "bot/text.hpp"

namespace warroom::console {
namespace {

constexpr std::string_view kHelp =
    "Type a command as the current user in the current channel, e.g. /incident declare sev1 Payroll phishing\n"
    "  alice: TEXT            type as alice (in the current channel)\n"
    "  #inc-1-x carol: TEXT   type as carol in #inc-1-x\n"
    "  :user NAME             switch the current user\n"
    "  :channel #NAME         switch the current channel\n"
    "  :whoami                show the current user and channel\n"
    "  :quit                  leave (Ctrl-D works too)\n"
    "Up/down arrows recall earlier lines.";

std::string random_session_id() {
    std::random_device device;
    std::uniform_int_distribution<std::uint64_t> any;
    const std::uint64_t value = any(device);
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    for (int shift = 60; shift >= 0; shift -= 4) id += hex[(value >> shift) & 0xF];
    return id;
}

}  // namespace

ConsoleAdapter::ConsoleAdapter(Engine& engine, Store& store, const Clock& clock, std::ostream& out, std::ostream& err)
    : engine_(engine), store_(store), clock_(clock), out_(out), err_(err), session_(random_session_id()) {}

void ConsoleAdapter::perform(const OutboxJob& job) {
    for (const std::string& line : render_effect(job.effect)) out_ << line << '\n';
    out_.flush();
}

void ConsoleAdapter::resume() { drain_outbox(store_, *this, clock_); }

EventId ConsoleAdapter::next_event_id() {
    return EventId{"console:" + session_ + ":" + std::to_string(++sequence_)};
}

void ConsoleAdapter::handle_directive(std::string_view name, std::string_view argument) {
    if (name == "quit" || name == "exit" || name == "q") {
        quit_ = true;
    } else if (name == "user") {
        if (!is_console_name(argument)) {
            err_ << "say who you are: :user bob\n";
            return;
        }
        user_ = std::string(argument);
    } else if (name == "channel") {
        std::string_view channel = argument;
        if (!channel.empty() && channel.front() == '#') channel.remove_prefix(1);
        if (!is_console_name(channel)) {
            err_ << "say which channel: :channel #inc-1-payroll-phishing\n";
            return;
        }
        channel_ = std::string(channel);
    } else if (name == "whoami") {
        out_ << user_ << " in #" << channel_ << '\n';
    } else if (name == "help") {
        out_ << kHelp << '\n';
    } else {
        err_ << "unknown directive :" << name << " (try :help)\n";
        ++malformed_;
    }
}

bool ConsoleAdapter::feed(std::string_view raw) {
    ++line_number_;
    const ConsoleLine line = parse_console_line(raw);
    if (std::holds_alternative<Blank>(line)) return !quit_;
    if (const auto* malformed = std::get_if<Malformed>(&line)) {
        err_ << "line " << line_number_ << ": " << malformed->message << '\n';
        ++malformed_;
        return !quit_;
    }
    if (const auto* directive = std::get_if<Directive>(&line)) {
        handle_directive(directive->name, directive->argument);
        return !quit_;
    }
    const auto& typed = std::get<Typed>(line);
    const UserId user{typed.user.value_or(user_)};
    const std::string channel = typed.channel.value_or(channel_);
    if (echo_input) out_ << render_input(channel, user, typed.text) << '\n';

    const Reply reply = engine_.handle(Event{next_event_id(), user, ChannelName{channel}, CommandText{typed.text}});
    // Effects first, then the answer: the transcript shows what happened, in order.
    drain_outbox(store_, *this, clock_);
    if (reply.kind != Reply::Kind::ignored)
        for (const std::string& out : render_reply(user, reply.kind == Reply::Kind::ok, reply.text))
            out_ << out << '\n';
    out_.flush();
    return !quit_;
}

int ConsoleAdapter::run_script(std::istream& in) {
    resume();
    std::string line;
    while (!quit_ && std::getline(in, line)) feed(line);
    return malformed_ > 0 ? 1 : 0;
}

int ConsoleAdapter::run_interactive() {
    echo_input = false;
    resume();
    out_ << "warroom console — you are " << user_ << " in #" << channel_ << "; :help shows how to type\n";
    std::string history_file;
    if (const char* home = std::getenv("HOME")) {
        history_file = std::string(home) + "/.warroom_history";
        read_history(history_file.c_str());
    }
    while (!quit_) {
        const std::string prompt = user_ + "@#" + channel_ + "> ";
        char* raw = readline(prompt.c_str());
        if (!raw) break;   // Ctrl-D
        const std::string line(raw);
        std::free(raw);
        if (!trim(line).empty()) add_history(line.c_str());
        feed(line);
    }
    if (!history_file.empty()) write_history(history_file.c_str());
    out_ << '\n';
    return 0;
}

}  // namespace warroom::console
