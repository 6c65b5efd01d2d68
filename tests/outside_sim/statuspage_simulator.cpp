#include "outside_sim/statuspage_simulator.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <utility>

#include <boost/beast/http/verb.hpp>

#include "outside_sim/http_fault_switches.hpp"
#include "sim_common/request_target.hpp"

namespace warroom::outside_sim {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

constexpr int kDefaultPerPage = 100;
constexpr int kMostPerPage = 100;

bool known_status(const std::string& status) {
    return status == "investigating" || status == "identified" || status == "monitoring" || status == "resolved";
}

std::string now_iso() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// What a request asks for: which call, on which page and incident.
struct Route {
    std::string kind;                  // "" for no such call
    std::string page_id;
    std::string incident_id;
};

Route route_of(const HttpRequest& request) {
    const std::string path = sim_common::split_target(request.target()).path;
    const std::string prefix = std::string(StatuspageSimulator::kBase) + "/pages/";
    if (!path.starts_with(prefix)) return {};
    std::vector<std::string> parts;   // page, "incidents", [id or "unresolved"]
    std::string rest = path.substr(prefix.size());
    for (std::size_t slash; (slash = rest.find('/')) != std::string::npos; rest = rest.substr(slash + 1))
        parts.push_back(sim_common::percent_decode(rest.substr(0, slash)));
    parts.push_back(sim_common::percent_decode(rest));
    if (parts.size() < 2 || parts.size() > 3 || parts[1] != "incidents" || parts[0].empty()) return {};
    const http::verb method = request.method();
    if (parts.size() == 2) {
        if (method == http::verb::post) return {"create", parts[0], {}};
        return {};
    }
    if (parts[2] == "unresolved" && method == http::verb::get) return {"list", parts[0], {}};
    if (method == http::verb::get) return {"get", parts[0], parts[2]};
    if (method == http::verb::patch || method == http::verb::put) return {"update", parts[0], parts[2]};
    return {};
}

json error_body(const std::string& message) { return {{"error", message}}; }

struct StoredIncident {
    StatuspageIncident incident;
    std::string created_at;
    std::string updated_at;
    std::vector<std::pair<std::string, std::string>> update_ids_and_times;   // parallel to incident.updates
};

struct Page {
    std::string api_key;
    std::vector<StoredIncident> incidents;   // oldest first
};

struct StatuspageState {
    std::map<std::string, Page> pages;
    std::vector<StatuspageCall> calls;
    std::size_t creations = 0;
    std::map<std::string, std::size_t> writes_by_job;
    int next_id = 0;
    HttpFaultSwitches faults;

    // Statuspage ids are 12 lower-case letters and digits.
    std::string new_id() {
        static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
        std::string id = "sp";
        unsigned value = static_cast<unsigned>(++next_id) * 2654435761u;
        for (int i = 0; i < 10; ++i, value = value * 1103515245u + 12345u) id += kAlphabet[(value >> 16) % 36];
        return id;
    }

    StoredIncident* find(Page& page, const std::string& id) {
        for (auto& stored : page.incidents)
            if (stored.incident.id == id) return &stored;
        return nullptr;
    }

    json incident_json(const StoredIncident& stored) const {
        const StatuspageIncident& incident = stored.incident;
        json updates = json::array();
        // Newest first, as Statuspage lists them.
        for (std::size_t i = incident.updates.size(); i-- > 0;)
            updates.push_back({{"id", stored.update_ids_and_times[i].first},
                               {"incident_id", incident.id},
                               {"status", incident.updates[i].status},
                               {"body", incident.updates[i].body},
                               {"created_at", stored.update_ids_and_times[i].second}});
        json resolved_at = nullptr;
        if (incident.status == "resolved") resolved_at = stored.updated_at;
        return {{"id", incident.id},
                {"page_id", incident.page_id},
                {"name", incident.name},
                {"status", incident.status},
                {"impact", "none"},
                {"metadata", incident.metadata},
                {"incident_updates", updates},
                {"created_at", stored.created_at},
                {"updated_at", stored.updated_at},
                {"resolved_at", resolved_at},
                {"shortlink", "https://stspg.io/" + incident.id}};
    }

