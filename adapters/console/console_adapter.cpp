#include "adapters/console/console_adapter.hpp"

#include <editline/readline.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include <cstdlib>
#include <random>

#include "adapters/console/console_line.hpp"
#include "bot/private_file.hpp"
#include "adapters/console/console_render.hpp"
#include "bot/interval.hpp"
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
    "  :leave [#NAME]         the current user leaves the channel (default: the current one)\n"
    "  :advance 30m           move simulated time forward (with --simulated-clock)\n"
    "  :now                   show the bot's current time\n"
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

ConsoleAdapter::ConsoleAdapter(Engine& engine, Store& store, const Clock& clock, std::ostream& out, std::ostream& err,
                               ManualClock* simulated)
    : engine_(engine),
      store_(store),
      clock_(clock),
      outside_(engine.playbook(), store, clock),
      simulated_(simulated),
      out_(out),
      err_(err),
      session_(random_session_id()) {}

Delivery ConsoleAdapter::perform(const OutboxJob& job) {
    for (const std::string& line : render_effect(job.effect)) out_ << line << '\n';
    out_.flush();
    // A webhook, status page, mailbox or pager is reached for real, even from the console.
    if (is_outside(job.effect)) {
        const Delivery delivery = outside_.perform(job);
        out_ << "  " << (delivery.done ? "→ done" + (delivery.reference.empty() ? "" : ": " + delivery.reference)
                                       : "→ not done: " + delivery.problem)
             << '\n';
        out_.flush();
        return delivery;
    }
    // The console's transcript is the platform: a publish is the line it printed.
    if (const auto* publish = std::get_if<Publish>(&job.effect))
        return Delivery::delivered("console " + to_string(publish->channel));
    return Delivery::delivered();
}

void ConsoleAdapter::resume() {
    const auto held = hold_store();
    drain_outbox(store_, *this, clock_, &engine_);
    if (simulated_) save_simulated_time();
    print_clock();
    run_due();
}

void ConsoleAdapter::run_due() {
    const auto held = hold_store();
    // Each firing commits on its own; performing right after keeps the
    // transcript in the order things happened.
    while (engine_.run_due_schedules() > 0) drain_outbox(store_, *this, clock_, &engine_);
}

// In simulated time the transcript says when things happen.
void ConsoleAdapter::print_clock() {
    if (!simulated_ || last_clock_line_ == clock_.now()) return;
    last_clock_line_ = clock_.now();
    out_ << "[clock] " << format_utc(clock_.now()) << '\n';
}

// The simulated clock is part of the database's story: a restarted console
// continues from where the last one stopped instead of going back in time.
void ConsoleAdapter::save_simulated_time() {
    auto tx = store_.begin();
    tx->set_platform_ref("console", "simulated_clock", std::to_string(to_unix_ms(clock_.now())));
    tx->commit();
}

void ConsoleAdapter::advance(Duration by) {
    const Time until = clock_.now() + by;
    while (auto due = engine_.next_due_time()) {
        if (*due > until) break;
        if (*due > clock_.now()) simulated_->set(*due);
        save_simulated_time();
        print_clock();
        if (engine_.run_due_schedules() == 0) break;   // a storage error, already logged
        drain_outbox(store_, *this, clock_, &engine_);
    }
    simulated_->set(until);
    save_simulated_time();
    print_clock();
    out_.flush();
}

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
    } else if (name == "leave") {
        std::string_view channel = argument.empty() ? std::string_view(channel_) : argument;
        if (!channel.empty() && channel.front() == '#') channel.remove_prefix(1);
        if (!is_console_name(channel)) {
            err_ << "say which channel to leave: :leave #inc-1-engineering (or :leave for the current one)\n";
            ++malformed_;
            return;
        }
        leave(std::string(channel));
    } else if (name == "advance") {
        if (!simulated_) {
            err_ << ":advance works only in simulated time: start with warroom console --simulated-clock\n";
            return;
        }
        auto by = parse_interval(argument, std::chrono::seconds(1), std::chrono::days(30));
        if (auto* error = std::get_if<IntervalError>(&by)) {
            err_ << ":advance " << error->message << '\n';
            ++malformed_;
            return;
        }
        advance(std::get<Duration>(by));
    } else if (name == "now") {
        out_ << format_utc(clock_.now()) << (simulated_ ? " (simulated)" : "") << '\n';
    } else if (name == "whoami") {
        out_ << user_ << " in #" << channel_ << '\n';
    } else if (name == "help") {
        out_ << kHelp << '\n';
    } else {
        err_ << "unknown directive :" << name << " (try :help)\n";
        ++malformed_;
    }
}

