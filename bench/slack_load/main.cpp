// warroom_slack_bench: the bot as Slack sees it. `/incident note` commands
// are offered over Socket Mode, through the Slack simulator over TLS on
// loopback, at fixed rates and at saturation, to warroom, to the limit client
// (warroom's Socket Mode code alone) and to a Bolt app doing the same work;
// each for a few seconds, several times, in one run. Prints one table of
// medians and the ratios the project's targets are stated in.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "slack_load/load_figures.hpp"
#include "slack_load/load_world.hpp"
#include "slack_load/proc_usage.hpp"

using namespace warroom;
using namespace warroom::bench;
using namespace std::chrono_literals;

namespace {

// What the users type: `/incident note` only, or an incident's first hour (LoadWorld::mix_frames).
enum class Workload { note, mix };

std::string to_string(Workload workload) { return workload == Workload::note ? "note" : "mix"; }

struct Options {
    std::vector<std::string> clients{"warroom", "limit", "bolt"};
    std::vector<std::string> workloads{"note", "mix"};
    std::size_t clicks = 10;           // the lead's approve clicks in each mix run
    std::vector<int> scale{10, 10000, 100000};   // warroom's notes again with this many incidents stored, each
    std::vector<std::string> rates{"1000", "3000", "max"};
    double seconds = 3;
    int runs = 3;
    std::size_t saturation_envelopes = 30000;
    std::size_t window = 2000;
    WorldShape shape;
    ClientPrograms programs;
    int journeys = 3;                  // warroom only: declare → draft → approve click, timed as seen
};

// A rate as given: envelopes a second, or 0 for "max" (saturation).
double parse_rate(const std::string& text) {
    if (text == "max") return 0;
    return std::stod(text);
}

// The client's CPU once it has finished what the load left it to do (posts
// after acks, a commit behind the last ack): until two readings 200 ms apart agree.
double settled_cpu_seconds(pid_t pid) {
    double before = cpu_seconds(pid);
    for (int reading = 0; reading < 25; ++reading) {
        std::this_thread::sleep_for(200ms);   // a reading interval, not a wait for a result
        const double now = cpu_seconds(pid);
        if (now == before) break;
        before = now;
    }
    return before;
}

LoadFigures measure(LoadWorld& world, Workload workload, double rate, const Options& options,
                    std::size_t& next_id) {
    const std::size_t count =
        rate > 0 ? static_cast<std::size_t>(rate * options.seconds) : options.saturation_envelopes;
    slack_sim::LoadPlan plan;
    plan.frames = workload == Workload::note ? world.note_frames(count, next_id)
                                             : world.mix_frames(count, next_id, options.clicks);
    plan.first_id = next_id;
    plan.per_second = rate;
    plan.window = options.window;
    next_id += count;
    const double cpu_before = settled_cpu_seconds(world.client_pid());
    const slack_sim::LoadTimes times = world.sim().run_load(std::move(plan));
    const double cpu_after = settled_cpu_seconds(world.client_pid());
    LoadFigures figures = figures_of(times);
    if (figures.acked > 0) figures.cpu_per_1000 = (cpu_after - cpu_before) * 1000.0 / static_cast<double>(figures.acked);
    figures.peak_rss_mib = peak_rss_mib(world.client_pid());
    return figures;
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// Each figure's median over the runs, taken figure by figure.
LoadFigures median_of(const std::vector<LoadFigures>& runs) {
    const auto med = [&](auto field) {
        std::vector<double> values;
        for (const LoadFigures& run : runs) values.push_back(static_cast<double>(run.*field));
        return median(values);
    };
    LoadFigures result;
    result.offered = static_cast<std::size_t>(med(&LoadFigures::offered));
    result.in_time = static_cast<std::size_t>(med(&LoadFigures::in_time));
    result.acked = static_cast<std::size_t>(med(&LoadFigures::acked));
    result.p50_ms = med(&LoadFigures::p50_ms);
    result.p99_ms = med(&LoadFigures::p99_ms);
    result.p999_ms = med(&LoadFigures::p999_ms);
    result.max_ms = med(&LoadFigures::max_ms);
    result.sustained = med(&LoadFigures::sustained);
    result.cpu_per_1000 = med(&LoadFigures::cpu_per_1000);
    result.peak_rss_mib = med(&LoadFigures::peak_rss_mib);
    return result;
}

std::string milliseconds(double ms) {
    if (ms >= 1000) return fmt::format("{:.2f} s", ms / 1000);
    if (ms >= 10) return fmt::format("{:.0f} ms", ms);
    return fmt::format("{:.1f} ms", ms);
}

std::string thousands(double value) {
    std::string digits = fmt::format("{:.0f}", value);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
    return digits;
}

std::string offered_label(double rate) { return rate > 0 ? thousands(rate) + "/s" : "max"; }

std::vector<JourneyTimes> run_journeys(LoadWorld& world, const Options& options) {
    std::vector<JourneyTimes> times;
    for (int journey = 1; journey <= options.journeys; ++journey) {
        times.push_back(world.journey(journey));
        std::cerr << fmt::format("  journey {}: channel after {}, published {} after the click\n", journey,
                                 milliseconds(times.back().channel_made.count() / 1000.0),
                                 milliseconds(times.back().published.count() / 1000.0));
    }
    return times;
}

void print_journeys(const std::vector<JourneyTimes>& journeys) {
    if (journeys.empty()) return;
    std::cout << fmt::format("\nwhat the lead sees, {} sev2 incidents one after another (before the notes):\n\n",
                             journeys.size());
    std::cout << "| from | to | median | max |\n| --- | --- | --- | --- |\n";
    const auto row = [&](const char* from, const char* to, std::chrono::microseconds JourneyTimes::*field) {
        std::vector<double> values;
        for (const JourneyTimes& journey : journeys) values.push_back((journey.*field).count() / 1000.0);
        std::cout << fmt::format("| {} | {} | {} | {} |\n", from, to, milliseconds(median(values)),
                                 milliseconds(*std::max_element(values.begin(), values.end())));
    };
    row("declare typed", "answered", &JourneyTimes::declare_ack);
    row("declare typed", "the incident's channel, the lead in it", &JourneyTimes::channel_made);
    row("declare typed", "the severity's stakeholders invited", &JourneyTimes::all_invited);
    row("declare typed", "the header pinned", &JourneyTimes::header_pinned);
    row("draft typed", "answered", &JourneyTimes::draft_ack);
    row("draft typed", "the approval card in the channel", &JourneyTimes::card_shown);
    row("approve clicked", "the text in the executives' channel", &JourneyTimes::published);
}

std::string executable_dir() {
    std::error_code ignored;
    return std::filesystem::read_symlink("/proc/self/exe", ignored).parent_path().string();
}

// Figures by workload, client and offered rate (0: saturation).
using Results = std::map<Workload, std::map<std::string, std::map<double, LoadFigures>>>;

// One client's world: journeys first (on a bot with nothing queued), the mix's
// cards next, then each workload at each rate, several runs each.
void measure_client(const std::string& name, const WorldShape& shape, const std::vector<Workload>& workloads,
                    const std::vector<double>& rates, const Options& options, const std::filesystem::path& work_dir,
                    Results& results, std::vector<JourneyTimes>* journeys) {
    const ClientKind kind = *client_kind(name);   // checked when the options were read
    std::cerr << "starting " << name << " (" << thousands(shape.stored_incidents) << " incidents stored)...\n";
    LoadWorld world(kind, options.programs, shape, work_dir);
    std::size_t next_id = 0;
    // Each note is also posted in its channel, and the posts of thousands of notes
    // wait out Slack's rate limits for minutes after the load: what a person is
    // shown first is measured first.
    if (journeys && options.journeys > 0) *journeys = run_journeys(world, options);
    if (std::count(workloads.begin(), workloads.end(), Workload::mix))
        world.show_cards(options.clicks * rates.size() * static_cast<std::size_t>(options.runs));
    for (Workload workload : workloads)
        for (double rate : rates) {
            std::vector<LoadFigures> runs;
            for (int run = 0; run < options.runs; ++run) {
                runs.push_back(measure(world, workload, rate, options, next_id));
                std::cerr << fmt::format("  {} {} at {}: {} of {} acked within 3 s, p50 {}, sustained {}/s\n", name,
                                         to_string(workload), offered_label(rate), runs.back().in_time,
                                         runs.back().offered, milliseconds(runs.back().p50_ms),
                                         thousands(runs.back().sustained));
            }
            results[workload][name][rate] = median_of(runs);
        }
}

void print_table_head(const std::string& first_column) {
    std::cout << "| " << first_column
              << " | offered | client | acked within 3 s | ack p50 | ack p99 | ack p999 | ack max | sustained | CPU s "
                 "per 1,000 | peak RSS |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
}

void print_row(const std::string& first_column, double rate, const std::string& name, const LoadFigures& f) {
    std::cout << fmt::format("| {} | {} | {} | {} of {} | {} | {} | {} | {} | {}/s | {:.3f} | {:.0f} MB |\n",
                             first_column, offered_label(rate), name, thousands(static_cast<double>(f.in_time)),
                             thousands(static_cast<double>(f.offered)), milliseconds(f.p50_ms),
                             milliseconds(f.p99_ms), milliseconds(f.p999_ms), milliseconds(f.max_ms),
                             thousands(f.sustained), f.cpu_per_1000, f.peak_rss_mib * 1.048576);
}

const char* verdict(bool met) { return met ? "met" : "MISSED"; }

}  // namespace

int main(int argc, char** argv) {
    Options options;
    options.programs.warroom = executable_dir() + "/warroom";
    options.programs.limit = executable_dir() + "/warroom_limit_client";
    options.programs.peer_dir = WARROOM_SOURCE_DIR "/bench/peer";

    CLI::App app{"warroom_slack_bench: /incident commands over Socket Mode, against warroom, the limit client and a "
                 "Bolt app; medians of several runs"};
    app.add_option("--clients", options.clients, "warroom, limit, bolt")->delimiter(',');
    app.add_option("--workloads", options.workloads,
                   "note (only /incident note), mix (an incident's first hour: declare, draft, update, note, the "
                   "lead's approve clicks)")
        ->delimiter(',');
    app.add_option("--rates", options.rates, "offered envelopes a second, or max (saturation)")->delimiter(',');
    app.add_option("--seconds", options.seconds, "how long each fixed rate is offered");
    app.add_option("--runs", options.runs, "repetitions of each measurement (medians are printed)");
    app.add_option("--saturation-envelopes", options.saturation_envelopes, "envelopes offered at saturation");
    app.add_option("--window", options.window, "at saturation, envelopes unacked at once");
    app.add_option("--clicks", options.clicks, "the lead's approve clicks in each mix run");
    app.add_option("--users", options.shape.users, "virtual users");
    app.add_option("--incidents", options.shape.incidents, "incidents the users type in");
    app.add_option("--stored", options.shape.stored_incidents,
                   "incidents stored beforehand through the core (warroom only)");
    app.add_option("--scale", options.scale,
                   "afterwards, warroom's notes again with each of these numbers of incidents stored beforehand "
                   "(0 alone: none of these runs)")
        ->delimiter(',');
    app.add_option("--journeys", options.journeys,
                   "warroom only: incidents declared, drafted for and approved by their lead, timed as seen");
    app.add_option("--warroom", options.programs.warroom, "the warroom executable");
    app.add_option("--limit-client", options.programs.limit, "the limit client executable");
    app.add_option("--peer", options.programs.peer_dir, "the Bolt peer's folder (npm ci done)");
    app.add_option("--node", options.programs.node, "the Node.js executable");
    CLI11_PARSE(app, argc, argv);

    for (const std::string& name : options.clients)
        if (!client_kind(name)) {
            std::cerr << "warroom_slack_bench: --clients takes warroom, limit and bolt, not \"" << name << "\"\n";
            return 2;
        }
    std::vector<Workload> workloads;
    for (const std::string& name : options.workloads) {
        if (name != "note" && name != "mix") {
            std::cerr << "warroom_slack_bench: --workloads takes note and mix, not \"" << name << "\"\n";
            return 2;
        }
        workloads.push_back(name == "note" ? Workload::note : Workload::mix);
    }
    std::vector<double> rates;
    for (const std::string& rate : options.rates) rates.push_back(parse_rate(rate));

    char work_template[] = "/tmp/warroom-slack-bench-XXXXXX";
    if (mkdtemp(work_template) == nullptr) {
        std::perror("warroom_slack_bench: cannot make a working folder");
        return 1;
    }
    const std::filesystem::path work_dir = work_template;

    Results results;
    std::map<int, std::map<double, LoadFigures>> scaled;   // stored incidents, rate
    std::vector<JourneyTimes> journeys;
    int status = 0;
    for (const std::string& name : options.clients) {
        try {
            measure_client(name, options.shape, workloads, rates, options, work_dir / name, results,
                           name == "warroom" ? &journeys : nullptr);
        } catch (const std::exception& error) {
            std::cerr << name << ": " << error.what() << "\n";
            status = 1;
        }
    }
    for (int stored : options.scale) {
        if (stored <= 0) continue;
        WorldShape shape = options.shape;
        shape.stored_incidents = stored;
        Results scale_results;
        try {
            Options scale_options = options;
            scale_options.journeys = 0;
            measure_client("warroom", shape, {Workload::note}, rates, scale_options,
                           work_dir / ("warroom-" + std::to_string(stored)), scale_results, nullptr);
            scaled[stored] = scale_results[Workload::note]["warroom"];
        } catch (const std::exception& error) {
            std::cerr << "warroom with " << stored << " stored: " << error.what() << "\n";
            status = 1;
        }
    }

    const auto figure = [&](Workload workload, const std::string& name, double rate) -> std::optional<LoadFigures> {
        const auto per_workload = results.find(workload);
        if (per_workload == results.end()) return std::nullopt;
        const auto client = per_workload->second.find(name);
        if (client == per_workload->second.end() || !client->second.count(rate)) return std::nullopt;
        return client->second.at(rate);
    };

    for (Workload workload : workloads) {
        std::cout << fmt::format(
            "\n{} over Socket Mode (TLS, loopback), {} users in {} incidents ({} more stored beforehand in warroom's "
            "database); fixed rates for {} s, saturation {} envelopes with {} in flight; medians of {} runs\n\n",
            workload == Workload::note ? "`/incident note`"
                                       : fmt::format("An incident's first hour (per 100: 1 declare, 5 drafts, 15 "
                                                     "updates, 79 notes; {} approve clicks a run)",
                                                     options.clicks),
            options.shape.users, options.shape.incidents, thousands(options.shape.stored_incidents), options.seconds,
            thousands(static_cast<double>(options.saturation_envelopes)), options.window, options.runs);
        print_table_head("workload");
        for (double rate : rates)
            for (const std::string& name : options.clients)
                if (const auto f = figure(workload, name, rate)) print_row(to_string(workload), rate, name, *f);
        std::cout << "\n";
        for (double rate : rates) {
            const auto ours = figure(workload, "warroom", rate);
            if (!ours) continue;
            if (const auto bolt = figure(workload, "bolt", rate); bolt && bolt->sustained > 0)
                std::cout << fmt::format("{} at {}: warroom sustains {:.2f}x Bolt's rate in {:.2f}x its memory\n",
                                         to_string(workload), offered_label(rate), ours->sustained / bolt->sustained,
                                         ours->peak_rss_mib / bolt->peak_rss_mib);
            if (const auto limit = figure(workload, "limit", rate); limit && limit->sustained > 0)
                std::cout << fmt::format("{} at {}: warroom sustains {:.0f}% of the limit client's rate\n",
                                         to_string(workload), offered_label(rate),
                                         100 * ours->sustained / limit->sustained);
        }
    }
    print_journeys(journeys);

    if (!scaled.empty()) {
        std::cout << "\nwarroom's `/incident note` with incidents already stored (made through the core):\n\n";
        print_table_head("stored");
        for (const auto& [stored, per_rate] : scaled)
            for (double rate : rates)
                if (per_rate.count(rate)) print_row(thousands(stored), rate, "warroom", per_rate.at(rate));
    }

    std::cout << "\ntargets:\n";
    if (const auto saturated = figure(Workload::note, "warroom", 0)) {
        const bool all_in_time = saturated->in_time == saturated->offered;
        std::cout << fmt::format("  >= 10,000 notes/s sustained, none acked later than 3 s: {}/s, {} late: {}\n",
                                 thousands(saturated->sustained),
                                 thousands(static_cast<double>(saturated->offered - saturated->in_time)),
                                 verdict(saturated->sustained >= 10000 && all_in_time));
        if (const auto bolt = figure(Workload::note, "bolt", 0); bolt && bolt->sustained > 0)
            std::cout << fmt::format("  >= 5x Bolt's sustained rate: {:.2f}x: {}\n",
                                     saturated->sustained / bolt->sustained,
                                     verdict(saturated->sustained >= 5 * bolt->sustained));
        if (const auto limit = figure(Workload::note, "limit", 0); limit && limit->sustained > 0)
            std::cout << fmt::format("  >= 50% of the limit client's rate: {:.0f}%: {}\n",
                                     100 * saturated->sustained / limit->sustained,
                                     verdict(saturated->sustained >= limit->sustained / 2));
        std::cout << fmt::format("  CPU <= 0.08 s per 1,000 notes: {:.3f} s at saturation: {}\n",
                                 saturated->cpu_per_1000, verdict(saturated->cpu_per_1000 <= 0.08));
    }
    for (double rate : rates)
        if (const auto paced = figure(Workload::note, "warroom", rate); paced && rate > 0)
            std::cout << fmt::format("  CPU <= 0.08 s per 1,000 notes: {:.3f} s at {}: {}\n", paced->cpu_per_1000,
                                     offered_label(rate), verdict(paced->cpu_per_1000 <= 0.08));
    if (const auto slow = figure(Workload::note, "warroom", 1000))
        std::cout << fmt::format("  ack p99 <= 2 ms at 1,000/s: {}: {}\n", milliseconds(slow->p99_ms),
                                 verdict(slow->p99_ms <= 2));
    if (!scaled.empty()) {
        const auto& [fewest, fewest_figures] = *scaled.begin();
        const auto& [most, most_figures] = *scaled.rbegin();
        double peak_rss = 0;
        for (const auto& [rate, f] : most_figures) peak_rss = std::max(peak_rss, f.peak_rss_mib * 1.048576);
        std::cout << fmt::format("  peak RSS <= 30 MB with {} incidents stored: {:.0f} MB: {}\n", thousands(most),
                                 peak_rss, verdict(peak_rss <= 30));
        double bolt_rss = 0;
        for (Workload workload : workloads)
            for (double rate : rates)
                if (const auto bolt = figure(workload, "bolt", rate))
                    bolt_rss = std::max(bolt_rss, bolt->peak_rss_mib * 1.048576);
        if (bolt_rss > 0)
            std::cout << fmt::format("  ... and <= 1/5 of Bolt's peak ({:.0f} MB): {:.2f}: {}\n", bolt_rss,
                                     peak_rss / bolt_rss, verdict(peak_rss * 5 <= bolt_rss));
        for (double rate : rates) {
            if (fewest == most || !fewest_figures.count(rate) || !most_figures.count(rate)) continue;
            const double ratio = most_figures.at(rate).cpu_per_1000 / fewest_figures.at(rate).cpu_per_1000;
            std::cout << fmt::format("  CPU per command with {} stored within 1.2x of that with {}, at {}: {:.2f}x: {}\n",
                                     thousands(most), thousands(fewest), offered_label(rate), ratio,
                                     verdict(ratio <= 1.2));
        }
    }

    std::error_code ignored;
    if (status == 0)
        std::filesystem::remove_all(work_dir, ignored);
    else
        std::cerr << "warroom_slack_bench: the clients' logs are kept in " << work_dir.string() << "\n";
    return status;
}