    HttpResponse answer(const HttpRequest& request) {
        const Route route = route_of(request);
        StatuspageCall seen{route.kind, std::string(request.method_string()), std::string(request.target()),
                            json::parse(request.body(), nullptr, false), 0};
        if (seen.body.is_discarded()) seen.body = nullptr;
        HttpResponse response = respond(request, route, seen.body);
        seen.answered = response.result_int();
        calls.push_back(std::move(seen));
        return response;
    }

    HttpResponse respond(const HttpRequest& request, const Route& route, const json& body) {
        if (route.kind.empty()) return json_answer(request, 404, error_body("Not found"));
        if (auto forced = faults.take_forced(route.kind)) return forced_answer(request, *forced);
        const std::string authorization = header_value(request, "Authorization");
        auto page = pages.find(route.page_id);
        const bool key_known = std::any_of(pages.begin(), pages.end(), [&](const auto& entry) {
            return authorization == "OAuth " + entry.second.api_key;
        });
        if (!key_known) return json_answer(request, 401, error_body("Could not authenticate"));
        if (page == pages.end()) return json_answer(request, 404, error_body("Page not found"));
        if (authorization != "OAuth " + page->second.api_key)
            return json_answer(request, 401, error_body("You are not authorized to access this page"));

        if (route.kind == "list") return list(request, page->second);
        if (route.kind == "create") return create(request, route.page_id, page->second, body);
        StoredIncident* stored = find(page->second, route.incident_id);
        if (!stored) return json_answer(request, 404, error_body("Incident not found"));
        if (route.kind == "get") return json_answer(request, 200, incident_json(*stored));
        return update(request, *stored, body);
    }

    HttpResponse list(const HttpRequest& request, const Page& page) const {
        int page_number = 1;
        int per_page = kDefaultPerPage;
        for (const auto& [key, value] : sim_common::query_pairs(sim_common::split_target(request.target()).query)) {
            try {
                if (key == "page") page_number = std::max(1, std::stoi(value));
                if (key == "per_page") per_page = std::clamp(std::stoi(value), 1, kMostPerPage);
            } catch (const std::exception&) {
                return json_answer(request, 400, error_body("page and per_page must be numbers"));
            }
        }
        std::vector<const StoredIncident*> unresolved;
        // Newest first, as Statuspage lists them.
        for (auto it = page.incidents.rbegin(); it != page.incidents.rend(); ++it)
            if (it->incident.status != "resolved") unresolved.push_back(&*it);
        json listed = json::array();
        const std::size_t first = static_cast<std::size_t>(page_number - 1) * static_cast<std::size_t>(per_page);
        for (std::size_t i = first; i < unresolved.size() && i < first + static_cast<std::size_t>(per_page); ++i)
            listed.push_back(incident_json(*unresolved[i]));
        return json_answer(request, 200, listed);
    }

    // Why the document's incident fields are invalid, or "".
    static std::string fields_problem(const json& fields, bool creating) {
        if (!fields.is_object()) return "the body must be {\"incident\": {...}}";
        const bool named =
            fields.contains("name") && fields["name"].is_string() && !fields["name"].get<std::string>().empty();
        if (creating && !named) return "Name can't be blank";
        for (const char* text : {"name", "status", "body"})
            if (fields.contains(text) && !fields[text].is_string()) return std::string(text) + " must be a string";
        if (fields.contains("status") && !known_status(fields["status"].get<std::string>()))
            return "Status is not included in the list";
        if (fields.contains("metadata")) {
            const json& metadata = fields["metadata"];
            if (!metadata.is_object()) return "metadata must be an object";
            for (const auto& [name, value] : metadata.items())
                if (!value.is_object()) return "metadata['" + name + "'] must be an object";
        }
        return {};
    }

    void count_job(const json& metadata) {
        if (!metadata.is_object() || !metadata.contains("warroom") || !metadata["warroom"].is_object()) return;
        const json& warroom = metadata["warroom"];
        if (warroom.contains("job") && warroom["job"].is_string()) ++writes_by_job[warroom["job"].get<std::string>()];
    }

    void add_update(StoredIncident& stored, const std::string& status, const std::string& body) {
        stored.incident.updates.push_back({status, body});
        stored.update_ids_and_times.emplace_back(new_id(), now_iso());
    }