// As a platform reports someone leaving a channel: the bot reacts (the Crisis
// Lead is invited back; anyone else is no longer a member).
void ConsoleAdapter::leave(const std::string& channel) {
    run_due();
    const UserId user{user_};
    if (echo_input) out_ << "#" << channel << " * " << user.value() << " left the channel\n";
    const Reply reply = engine_.handle(Event{next_event_id(), user, ChannelName{channel}, MembershipLeft{}});
    drain_outbox(store_, *this, clock_, &engine_);
    if (reply.kind == Reply::Kind::error && !reply.text.empty())
        for (const std::string& out : render_reply(user, false, reply.text)) out_ << out << '\n';
    out_.flush();
}

bool ConsoleAdapter::feed(std::string_view raw) {
    const auto held = hold_store();
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
    run_due();   // what came due while the console waited for this line
    const auto& typed = std::get<Typed>(line);
    const UserId user{typed.user.value_or(user_)};
    const std::string channel = typed.channel.value_or(channel_);
    if (user == bot_user()) {
        // The bot's own words never count as commands.
        err_ << "line " << line_number_ << ": " << user.value() << " is the bot; type as a person, e.g. alice: "
             << typed.text << '\n';
        ++malformed_;
        return !quit_;
    }
    if (echo_input) out_ << render_input(channel, user, typed.text) << '\n';

    const Reply reply = engine_.handle(Event{next_event_id(), user, ChannelName{channel}, CommandText{typed.text}});
    // Effects first, then the answer: the transcript shows what happened, in order.
    drain_outbox(store_, *this, clock_, &engine_);
    if (reply.kind != Reply::Kind::ignored)
        for (const std::string& out : render_reply(user, reply.kind == Reply::Kind::ok, reply.text))
            out_ << out << '\n';
    run_due();   // what the command made due at once, such as an exercise's first inject
    out_.flush();
    return !quit_;
}

int ConsoleAdapter::run_script(std::istream& in) {
    resume();
    std::string line;
    while (!quit_ && std::getline(in, line)) feed(line);
    return malformed_ > 0 ? 1 : 0;
}

// libedit's callback interface hands a finished line to a plain function.
namespace {
std::optional<std::string> typed_line;
bool end_of_input = false;

void take_line(char* raw) {
    if (!raw) {
        end_of_input = true;
        return;
    }
    typed_line = raw;
    std::free(raw);
}
}  // namespace

std::optional<std::string> ConsoleAdapter::read_line(const std::string& prompt) {
    typed_line.reset();
    end_of_input = false;
    rl_callback_handler_install(prompt.c_str(), take_line);
    // Real time only (simulated time moves with :advance). Read once per
    // line and after each firing, not per keystroke: a command typed on this
    // line cannot add a schedule before the line is finished.
    std::optional<Time> next_due;
    if (!simulated_) {
        const auto held = hold_store();
        next_due = engine_.next_due_time();
    }
    while (!typed_line && !end_of_input) {
        // Wait for a key, or until the next schedule comes due.
        int timeout_ms = -1;
        if (next_due)
            timeout_ms = static_cast<int>(std::clamp<std::int64_t>(
                std::chrono::duration_cast<std::chrono::milliseconds>(*next_due - clock_.now()).count(), 0,
                std::numeric_limits<int>::max()));
        pollfd input{STDIN_FILENO, POLLIN, 0};
        const int ready = poll(&input, 1, timeout_ms);
        if (ready > 0) {
            rl_callback_read_char();
        } else if (ready == 0) {
            // Print above the half-typed line, then draw it again.
            out_ << "\r\033[K";
            run_due();
            out_.flush();
            rl_forced_update_display();
            const auto held = hold_store();
            next_due = engine_.next_due_time();
        } else if (errno != EINTR) {
            end_of_input = true;
        }
    }
    rl_callback_handler_remove();
    if (end_of_input) return std::nullopt;
    return typed_line;
}

int ConsoleAdapter::run_interactive() {
    echo_input = false;
    resume();
    out_ << "warroom console — you are " << user_ << " in #" << channel_ << "; :help shows how to type\n";
    if (simulated_) out_ << "simulated time: " << format_utc(clock_.now()) << "; :advance 30m moves it on\n";
    std::string history_file;
    if (const char* home = std::getenv("HOME")) {
        history_file = std::string(home) + "/.warroom_history";
        // What was typed about an incident is the owner's alone; a history
        // left world-readable by an older warroom is tightened too.
        if (make_private_file(history_file)) read_history(history_file.c_str());
        else history_file.clear();
    }
    while (!quit_) {
        auto line = read_line(user_ + "@#" + channel_ + "> ");
        if (!line) break;   // Ctrl-D
        if (!trim(*line).empty()) add_history(line->c_str());
        feed(*line);
    }
    if (!history_file.empty()) write_history(history_file.c_str());
    out_ << '\n';
    return 0;
}

}  // namespace warroom::console
