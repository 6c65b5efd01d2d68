// Who may do what, as a table: every /incident command and every
// card action (draft buttons, escalation buttons), typed by every role, against
// a fresh, identical world each time. A refusal is an error answered to the
// caller, recorded on the incident's timeline (kind refusal) and changing
// nothing else; the bot's own events are ignored and leave no trace.
//
// Every row uses valid arguments, so only authorization decides: a row that
// comes out "invalid" (an error with nothing recorded) is a broken row, not a
// refusal.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"
#include "expectations.hpp"
#include "test_support.hpp"

namespace warroom::test {
namespace {

// Who types the command, and where (see World below for who is who).
enum class Role {
    lead,               // carl: the current Crisis Lead, in the main channel
    former_lead,        // frank: declared INC-1, handed the role to carl; in the main channel
    ws_lead,            // wendy: lead of workstream forensics, in its channel
    member,             // mary: invited to the main channel; author of D-1 and D-2; in the main channel
    non_member,         // olga: in no channel of INC-1; types in #general, naming INC-1
    executive,          // erin: the playbook's executive, in no incident channel; types in #general
    bot,                // warroom itself (bot_user()), in the main channel
    // Extra roles where §3b names someone else:
    admin,              // alice: the playbook's admin, in no incident channel; types in #general
    nominee,            // nick: offered the Crisis Lead role by carl, not yet accepted; in the main channel
    ws_lead_in_main,    // wendy again, but typing in the main channel, outside her workstream
    approver,           // cora: customer-comms, the approvers of D-1's audience (customers); in the main channel
    guest_lead,         // carl, whom the platform says is a guest or from outside the organisation
    guest_nominee,      // nick, likewise
};

enum class Expect { allowed, refused, ignored };

// Which world the row runs in: the open incident, the same incident resolved
// (a review needs it), or the same world built on a tabletop exercise
// (`exercise end` needs one).
enum class World { open, resolved, exercise };

struct Row {
    std::string_view command;   // after "/incident "; "button ..." is a card button, not typed text
    Role role;
    Expect expect;
    World world = World::open;
};

using enum Role;
using enum Expect;
using enum World;

// Typed texts are sent as "/incident " + command. Card buttons:
//   "button approve|changes|reject D-N"  -> CardAction
//   "button allow|deny E-N"              -> EscalationAnswer
// clang-format off
const std::vector<Row> kTable = {
    // --- anyone the bot can see
    {"declare sev4 Lost laptop", lead, allowed},
    {"declare sev4 Lost laptop", former_lead, allowed},
    {"declare sev4 Lost laptop", ws_lead, allowed},
    {"declare sev4 Lost laptop", member, allowed},
    {"declare sev4 Lost laptop", non_member, allowed},
    {"declare sev4 Lost laptop", executive, allowed},
    {"declare sev4 Lost laptop", bot, ignored},

    {"list", lead, allowed},
    {"list", former_lead, allowed},
    {"list", ws_lead, allowed},
    {"list", member, allowed},
    {"list", non_member, allowed},
    {"list", executive, allowed},
    {"list", bot, ignored},

    {"help", lead, allowed},
    {"help", former_lead, allowed},
    {"help", ws_lead, allowed},
    {"help", member, allowed},
    {"help", non_member, allowed},
    {"help", executive, allowed},
    {"help", bot, ignored},

    // --- members of the incident's channels
    {"INC-1 show", lead, allowed},
    {"INC-1 show", former_lead, allowed},
    {"INC-1 show", ws_lead, allowed},
    {"INC-1 show", member, allowed},
    {"INC-1 show", non_member, refused},
    {"INC-1 show", executive, refused},
    {"INC-1 show", bot, ignored},

    {"INC-1 timeline", lead, allowed},
    {"INC-1 timeline", former_lead, allowed},
    {"INC-1 timeline", ws_lead, allowed},
    {"INC-1 timeline", member, allowed},
    {"INC-1 timeline", non_member, refused},
    {"INC-1 timeline", executive, refused},
    {"INC-1 timeline", bot, ignored},

    {"INC-1 update Mail gateway rule deployed", lead, allowed},
    {"INC-1 update Mail gateway rule deployed", former_lead, allowed},
    {"INC-1 update Mail gateway rule deployed", ws_lead, allowed},
    {"INC-1 update Mail gateway rule deployed", member, allowed},
    {"INC-1 update Mail gateway rule deployed", non_member, refused},
    {"INC-1 update Mail gateway rule deployed", executive, refused},
    {"INC-1 update Mail gateway rule deployed", bot, ignored},

    {"INC-1 note Three more reports came in", lead, allowed},
    {"INC-1 note Three more reports came in", former_lead, allowed},
    {"INC-1 note Three more reports came in", ws_lead, allowed},
    {"INC-1 note Three more reports came in", member, allowed},
    {"INC-1 note Three more reports came in", non_member, refused},
    {"INC-1 note Three more reports came in", executive, refused},
    {"INC-1 note Three more reports came in", bot, ignored},

    {"INC-1 decision Keep the payroll portal online", lead, allowed},
    {"INC-1 decision Keep the payroll portal online", former_lead, allowed},
    {"INC-1 decision Keep the payroll portal online", ws_lead, allowed},
    {"INC-1 decision Keep the payroll portal online", member, allowed},
    {"INC-1 decision Keep the payroll portal online", non_member, refused},
    {"INC-1 decision Keep the payroll portal online", executive, refused},
    {"INC-1 decision Keep the payroll portal online", bot, ignored},

    {"INC-1 draft customers We are investigating a phishing campaign", lead, allowed},
    {"INC-1 draft customers We are investigating a phishing campaign", former_lead, allowed},
    {"INC-1 draft customers We are investigating a phishing campaign", ws_lead, allowed},
    {"INC-1 draft customers We are investigating a phishing campaign", member, allowed},
    {"INC-1 draft customers We are investigating a phishing campaign", non_member, refused},
    {"INC-1 draft customers We are investigating a phishing campaign", executive, refused},
    {"INC-1 draft customers We are investigating a phishing campaign", bot, ignored},

    // --- the draft's author (the member wrote D-1 and D-2)
    {"revise D-2 Do not open mail from payro11.example", lead, refused},
    {"revise D-2 Do not open mail from payro11.example", former_lead, refused},
    {"revise D-2 Do not open mail from payro11.example", ws_lead, refused},
    {"revise D-2 Do not open mail from payro11.example", member, allowed},
    {"revise D-2 Do not open mail from payro11.example", non_member, refused},
    {"revise D-2 Do not open mail from payro11.example", executive, refused},
    {"revise D-2 Do not open mail from payro11.example", bot, ignored},

    {"retry D-3", lead, allowed},
    {"retry D-3", former_lead, refused},
    {"retry D-3", ws_lead, refused},
    {"retry D-3", member, refused},
    {"retry D-3", non_member, refused},
    {"retry D-3", executive, refused},
    {"retry D-3", bot, ignored},

    {"INC-1 page security-oncall", lead, allowed},
    {"INC-1 page security-oncall", former_lead, refused},
    {"INC-1 page security-oncall", ws_lead, allowed},   // in their workstream's channel
    {"INC-1 page security-oncall", ws_lead_in_main, refused},
    {"INC-1 page security-oncall", member, refused},
    {"INC-1 page security-oncall", non_member, refused},
    {"INC-1 page security-oncall", executive, refused},
    {"INC-1 page security-oncall", bot, ignored},

    {"withdraw D-1", lead, refused},
    {"withdraw D-1", former_lead, refused},
    {"withdraw D-1", ws_lead, refused},
    {"withdraw D-1", member, allowed},
    {"withdraw D-1", non_member, refused},
    {"withdraw D-1", executive, refused},
    {"withdraw D-1", bot, ignored},

    // --- the incident's current Crisis Lead only
    {"approve D-1", lead, allowed},
    {"approve D-1", former_lead, refused},
    {"approve D-1", ws_lead, refused},
    {"approve D-1", member, refused},
    {"approve D-1", non_member, refused},
    {"approve D-1", executive, refused},
    {"approve D-1", bot, ignored},

    {"reject D-1 Wrong audience", lead, allowed},
    {"reject D-1 Wrong audience", former_lead, refused},
    {"reject D-1 Wrong audience", ws_lead, refused},
    {"reject D-1 Wrong audience", member, refused},
    {"reject D-1 Wrong audience", non_member, refused},
    {"reject D-1 Wrong audience", executive, refused},
    {"reject D-1 Wrong audience", bot, ignored},

    {"changes D-1 Name the sender", lead, allowed},
    {"changes D-1 Name the sender", former_lead, refused},
    {"changes D-1 Name the sender", ws_lead, refused},
    {"changes D-1 Name the sender", member, refused},
    {"changes D-1 Name the sender", non_member, refused},
    {"changes D-1 Name the sender", executive, refused},
    {"changes D-1 Name the sender", bot, ignored},

    {"button approve D-1", lead, allowed},
    {"button approve D-1", former_lead, refused},
    {"button approve D-1", ws_lead, refused},
    {"button approve D-1", member, refused},
    {"button approve D-1", non_member, refused},
    {"button approve D-1", executive, refused},
    {"button approve D-1", bot, ignored},

    {"button changes D-1", lead, allowed},
    {"button changes D-1", former_lead, refused},
    {"button changes D-1", ws_lead, refused},
    {"button changes D-1", member, refused},
    {"button changes D-1", non_member, refused},
    {"button changes D-1", executive, refused},
    {"button changes D-1", bot, ignored},

    {"button reject D-1", lead, allowed},
    {"button reject D-1", former_lead, refused},
    {"button reject D-1", ws_lead, refused},
    {"button reject D-1", member, refused},
    {"button reject D-1", non_member, refused},
    {"button reject D-1", executive, refused},
    {"button reject D-1", bot, ignored},

    // --- the current Crisis Lead, or a playbook admin
    {"INC-1 lead @zoe", lead, allowed},
    {"INC-1 lead @zoe", former_lead, refused},
    {"INC-1 lead @zoe", ws_lead, refused},
    {"INC-1 lead @zoe", member, refused},
    {"INC-1 lead @zoe", non_member, refused},
    {"INC-1 lead @zoe", executive, refused},
    {"INC-1 lead @zoe", bot, ignored},

    // --- the person nominated as the next Crisis Lead
    {"INC-1 lead accept", lead, refused},
    {"INC-1 lead accept", former_lead, refused},
    {"INC-1 lead accept", ws_lead, refused},
    {"INC-1 lead accept", member, refused},
    {"INC-1 lead accept", non_member, refused},
    {"INC-1 lead accept", executive, refused},
    {"INC-1 lead accept", bot, ignored},

    // --- the Crisis Lead
    {"INC-1 workstream malware", lead, allowed},
    {"INC-1 workstream malware", former_lead, refused},
    {"INC-1 workstream malware", ws_lead, refused},
    {"INC-1 workstream malware", member, refused},
    {"INC-1 workstream malware", non_member, refused},
    {"INC-1 workstream malware", executive, refused},
    {"INC-1 workstream malware", bot, ignored},

    {"INC-1 severity sev3", lead, allowed},
    {"INC-1 severity sev3", former_lead, refused},
    {"INC-1 severity sev3", ws_lead, refused},
    {"INC-1 severity sev3", member, refused},
    {"INC-1 severity sev3", non_member, refused},
    {"INC-1 severity sev3", executive, refused},
    {"INC-1 severity sev3", bot, ignored},

    {"INC-1 status mitigating", lead, allowed},
    {"INC-1 status mitigating", former_lead, refused},
    {"INC-1 status mitigating", ws_lead, refused},
    {"INC-1 status mitigating", member, refused},
    {"INC-1 status mitigating", non_member, refused},
    {"INC-1 status mitigating", executive, refused},
    {"INC-1 status mitigating", bot, ignored},

    {"INC-1 escalate Reset every payroll password", lead, allowed},
    {"INC-1 escalate Reset every payroll password", former_lead, refused},
    {"INC-1 escalate Reset every payroll password", ws_lead, refused},
    {"INC-1 escalate Reset every payroll password", member, refused},
    {"INC-1 escalate Reset every payroll password", non_member, refused},
    {"INC-1 escalate Reset every payroll password", executive, refused},
    {"INC-1 escalate Reset every payroll password", bot, ignored},

    {"INC-1 summary", lead, allowed},
    {"INC-1 summary", former_lead, refused},
    {"INC-1 summary", ws_lead, refused},
    {"INC-1 summary", member, refused},
    {"INC-1 summary", non_member, refused},
    {"INC-1 summary", executive, refused},
    {"INC-1 summary", bot, ignored},

    {"INC-1 review", lead, allowed, resolved},
    {"INC-1 review", former_lead, refused, resolved},
    {"INC-1 review", ws_lead, refused, resolved},
    {"INC-1 review", member, refused, resolved},
    {"INC-1 review", non_member, refused, resolved},
    {"INC-1 review", executive, refused, resolved},
    {"INC-1 review", bot, ignored, resolved},

    {"exercise build-dependency", lead, allowed},
    {"exercise build-dependency", former_lead, allowed},  // differs from the role table: exercise is the Crisis Lead's, but the code lets anyone start one (exercise.cpp start() checks no role)
    {"exercise build-dependency", ws_lead, allowed},  // differs from the role table: exercise is the Crisis Lead's, but the code lets anyone start one (exercise.cpp start() checks no role)
    {"exercise build-dependency", member, allowed},  // differs from the role table: exercise is the Crisis Lead's, but the code lets anyone start one (exercise.cpp start() checks no role)
    {"exercise build-dependency", non_member, allowed},  // differs from the role table: exercise is the Crisis Lead's, but the code lets anyone start one (exercise.cpp start() checks no role)
    {"exercise build-dependency", executive, allowed},  // differs from the role table: exercise is the Crisis Lead's, but the code lets anyone start one (exercise.cpp start() checks no role)
    {"exercise build-dependency", bot, ignored},

    {"INC-1 exercise end", lead, allowed, exercise},
    {"INC-1 exercise end", former_lead, refused, exercise},
    {"INC-1 exercise end", ws_lead, refused, exercise},
    {"INC-1 exercise end", member, refused, exercise},
    {"INC-1 exercise end", non_member, refused, exercise},
    {"INC-1 exercise end", executive, refused, exercise},
    {"INC-1 exercise end", bot, ignored, exercise},

    // --- the Crisis Lead, a workstream lead within their workstream
    {"INC-1 invite @vic", lead, allowed},
    {"INC-1 invite @vic", former_lead, refused},
    {"INC-1 invite @vic", ws_lead, allowed},
    {"INC-1 invite @vic", member, refused},
    {"INC-1 invite @vic", non_member, refused},
    {"INC-1 invite @vic", executive, refused},
    {"INC-1 invite @vic", bot, ignored},

    {"INC-1 sync 30m", lead, allowed},
    {"INC-1 sync 30m", former_lead, refused},
    {"INC-1 sync 30m", ws_lead, allowed},
    {"INC-1 sync 30m", member, refused},
    {"INC-1 sync 30m", non_member, refused},
    {"INC-1 sync 30m", executive, refused},
    {"INC-1 sync 30m", bot, ignored},

    {"INC-1 sync off forensics", lead, allowed},
    {"INC-1 sync off forensics", former_lead, refused},
    {"INC-1 sync off forensics", ws_lead, allowed},
    {"INC-1 sync off forensics", member, refused},
    {"INC-1 sync off forensics", non_member, refused},
    {"INC-1 sync off forensics", executive, refused},
    {"INC-1 sync off forensics", bot, ignored},

    {"INC-1 sync", lead, allowed},
    {"INC-1 sync", former_lead, allowed},  // differs from the role table: sync is the Crisis Lead's or a workstream lead's, but `sync` alone (listing the cadences) is open to every member (sync.cpp require_member)
    {"INC-1 sync", ws_lead, allowed},
    {"INC-1 sync", member, allowed},  // differs from the role table: sync is the Crisis Lead's or a workstream lead's, but `sync` alone (listing the cadences) is open to every member (sync.cpp require_member)
    {"INC-1 sync", non_member, refused},
    {"INC-1 sync", executive, refused},
    {"INC-1 sync", bot, ignored},

    {"INC-1 rootcause Lookalike domain passed the mail filter", lead, allowed},
    {"INC-1 rootcause Lookalike domain passed the mail filter", former_lead, refused},
    {"INC-1 rootcause Lookalike domain passed the mail filter", ws_lead, allowed},
    {"INC-1 rootcause Lookalike domain passed the mail filter", member, refused},
    {"INC-1 rootcause Lookalike domain passed the mail filter", non_member, refused},
    {"INC-1 rootcause Lookalike domain passed the mail filter", executive, refused},
    {"INC-1 rootcause Lookalike domain passed the mail filter", bot, ignored},

    // impact is not in the role table; its help text and the code treat it like rootcause (review input)
    {"INC-1 impact 14 mailboxes received the lure", lead, allowed},
    {"INC-1 impact 14 mailboxes received the lure", former_lead, refused},
    {"INC-1 impact 14 mailboxes received the lure", ws_lead, allowed},
    {"INC-1 impact 14 mailboxes received the lure", member, refused},
    {"INC-1 impact 14 mailboxes received the lure", non_member, refused},
    {"INC-1 impact 14 mailboxes received the lure", executive, refused},
    {"INC-1 impact 14 mailboxes received the lure", bot, ignored},

    {"INC-1 action Rotate payroll credentials @mary", lead, allowed},
    {"INC-1 action Rotate payroll credentials @mary", former_lead, refused},
    {"INC-1 action Rotate payroll credentials @mary", ws_lead, allowed},
    {"INC-1 action Rotate payroll credentials @mary", member, refused},
    {"INC-1 action Rotate payroll credentials @mary", non_member, refused},
    {"INC-1 action Rotate payroll credentials @mary", executive, refused},
    {"INC-1 action Rotate payroll credentials @mary", bot, ignored},

    // --- the playbook's executives only
    {"allow E-1 Go ahead", lead, refused},
    {"allow E-1 Go ahead", former_lead, refused},
    {"allow E-1 Go ahead", ws_lead, refused},
    {"allow E-1 Go ahead", member, refused},
    {"allow E-1 Go ahead", non_member, refused},
    {"allow E-1 Go ahead", executive, allowed},
    {"allow E-1 Go ahead", bot, ignored},

    {"deny E-1 Too disruptive", lead, refused},
    {"deny E-1 Too disruptive", former_lead, refused},
    {"deny E-1 Too disruptive", ws_lead, refused},
    {"deny E-1 Too disruptive", member, refused},
    {"deny E-1 Too disruptive", non_member, refused},
    {"deny E-1 Too disruptive", executive, allowed},
    {"deny E-1 Too disruptive", bot, ignored},

    {"button allow E-1", lead, refused},
    {"button allow E-1", former_lead, refused},
    {"button allow E-1", ws_lead, refused},
    {"button allow E-1", member, refused},
    {"button allow E-1", non_member, refused},
    {"button allow E-1", executive, allowed},
    {"button allow E-1", bot, ignored},

    {"button deny E-1", lead, refused},
    {"button deny E-1", former_lead, refused},
    {"button deny E-1", ws_lead, refused},
    {"button deny E-1", member, refused},
    {"button deny E-1", non_member, refused},
    {"button deny E-1", executive, allowed},
    {"button deny E-1", bot, ignored},

    // --- extra roles: the admin, the nominee, a workstream lead outside her workstream
    {"INC-1 lead @zoe", admin, allowed},                     // §3b: "the current Crisis Lead, or a playbook admin"
    {"INC-1 lead accept", nominee, allowed},                 // §3b: "the person nominated as the next Crisis Lead"
    {"approve D-1", nominee, refused},                       // nominated is not yet the lead
    {"button approve D-1", nominee, refused},
    {"approve D-1", admin, refused},                         // an admin does not decide drafts
    {"button approve D-1", admin, refused},
    {"INC-1 show", admin, refused},                          // an admin in no channel is no member
    {"INC-1 severity sev3", admin, refused},
    {"allow E-1 Go ahead", admin, refused},
    {"INC-1 review", admin, allowed, resolved},        // differs from the role table: review is the Crisis Lead's, but the code also lets a playbook admin write it (review.cpp)
    {"INC-1 exercise end", admin, allowed, exercise},  // differs from the role table: exercise is the Crisis Lead's, but the code also lets a playbook admin end one (exercise.cpp end())
    {"INC-1 invite @vic", ws_lead_in_main, refused},         // "within their workstream" only
    {"INC-1 sync 30m forensics", ws_lead_in_main, refused},
    {"INC-1 rootcause Lookalike domain passed the mail filter", ws_lead_in_main, refused},
    {"INC-1 action Rotate payroll credentials @mary", ws_lead_in_main, refused},
    {"INC-1 sync 30m all", ws_lead, refused},                // the all-hands sync is the Crisis Lead's
    {"INC-1 sync 30m all", lead, allowed},
    {"INC-1 sync 30m forensics", lead, allowed},
    // --- §3b: an audience's approvers decide its drafts too; outsiders cannot lead or approve
    {"approve D-1", approver, allowed},                      // D-1 is for customers: customer-comms approves too
    {"button approve D-1", approver, allowed},
    {"reject D-1 Wrong audience", approver, allowed},
    {"button reject D-1", approver, allowed},
    {"changes D-1 Name the sender", approver, allowed},
    {"button changes D-1", approver, allowed},
    {"changes D-2 Name the sender", approver, refused},      // D-2 is for employees, which has no approvers
    {"approve D-1", guest_lead, refused},
    {"button approve D-1", guest_lead, refused},
    {"reject D-1 Wrong audience", guest_lead, refused},
    {"changes D-1 Name the sender", guest_lead, refused},
    {"INC-1 lead accept", guest_nominee, refused},
    {"approve D-1 --revision 2", lead, refused},             // §4: D-1 is at revision 1; the card shown was another
};
// clang-format on

struct Built {
    std::unique_ptr<Harness> harness;
    std::string main;   // INC-1's main channel
    std::string ws;     // the forensics workstream's channel
};

void step(Harness& h, const std::string& user, const std::string& channel, const std::string& text) {
    ok(h, user, channel, "/incident " + text);
    h.drain();
}

// The world every row starts from: INC-1 declared by frank (or a tabletop
// exercise started by him), workstream forensics led by wendy, mary invited,
// the Crisis Lead role handed from frank to carl, D-1 pending and D-2 with
// changes requested (both by mary), E-1 pending with the executives, a
// forensics sync, and nick nominated by carl as the next Crisis Lead.
Built build_world(World world) {
    Built built{std::make_unique<Harness>(), {}, {}};
    Harness& h = *built.harness;
    step(h, "frank", "general", world == exercise ? "exercise build-dependency" : "declare sev4 Payroll phishing");
    REQUIRE(h.main_channel(1));
    built.main = h.main_channel(1)->value();
    step(h, "frank", built.main, "workstream forensics @wendy");
    {
        const auto incident = h.incident(1);
        REQUIRE(incident);
        const Workstream* forensics = incident->find_workstream("forensics");
        REQUIRE(forensics);
        built.ws = forensics->channel.value();
    }
    step(h, "frank", built.main, "invite @mary");
    step(h, "frank", built.main, "lead @carl");
    step(h, "carl", built.main, "lead accept");
    step(h, "mary", built.main, "draft customers We are looking into a phishing campaign");
    step(h, "mary", built.main, "draft employees Do not open the payroll mail");
    step(h, "carl", built.main, "changes D-2 Name the sender address");
    // D-3, for the board's mailbox, approved; the mail server refused it for good.
    step(h, "mary", built.main, "draft board The payroll portal is offline while we investigate");
    h.performer.refuse_if = [](const OutboxJob& job) { return std::holds_alternative<Deliver>(job.effect); };
    ok(h, "carl", built.main, "/incident approve D-3");
    drain_outbox(*h.store, h.performer, h.clock, &h.engine);
    h.performer.refuse_if = nullptr;
    step(h, "carl", built.main, "escalate Take the payroll portal offline");
    step(h, "carl", built.main, "sync 1h forensics");
    step(h, "carl", built.main, "lead @nick");
    if (world == resolved) step(h, "carl", built.main, "status resolved");

    const auto incident = h.incident(1);
    REQUIRE(incident);
    REQUIRE(incident->exercise == (world == exercise));
    REQUIRE(incident->lead == UserId{"carl"});
    REQUIRE(incident->nominee == UserId{"nick"});
    REQUIRE(incident->is_member(UserId{"frank"}));
    REQUIRE(incident->is_member(UserId{"mary"}));
    REQUIRE_FALSE(incident->is_member(UserId{"olga"}));
    REQUIRE_FALSE(incident->is_member(UserId{"erin"}));
    REQUIRE_FALSE(incident->is_member(UserId{"alice"}));
    REQUIRE(h.playbook.is_executive(UserId{"erin"}));
    REQUIRE(h.playbook.is_admin(UserId{"alice"}));
    REQUIRE(h.draft(1));
    REQUIRE(h.draft(1)->author == UserId{"mary"});
    REQUIRE(h.draft(1)->state == DraftState::pending);
    REQUIRE(h.draft(2));
    REQUIRE(h.draft(2)->author == UserId{"mary"});
    REQUIRE(h.draft(2)->state == DraftState::changes_requested);
    {
        auto tx = h.store->begin();
        const auto escalation = tx->escalation(EscalationId{1});
        REQUIRE(escalation);
        REQUIRE(escalation->state == EscalationState::pending);
    }
    REQUIRE(all_refusals(h) == 0);
    return built;
}

struct Caller {
    std::string user;
    std::string channel;
    bool outsider = false;             // the adapter says so (Event::outsiders)
};

Caller caller(const Built& built, Role role) {
    switch (role) {
        case lead: return {"carl", built.main};
        case former_lead: return {"frank", built.main};
        case ws_lead: return {"wendy", built.ws};
        case member: return {"mary", built.main};
        case non_member: return {"olga", "general"};
        case executive: return {"erin", "general"};
        case bot: return {bot_user().value(), built.main};
        case admin: return {"alice", "general"};
        case nominee: return {"nick", built.main};
        case ws_lead_in_main: return {"wendy", built.main};
        case approver: return {"cora", built.main};
        case guest_lead: return {"carl", built.main, true};
        case guest_nominee: return {"nick", built.main, true};
    }
    return {};
}

std::string role_name(Role role) {
    switch (role) {
        case lead: return "Crisis Lead";
        case former_lead: return "former Crisis Lead";
        case ws_lead: return "workstream lead";
        case member: return "member";
        case non_member: return "non-member";
        case executive: return "executive";
        case bot: return "the bot";
        case admin: return "admin";
        case nominee: return "nominee";
        case ws_lead_in_main: return "workstream lead outside her workstream";
        case approver: return "approver";
        case guest_lead: return "Crisis Lead who is a guest";
        case guest_nominee: return "nominee who is a guest";
    }
    return "?";
}

std::string world_name(World world) {
    switch (world) {
        case open: return "open incident";
        case resolved: return "resolved incident";
        case exercise: return "exercise";
    }
    return "?";
}

std::string expect_name(Expect expect) {
    switch (expect) {
        case allowed: return "allowed";
        case refused: return "refused";
        case ignored: return "ignored";
    }
    return "?";
}

constexpr std::string_view kButton = "button ";

bool is_button(std::string_view command) { return command.substr(0, kButton.size()) == kButton; }

Reply send(Harness& h, const Caller& who, std::string_view command) {
    std::vector<UserId> outsiders;
    if (who.outsider) outsiders.push_back(UserId{who.user});
    if (!is_button(command)) {
        Event typed{EventId{h.next_event_id()}, UserId{who.user}, ChannelName{who.channel},
                    CommandText{"/incident " + std::string(command)}};
        typed.outsiders = outsiders;
        return h.send(typed);
    }
    std::istringstream words{std::string(command.substr(kButton.size()))};
    std::string what, id;
    words >> what >> id;
    const std::int64_t n = std::stoll(id.substr(2));   // "D-1", "E-1"
    Event event{EventId{h.next_event_id()}, UserId{who.user}, ChannelName{""}, CommandText{}};
    if (what == "approve") event.what = CardAction{DraftId{n}, CardDecision::approve, ""};
    else if (what == "changes") event.what = CardAction{DraftId{n}, CardDecision::request_changes, ""};
    else if (what == "reject") event.what = CardAction{DraftId{n}, CardDecision::reject, ""};
    else if (what == "allow") event.what = EscalationAnswer{EscalationId{n}, true, ""};
    else if (what == "deny") event.what = EscalationAnswer{EscalationId{n}, false, ""};
    else FAIL("unknown button in the table: " << command);
    event.outsiders = outsiders;
    return h.send(event);
}

std::size_t all_entries(Harness& h) {
    std::size_t n = 0;
    for (const Incident& incident : h.incidents()) n += h.timeline(incident.id.value()).size();
    return n;
}

// The command a row exercises, for the coverage check: "approve", "lead accept",
// "sync off", "button approve", ...
std::string command_key(std::string_view command) {
    std::istringstream in{std::string(command)};
    std::vector<std::string> words;
    for (std::string word; in >> word;) words.push_back(word);
    if (!words.empty() && words[0] == "INC-1") words.erase(words.begin());
    if (words.empty()) return "";
    const std::string& first = words[0];
    const std::string second = words.size() > 1 ? words[1] : "";
    if (first == "button") return "button " + second;
    if (first == "lead") return second == "accept" ? "lead accept" : "lead @user";
    if (first == "exercise") return second == "end" ? "exercise end" : "exercise SCENARIO";
    if (first == "sync") return second.empty() ? "sync" : second == "off" ? "sync off" : "sync EVERY";
    return first;
}

}  // namespace

TEST_CASE("authorization table: every command and card action by every role, against the role table",
          "[authorization]") {
    std::size_t index = 0;
    for (const Row& row : kTable) {
        ++index;
        Built built = build_world(row.world);
        Harness& h = *built.harness;
        const Caller who = caller(built, row.role);

        const std::string before = h.state_fingerprint();
        const std::size_t entries_before = all_entries(h);
        const std::size_t refusals_before = h.timeline_of_kind(1, EntryKind::refusal).size();
        const std::size_t all_refusals_before = all_refusals(h);

        const Reply reply = send(h, who, row.command);

        const std::size_t refusals_after = h.timeline_of_kind(1, EntryKind::refusal).size();
        std::string actual = "invalid (an error with no refusal recorded: the row's arguments are wrong)";
        if (reply.kind == Reply::Kind::ok) actual = "allowed";
        else if (reply.kind == Reply::Kind::ignored) actual = "ignored";
        else if (refusals_after == refusals_before + 1) actual = "refused";

        INFO("row " << index << ": /incident " << row.command << " by the " << role_name(row.role) << " ("
                    << who.user << " in #" << who.channel << "), " << world_name(row.world) << "\n  expected "
                    << expect_name(row.expect) << ", got " << actual << ": " << reply.text);
        CHECK(actual == expect_name(row.expect));

        switch (row.expect) {
            case Expect::allowed:
                CHECK(all_refusals(h) == all_refusals_before);
                break;
            case Expect::refused: {
                CHECK_FALSE(reply.text.empty());
                CHECK(h.state_fingerprint() == before);
                CHECK(all_refusals(h) == all_refusals_before + 1);
                const auto refusals = h.timeline_of_kind(1, EntryKind::refusal);
                CHECK(refusals.size() == refusals_before + 1);
                if (refusals.size() != refusals_before + 1) break;   // reported; go on with the next row
                CHECK(refusals.back().actor == UserId{who.user});
                CHECK_THAT(refusals.back().text,
                           Catch::Contains(is_button(row.command) ? std::string("a card button")
                                                                  : std::string(row.command)));
                CHECK_THAT(refusals.back().text, Catch::Contains(reply.text));
                break;
            }
            case Expect::ignored:
                CHECK(reply.text.empty());
                CHECK(h.state_fingerprint() == before);
                CHECK(all_entries(h) == entries_before);
                CHECK(h.pending_jobs().empty());
                break;
        }
    }
}

TEST_CASE("authorization table covers every command and card action for every role", "[authorization]") {
    const std::vector<Role> core = {Role::lead,       Role::former_lead, Role::ws_lead, Role::member,
                                    Role::non_member, Role::executive,   Role::bot};
    std::map<std::string, std::set<Role>> covered;
    std::set<std::string> names;
    std::set<std::string> seen;
    for (const Row& row : kTable) {
        const std::string key = command_key(row.command);
        covered[key].insert(row.role);
        if (!is_button(row.command)) names.insert(key.substr(0, key.find(' ')));
        const std::string id = std::string(row.command) + "|" + role_name(row.role) + "|" + world_name(row.world);
        INFO("row " << id);
        CHECK(seen.insert(id).second);   // no row twice
    }
    for (const CommandSpec* command : all_commands()) {
        INFO("command " << command->name);
        CHECK(names.count(std::string(command->name)) == 1);
    }
    for (const char* button : {"button approve", "button changes", "button reject", "button allow", "button deny"}) {
        INFO("card action " << button);
        CHECK(covered.count(button) == 1);
    }
    for (const auto& [key, roles] : covered) {
        for (Role role : core) {
            INFO("command " << key << " by the " << role_name(role));
            CHECK(roles.count(role) == 1);
        }
    }
}

}  // namespace warroom::test