    HttpResponse create(const HttpRequest& request, const std::string& page_id, Page& page, const json& body) {
        const json fields = body.is_object() && body.contains("incident") ? body["incident"] : json();
        if (std::string problem = fields_problem(fields, true); !problem.empty())
            return json_answer(request, 422, error_body(problem));
        StoredIncident stored;
        stored.incident.id = new_id();
        stored.incident.page_id = page_id;
        stored.incident.name = fields["name"].get<std::string>();
        stored.incident.status = fields.value("status", std::string("investigating"));
        stored.incident.metadata = fields.value("metadata", json::object());
        stored.created_at = stored.updated_at = now_iso();
        add_update(stored, stored.incident.status, fields.value("body", std::string()));
        ++creations;
        count_job(stored.incident.metadata);
        page.incidents.push_back(std::move(stored));
        return json_answer(request, 201, incident_json(page.incidents.back()));
    }

    HttpResponse update(const HttpRequest& request, StoredIncident& stored, const json& body) {
        const json fields = body.is_object() && body.contains("incident") ? body["incident"] : json();
        if (std::string problem = fields_problem(fields, false); !problem.empty())
            return json_answer(request, 422, error_body(problem));
        StatuspageIncident& incident = stored.incident;
        if (fields.contains("name")) incident.name = fields["name"].get<std::string>();
        if (fields.contains("metadata")) incident.metadata = fields["metadata"];   // replaced whole
        if (fields.contains("status") || fields.contains("body")) {
            if (fields.contains("status")) incident.status = fields["status"].get<std::string>();
            add_update(stored, incident.status, fields.value("body", std::string()));
        }
        stored.updated_at = now_iso();
        count_job(fields.value("metadata", json()));
        return json_answer(request, 200, incident_json(stored));
    }
};

}  // namespace

struct StatuspageSimulator::Impl : HttpSimulatorCore<StatuspageState> {
    // The faults are by call kind: the route's.
    Impl()
        : HttpSimulatorCore("statuspage simulator", "statuspage-sim",
                            [](const HttpRequest& request) { return route_of(request).kind; }) {
        start();
    }
};

StatuspageSimulator::StatuspageSimulator() : StatuspageSimulator(std::make_unique<Impl>()) {}

StatuspageSimulator::StatuspageSimulator(std::unique_ptr<Impl> impl)
    : HttpSimulatorFront(impl->state, impl->server, HttpFaultSwitches::kAnyCall), impl_(std::move(impl)) {}

StatuspageSimulator::~StatuspageSimulator() = default;

std::string StatuspageSimulator::url() const { return "https://localhost:" + std::to_string(port()) + kBase; }

void StatuspageSimulator::add_page(const std::string& page_id, const std::string& api_key) {
    impl_->state.update([&](StatuspageState& s) { s.pages[page_id].api_key = api_key; });
}

std::vector<StatuspageIncident> StatuspageSimulator::incidents(const std::string& page_id) const {
    return impl_->state.read([&](const StatuspageState& s) {
        std::vector<StatuspageIncident> all;
        if (auto page = s.pages.find(page_id); page != s.pages.end())
            for (const auto& stored : page->second.incidents) all.push_back(stored.incident);
        return all;
    });
}

std::optional<StatuspageIncident> StatuspageSimulator::incident(const std::string& page_id,
                                                                const std::string& id) const {
    for (auto& incident : incidents(page_id))
        if (incident.id == id) return incident;
    return std::nullopt;
}

void StatuspageSimulator::delete_incident(const std::string& page_id, const std::string& id) {
    impl_->state.update([&](StatuspageState& s) {
        auto page = s.pages.find(page_id);
        if (page == s.pages.end()) return;
        std::erase_if(page->second.incidents, [&](const StoredIncident& stored) { return stored.incident.id == id; });
    });
}

std::vector<StatuspageCall> StatuspageSimulator::calls() const {
    return impl_->state.read([](const StatuspageState& s) { return s.calls; });
}

std::size_t StatuspageSimulator::calls_of(const std::string& kind) const {
    return impl_->state.read([&](const StatuspageState& s) {
        return static_cast<std::size_t>(std::ranges::count(s.calls, kind, &StatuspageCall::kind));
    });
}

std::size_t StatuspageSimulator::creations() const {
    return impl_->state.read([](const StatuspageState& s) { return s.creations; });
}

std::size_t StatuspageSimulator::updates_with_job(const std::string& job_marker) const {
    return impl_->state.read([&](const StatuspageState& s) -> std::size_t {
        auto found = s.writes_by_job.find(job_marker);
        return found == s.writes_by_job.end() ? 0 : found->second;
    });
}

}  // namespace warroom::outside_sim
