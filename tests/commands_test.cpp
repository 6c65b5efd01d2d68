// Every /incident subcommand through the engine, on the bundled playbook and a
// real SQLite store: what users see (replies, channels, invitations, cards,
// publications) and what is refused.
#include <catch2/catch.hpp>

#include "expectations.hpp"
#include "test_support.hpp"

using namespace warroom;
using namespace warroom::test;
using Catch::Contains;

namespace {

const std::string kMain = "inc-1-payroll-phishing";

// alice declares INC-1 "Payroll phishing" from #general; its effects are performed.
void declare(Harness& h, const std::string& severity = "sev1") {
    ok(h, "alice", "general", "/incident declare " + severity + " Payroll phishing");
    h.drain();
}

// lena (legal, invited at sev1) drafts D-1 for the executives in the main channel.
void lena_drafts(Harness& h, const std::string& text = "We are investigating a payroll phishing campaign.") {
    ok(h, "lena", kMain, "/incident draft exec " + text);
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

template <class T>
std::ptrdiff_t index_of_first(const std::vector<Effect>& effects, const std::function<bool(const T&)>& match) {
    for (std::size_t i = 0; i < effects.size(); ++i)
        if (const T* e = std::get_if<T>(&effects[i]); e && match(*e)) return static_cast<std::ptrdiff_t>(i);
    return -1;
}

}  // namespace

// ---------------------------------------------------------------------------
// declare

TEST_CASE("declare sev1 opens the main channel, three workstreams, invites stakeholders, posts a header",
          "[commands][declare]") {
    Harness h;
    const Reply reply = ok(h, "alice", "general", "/incident declare sev1 Payroll phishing");
    CHECK_THAT(reply.text, Contains("INC-1"));
    CHECK_THAT(reply.text, Contains("#" + kMain));
    CHECK_THAT(reply.text, Contains("you are the Crisis Lead"));

    const auto fx = h.drain();
    CHECK(created_channel_names(fx) == std::vector<std::string>{kMain, "inc-1-engineering", "inc-1-communications",
                                                                "inc-1-legal"});
    for (const CreateChannel& c : created_channels(fx)) {
        CHECK(c.is_private);
        CHECK(c.incident == IncidentId{1});
    }
    CHECK(invited_to(fx, kMain) == std::vector<std::string>{"alice", "cora", "lena", "pat", "sam"});
    for (const char* ws : {"inc-1-engineering", "inc-1-communications", "inc-1-legal"})
        CHECK(invited_to(fx, ws) == std::vector<std::string>{"alice"});

    const auto header = messages_in(fx, kMain);
    REQUIRE(header.size() == 1);
    CHECK_THAT(header[0].text, Contains("INC-1"));
    CHECK_THAT(header[0].text, Contains("Payroll phishing"));
    CHECK_THAT(header[0].text, Contains("sev1"));
    CHECK_THAT(header[0].text, Contains("Crisis Lead: @alice"));
    CHECK_THAT(header[0].text, Contains("#inc-1-engineering"));
    CHECK_THAT(header[0].text, Contains("#inc-1-legal"));
    CHECK(header[0].pin);   // found at a glance in the channel's pins

    // The channel exists before anyone is invited to it or anything is posted in it.
    const auto created = index_of_first<CreateChannel>(fx, [](const CreateChannel& c) { return c.name.value() == kMain; });
    const auto invited = index_of_first<InviteUsers>(fx, [](const InviteUsers& i) { return i.channel.value() == kMain; });
    const auto posted = index_of_first<PostMessage>(fx, [](const PostMessage& m) { return m.channel && m.channel->value() == kMain; });
    CHECK(created >= 0);
    CHECK(created < invited);
    CHECK(created < posted);

    const auto incident = h.incident(1);
    REQUIRE(incident);
    CHECK(incident->title == "Payroll phishing");
    CHECK(incident->severity == Severity::sev1);
    CHECK(incident->status == Status::investigating);
    CHECK(incident->lead == UserId{"alice"});
    CHECK(incident->declared_by == UserId{"alice"});
    CHECK(incident->declared_at == kTestStart);
    CHECK(incident->main_channel().name == ChannelName{kMain});
    REQUIRE(incident->workstreams.size() == 3);
    CHECK(incident->workstreams[0].name == "engineering");
    CHECK(incident->workstreams[1].name == "communications");
    CHECK(incident->workstreams[2].name == "legal");
    CHECK(incident->invited_groups == std::set<std::string>{"customer-comms", "legal", "pr", "support"});

    const auto declared = h.timeline_of_kind(1, EntryKind::declared);
    REQUIRE(declared.size() == 1);
    CHECK(declared[0].actor == UserId{"alice"});
    CHECK_THAT(declared[0].text, Contains("sev1"));
    CHECK(h.timeline_of_kind(1, EntryKind::workstream).size() == 3);
}

TEST_CASE("declare follows the playbook for sev2, sev3 and sev4", "[commands][declare]") {
    Harness h;
    ok(h, "bob", "general", "/incident declare sev2 Compromised VPN account");
    ok(h, "bob", "general", "/incident declare sev3 Lost laptop");
    ok(h, "bob", "general", "/incident declare SEV4 Odd login alerts");
    const auto fx = h.drain();

    CHECK(created_channel_names(fx) ==
          std::vector<std::string>{"inc-1-compromised-vpn-account", "inc-1-engineering", "inc-1-communications",
                                   "inc-2-lost-laptop", "inc-2-engineering", "inc-3-odd-login-alerts"});
    CHECK(invited_to(fx, "inc-1-compromised-vpn-account") == std::vector<std::string>{"bob", "cora", "lena"});
    CHECK(invited_to(fx, "inc-2-lost-laptop") == std::vector<std::string>{"bob"});
    CHECK(invited_to(fx, "inc-3-odd-login-alerts") == std::vector<std::string>{"bob"});
    CHECK(h.incident(3)->severity == Severity::sev4);
    CHECK(h.incident(3)->workstreams.empty());
    CHECK(h.incidents().size() == 3);
}

TEST_CASE("declare --lead names another Crisis Lead, who is invited and told", "[commands][declare]") {
    Harness h;
    const Reply reply = ok(h, "alice", "general", "/incident declare sev3 Payroll phishing --lead @bob");
    CHECK_THAT(reply.text, Contains("Crisis Lead: @bob"));
    const auto fx = h.drain();
    CHECK(h.incident(1)->lead == UserId{"bob"});
    CHECK(h.incident(1)->title == "Payroll phishing");
    CHECK(contains(invited_to(fx, kMain), "bob"));
    CHECK(invited_to(fx, "inc-1-engineering") == std::vector<std::string>{"bob"});
    const auto told = messages_to(fx, "bob");
    REQUIRE(told.size() == 1);
    CHECK_THAT(told[0].text, Contains("Crisis Lead"));
    CHECK_THAT(told[0].text, Contains("INC-1"));
}

TEST_CASE("declare --lead in the middle of the title is not part of the title", "[commands][declare]") {
    Harness h;
    ok(h, "alice", "general", "/incident declare sev4 Payroll --lead @bob phishing");
    CHECK(h.incident(1)->title == "Payroll phishing");
    CHECK(h.incident(1)->lead == UserId{"bob"});
    CHECK(h.incident(1)->main_channel().name == ChannelName{kMain});
}

TEST_CASE("declare: channel names stay valid and distinct whatever the title", "[commands][declare]") {
    Harness h;
    // A title that slugs to a workstream's name does not make two channels with one name.
    ok(h, "alice", "general", "/incident declare sev1 Engineering");
    const auto first = h.incident(1);
    std::set<std::string> names;
    for (const Channel& channel : first->channels) names.insert(channel.name.value());
    CHECK(names.size() == first->channels.size());
    CHECK(first->main_channel().name == ChannelName{"inc-1-engineering"});
    // The engineering workstream still has a channel of its own, found by the engine.
    const ChannelName eng = first->find_workstream("engineering")->channel;
    CHECK(eng != first->main_channel().name);
    ok(h, "alice", eng.value(), "/incident update from the workstream");
    CHECK(h.updates(1).at(0).workstream == "engineering");

    // At most 80 characters, lowercase ASCII, digits and '-'.
    ok(h, "alice", "general", "/incident declare sev4 " + std::string(150, 'A') + " B");
    ok(h, "alice", "general", "/incident declare sev4 Ransomware \u00e0 Paris!");
    ok(h, "alice", "general", "/incident declare sev4 \u52d2\u7d22\u8f6f\u4ef6");
    const std::string long_name = h.incident(2)->main_channel().name.value();
    CHECK(long_name.size() <= 80);
    CHECK(long_name.rfind("inc-2-aaaa", 0) == 0);
    CHECK(long_name.back() != '-');
    CHECK(h.incident(3)->main_channel().name == ChannelName{"inc-3-ransomware-paris"});
    CHECK(h.incident(4)->main_channel().name == ChannelName{"inc-4"});
    CHECK(h.incident(4)->title == "\u52d2\u7d22\u8f6f\u4ef6");
}

TEST_CASE("declare numbers incidents and keeps a quoted title whole", "[commands][declare]") {
    Harness h;
    declare(h);
    ok(h, "carol", kMain, "/incident declare sev4 \"Ransom note: finance share\"");
    const auto second = h.incident(2);
    REQUIRE(second);
    CHECK(second->title == "Ransom note: finance share");
    CHECK(second->main_channel().name == ChannelName{"inc-2-ransom-note-finance-share"});
    CHECK(second->lead == UserId{"carol"});
}

TEST_CASE("declare refuses bad arguments and creates nothing", "[commands][declare]") {
    Harness h;
    invalid(h, "alice", "general", "/incident declare", "/incident declare sev1");
    invalid(h, "alice", "general", "/incident declare sev1", "say the severity and a title");
    invalid(h, "alice", "general", "/incident declare sev5 Payroll phishing", "\"sev5\" is not a severity");
    invalid(h, "alice", "general", "/incident declare high Payroll phishing", "use sev1");
    invalid(h, "alice", "general", "/incident declare sev1 " + std::string(201, 't'), "bytes");
    invalid(h, "alice", "general", "/incident declare sev1 Payroll phishing --lead bob", "--lead needs a person");
    invalid(h, "alice", "general", "/incident declare sev1 Payroll \xC3\x28 phishing", "UTF-8");
    invalid(h, "alice", "general", "/incident INC-1 declare sev1 Payroll phishing", "does not take an incident id");
    CHECK(h.incidents().empty());
    CHECK(h.pending_jobs().empty());
}

// ---------------------------------------------------------------------------
// lead, lead accept

TEST_CASE("lead @user offers the role, the current lead stays accountable until accepted", "[commands][lead]") {
    Harness h;
    declare(h);
    const Reply reply = ok(h, "alice", kMain, "/incident lead @bob");
    CHECK_THAT(reply.text, Contains("@bob"));
    const auto fx = h.drain();
    CHECK(h.incident(1)->lead == UserId{"alice"});
    CHECK(h.incident(1)->nominee == std::optional<UserId>(UserId{"bob"}));
    CHECK(invited_to(fx, kMain) == std::vector<std::string>{"bob"});
    const auto told = messages_to(fx, "bob");
    REQUIRE(told.size() == 1);
    CHECK_THAT(told[0].text, Contains("lead accept"));
    CHECK(h.timeline_of_kind(1, EntryKind::lead).size() == 1);

    // Until bob accepts, he cannot act as lead, and is told to accept first.
    const Reply early = refused(h, 1, "bob", kMain, "/incident status mitigating", "only the Crisis Lead");
    CHECK_THAT(early.text, Contains("lead accept"));
    ok(h, "alice", kMain, "/incident status mitigating");
}

TEST_CASE("lead accept re-routes pending drafts to the new lead, who alone can decide them", "[commands][lead]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    ok(h, "pat", kMain, "/incident draft press No comment at this time.");
    ok(h, "alice", kMain, "/incident approve D-2");   // decided drafts stay where they are
    ok(h, "pat", kMain, "/incident approve D-2");     // press needs pr's approval too
    ok(h, "alice", kMain, "/incident lead @bob");
    h.drain();

    const Reply reply = ok(h, "bob", kMain, "/incident lead accept");
    CHECK_THAT(reply.text, Contains("Crisis Lead of INC-1"));
    CHECK_THAT(reply.text, Contains("1 pending draft"));
    const auto fx = h.drain();

    const auto incident = h.incident(1);
    CHECK(incident->lead == UserId{"bob"});
    CHECK_FALSE(incident->nominee);
    // The lead is in every channel of the incident.
    for (const Channel& channel : incident->channels) CHECK(channel.members.count(UserId{"bob"}) == 1);
    CHECK(invited_to(fx, "inc-1-engineering") == std::vector<std::string>{"bob"});
    // Platforms that give the lead rights per channel (Matrix power levels) move them, in every channel.
    const auto handovers = of<HandOverChannels>(fx);
    REQUIRE(handovers.size() == 1);
    CHECK(handovers[0].from == UserId{"alice"});
    CHECK(handovers[0].to == UserId{"bob"});
    CHECK(handovers[0].channels.size() == incident->channels.size());

    // The old card shows where D-1 went; bob gets a card of his own.
    const auto old_card = card_updates_for(fx, 1);
    REQUIRE(old_card.size() == 1);
    CHECK(old_card[0].to == UserId{"alice"});
    CHECK(old_card[0].card.rerouted_to == std::optional<UserId>(UserId{"bob"}));
    CHECK(old_card[0].card.state == DraftState::pending);
    const auto new_card = cards_for(fx, 1);
    REQUIRE(new_card.size() == 1);
    CHECK(new_card[0].to == UserId{"bob"});
    CHECK(new_card[0].card.text == "We are investigating a payroll phishing campaign.");
    CHECK(h.draft(1)->routed_to == UserId{"bob"});
    // The decided draft is not re-routed.
    CHECK(card_updates_for(fx, 2).empty());
    CHECK(cards_for(fx, 2).empty());
    // alice is told she is no longer accountable.
    CHECK_FALSE(messages_to(fx, "alice").empty());

    refused(h, 1, "alice", kMain, "/incident approve D-1", "only the Crisis Lead of INC-1 (@bob)");
    CHECK(h.draft(1)->state == DraftState::pending);
    ok(h, "bob", kMain, "/incident approve D-1");
    const auto published = publishes(h.drain());
    REQUIRE(published.size() == 1);
    CHECK_THAT(published[0].text, Contains("approved by @bob"));
}

TEST_CASE("an admin may hand over someone else's incident", "[commands][lead]") {
    Harness h;
    ok(h, "bob", "general", "/incident declare sev4 Suspicious logins");
    h.drain();
    // alice is a playbook admin but in none of INC-1's channels.
    ok(h, "alice", "general", "/incident INC-1 lead @carol");
    CHECK(h.incident(1)->nominee == std::optional<UserId>(UserId{"carol"}));
    ok(h, "carol", "general", "/incident INC-1 lead accept");
    CHECK(h.incident(1)->lead == UserId{"carol"});
    const auto entries = h.timeline_of_kind(1, EntryKind::lead);
    REQUIRE(entries.size() == 2);
    CHECK_THAT(entries[0].text, Contains("@alice offered the Crisis Lead role to @carol"));
    CHECK_THAT(entries[1].text, Contains("@carol accepted"));
}

TEST_CASE("lead refusals: a non-lead non-admin cannot hand over, only the nominee accepts", "[commands][lead]") {
    Harness h;
    declare(h);
    const Reply reply = refused(h, 1, "lena", kMain, "/incident lead @lena", "only the Crisis Lead");
    CHECK_THAT(reply.text, Contains("admin"));
    refused(h, 1, "dave", "general", "/incident INC-1 lead @dave", "only the Crisis Lead");

    ok(h, "alice", kMain, "/incident lead @bob");
    refused(h, 1, "carol", kMain, "/incident lead accept", "offered to @bob, not to you");
    refused(h, 1, "alice", kMain, "/incident lead accept", "not to you");
    CHECK(h.incident(1)->lead == UserId{"alice"});
}

TEST_CASE("lead: bad arguments", "[commands][lead]") {
    Harness h;
    declare(h);
    invalid(h, "alice", kMain, "/incident lead", "/incident lead @carol");
    invalid(h, "alice", kMain, "/incident lead bob", "\"bob\" is not a person");
    invalid(h, "alice", kMain, "/incident lead @alice", "already the Crisis Lead");
    invalid(h, "bob", kMain, "/incident lead accept", "nobody has been offered");
    ok(h, "alice", kMain, "/incident lead @bob");
    invalid(h, "alice", kMain, "/incident lead @bob", "already nominated");
}

// ---------------------------------------------------------------------------
// workstream

TEST_CASE("workstream opens a channel with its lead, the Crisis Lead joins it", "[commands][workstream]") {
    Harness h;
    declare(h, "sev4");
    const Reply reply = ok(h, "alice", kMain, "/incident workstream forensics @dave");
    CHECK_THAT(reply.text, Contains("#inc-1-forensics"));
    const auto fx = h.drain();
    CHECK(created_channel_names(fx) == std::vector<std::string>{"inc-1-forensics"});
    CHECK(created_channels(fx)[0].is_private);
    CHECK(invited_to(fx, "inc-1-forensics") == std::vector<std::string>{"alice", "dave"});
    CHECK(invited_to(fx, kMain) == std::vector<std::string>{"dave"});
    CHECK_FALSE(messages_to(fx, "dave").empty());
    CHECK_FALSE(messages_in(fx, "inc-1-forensics").empty());

    const auto incident = h.incident(1);
    const Workstream* forensics = incident->find_workstream("forensics");
    REQUIRE(forensics);
    CHECK(forensics->lead == std::optional<UserId>(UserId{"dave"}));
    CHECK(forensics->channel == ChannelName{"inc-1-forensics"});

    // Naming a lead for an existing workstream.
    ok(h, "alice", kMain, "/incident workstream forensics @carol");
    CHECK(h.incident(1)->find_workstream("forensics")->lead == std::optional<UserId>(UserId{"carol"}));
    CHECK(invited_to(h.drain(), "inc-1-forensics") == std::vector<std::string>{"carol"});
}

TEST_CASE("workstream: only the Crisis Lead, bad names refused", "[commands][workstream]") {
    Harness h;
    declare(h);
    refused(h, 1, "lena", kMain, "/incident workstream forensics", "only the Crisis Lead");
    invalid(h, "alice", kMain, "/incident workstream", "name the workstream");
    invalid(h, "alice", kMain, "/incident workstream Forensics!", "is not a workstream name");
    invalid(h, "alice", kMain, "/incident workstream -x", "is not a workstream name");
    invalid(h, "alice", kMain, "/incident workstream " + std::string(41, 'a'),
            "the workstream name is 41 characters; the limit is 40.");
    invalid(h, "alice", kMain, "/incident workstream forensics dave", "\"dave\" is not a person");
    invalid(h, "alice", kMain, "/incident workstream engineering", "already open");
    invalid(h, "alice", kMain, "/incident workstream a @b c", "name the workstream");
}

// ---------------------------------------------------------------------------
// invite

TEST_CASE("invite adds people or a playbook group to the channel it is typed in", "[commands][invite]") {
    Harness h;
    declare(h, "sev3");
    const Reply people = ok(h, "alice", kMain, "/incident invite @dave <@erin>");
    CHECK_THAT(people.text, Contains("@dave"));
    auto fx = h.drain();
    CHECK(invited_to(fx, kMain) == std::vector<std::string>{"dave", "erin"});

    ok(h, "alice", kMain, "/incident invite legal");
    fx = h.drain();
    CHECK(invited_to(fx, kMain) == std::vector<std::string>{"lena"});
    CHECK(h.incident(1)->invited_groups.count("legal") == 1);

    // Typed in a workstream channel: that channel only.
    ok(h, "alice", "inc-1-engineering", "/incident invite @carol");
    fx = h.drain();
    CHECK(invited_to(fx, "inc-1-engineering") == std::vector<std::string>{"carol"});
    CHECK(invited_to(fx, kMain).empty());
    const auto incident = h.incident(1);
    CHECK(incident->find_channel(ChannelName{"inc-1-engineering"})->members.count(UserId{"carol"}) == 1);
    CHECK(incident->main_channel().members.count(UserId{"carol"}) == 0);
    CHECK(h.timeline_of_kind(1, EntryKind::invite).size() == 3);

    // Typed elsewhere with the incident named: the main channel.
    ok(h, "alice", "general", "/incident INC-1 invite @pat");
    CHECK(invited_to(h.drain(), kMain) == std::vector<std::string>{"pat"});
}

TEST_CASE("invite: a workstream lead may invite within their workstream only", "[commands][invite]") {
    Harness h;
    declare(h, "sev4");
    ok(h, "alice", kMain, "/incident workstream forensics @dave");
    h.drain();
    ok(h, "dave", "inc-1-forensics", "/incident invite @carol");
    CHECK(invited_to(h.drain(), "inc-1-forensics") == std::vector<std::string>{"carol"});
    refused(h, 1, "dave", kMain, "/incident invite @bob", "only the Crisis Lead");
    refused(h, 1, "carol", "inc-1-forensics", "/incident invite @bob", "only the Crisis Lead");
}

TEST_CASE("invite: refusals and bad arguments", "[commands][invite]") {
    Harness h;
    declare(h);
    refused(h, 1, "lena", kMain, "/incident invite @dave", "only the Crisis Lead");
    invalid(h, "alice", kMain, "/incident invite", "name people or a playbook group");
    const Reply unknown = invalid(h, "alice", kMain, "/incident invite marketing", "\"marketing\" is neither");
    CHECK_THAT(unknown.text, Contains("customer-comms"));
    invalid(h, "alice", kMain, "/incident invite @lena legal", "already in #" + kMain);
    // One bad word spoils the whole command: dave is not invited either.
    invalid(h, "alice", kMain, "/incident invite @dave marketing", "marketing");
    CHECK(h.incident(1)->main_channel().members.count(UserId{"dave"}) == 0);
}

// ---------------------------------------------------------------------------
// update, note, decision

TEST_CASE("update is recorded per workstream and echoed where it was typed", "[commands][update]") {
    Harness h;
    declare(h);
    const Reply main_reply = ok(h, "alice", kMain, "/incident update Phishing mails quarantined");
    CHECK(main_reply.text == "Update recorded");
    const Reply ws_reply = ok(h, "alice", "inc-1-engineering", "/incident update Sender domain blocked");
    CHECK_THAT(ws_reply.text, Contains("engineering"));
    const auto fx = h.drain();

    const auto updates = h.updates(1);
    REQUIRE(updates.size() == 2);
    CHECK(updates[0].workstream == "");
    CHECK(updates[0].text == "Phishing mails quarantined");
    CHECK(updates[1].workstream == "engineering");
    CHECK(updates[1].text == "Sender domain blocked");
    CHECK(updates[1].author == UserId{"alice"});

    const auto in_main = messages_in(fx, kMain);
    REQUIRE(in_main.size() == 1);
    CHECK_THAT(in_main[0].text, Contains("Phishing mails quarantined"));
    const auto in_ws = messages_in(fx, "inc-1-engineering");
    REQUIRE(in_ws.size() == 1);
    CHECK_THAT(in_ws[0].text, Contains("Sender domain blocked"));
    CHECK(h.timeline_of_kind(1, EntryKind::update).size() == 2);
}

TEST_CASE("update, note, decision: members only, text checked", "[commands][update][note][decision]") {
    Harness h;
    declare(h);
    for (const char* command : {"update", "note", "decision"}) {
        INFO(command);
        const std::string c = command;
        // bob is in none of INC-1's channels.
        const Reply reply = refused(h, 1, "bob", "general", "/incident INC-1 " + c + " I saw it too",
                                    "you are not in any channel of INC-1");
        CHECK_THAT(reply.text, Contains("invite @bob"));
        invalid(h, "alice", kMain, "/incident " + c, "/incident " + c + " TEXT");
        invalid(h, "alice", kMain, "/incident " + c + " " + std::string(4001, 'x'), "the limit is 4,000");
        invalid(h, "alice", kMain, "/incident " + c + " bad \xFF byte", "UTF-8");
    }
    // Exactly at the limit is fine.
    ok(h, "alice", kMain, "/incident note " + std::string(4000, 'y'));
}

TEST_CASE("note and decision land on the timeline and in the channel", "[commands][note][decision]") {
    Harness h;
    declare(h);
    CHECK(ok(h, "lena", kMain, "/incident note Legal hold issued for mailboxes").text == "Note recorded");
    CHECK(ok(h, "alice", kMain, "/incident decision Reset all payroll passwords").text == "Decision recorded");
    const auto fx = h.drain();
    const auto notes = h.timeline_of_kind(1, EntryKind::note);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].text == "Legal hold issued for mailboxes");
    CHECK(notes[0].actor == UserId{"lena"});
    const auto decisions = h.timeline_of_kind(1, EntryKind::decision);
    REQUIRE(decisions.size() == 1);
    CHECK(decisions[0].text == "Reset all payroll passwords");
    const auto posted = messages_in(fx, kMain);
    REQUIRE(posted.size() == 2);
    CHECK_THAT(posted[0].text, Contains("Legal hold issued for mailboxes"));
    CHECK_THAT(posted[1].text, Contains("Reset all payroll passwords"));
    // No status update from a note.
    CHECK(h.updates(1).empty());
}

// ---------------------------------------------------------------------------
// severity, status

TEST_CASE("severity: raising it invites the stakeholders of the new severity", "[commands][severity]") {
    Harness h;
    declare(h, "sev3");
    const Reply reply = ok(h, "alice", kMain, "/incident severity sev1");
    CHECK_THAT(reply.text, Contains("INC-1 is now sev1"));
    auto fx = h.drain();
    CHECK(h.incident(1)->severity == Severity::sev1);
    CHECK(invited_to(fx, kMain) == std::vector<std::string>{"cora", "lena", "pat", "sam"});
    const auto posted = messages_in(fx, kMain);
    REQUIRE(posted.size() == 1);
    CHECK_THAT(posted[0].text, Contains("from sev3 to sev1"));
    const auto entries = h.timeline_of_kind(1, EntryKind::severity);
    REQUIRE(entries.size() == 1);
    CHECK_THAT(entries[0].text, Contains("sev3 → sev1"));

    // Lowering invites nobody.
    ok(h, "alice", kMain, "/incident severity sev2");
    fx = h.drain();
    CHECK(invites(fx).empty());
    CHECK(h.incident(1)->severity == Severity::sev2);
}

TEST_CASE("severity: only the Crisis Lead, bad severities refused", "[commands][severity]") {
    Harness h;
    declare(h);
    refused(h, 1, "lena", kMain, "/incident severity sev2", "only the Crisis Lead");
    invalid(h, "alice", kMain, "/incident severity", "/incident severity sev2");
    invalid(h, "alice", kMain, "/incident severity sev5", "\"sev5\" is not a severity");
    invalid(h, "alice", kMain, "/incident severity critical", "is not a severity");
    invalid(h, "alice", kMain, "/incident severity sev1", "already sev1");
    CHECK(h.incident(1)->severity == Severity::sev1);
}

TEST_CASE("status moves the incident, resolved incidents leave the list", "[commands][status]") {
    Harness h;
    declare(h);
    CHECK_THAT(ok(h, "alice", kMain, "/incident status mitigating").text, Contains("INC-1 is now mitigating"));
    CHECK(h.incident(1)->status == Status::mitigating);
    const auto posted = messages_in(h.drain(), kMain);
    REQUIRE(posted.size() == 1);
    CHECK_THAT(posted[0].text, Contains("mitigating"));

    h.clock.advance(std::chrono::hours(3));
    ok(h, "alice", kMain, "/incident status RESOLVED");
    const auto resolved = h.incident(1);
    CHECK(resolved->status == Status::resolved);
    CHECK(resolved->resolved_at == std::optional<Time>(kTestStart + std::chrono::hours(3)));
    CHECK(h.incidents(true).empty());
    CHECK_THAT(ok(h, "zed", "general", "/incident list").text, Contains("No open incidents"));

    // Reopening clears the resolution time.
    ok(h, "alice", kMain, "/incident status investigating");
    CHECK_FALSE(h.incident(1)->resolved_at);
    CHECK(h.timeline_of_kind(1, EntryKind::status).size() == 3);
}

TEST_CASE("status: only the Crisis Lead, bad states refused", "[commands][status]") {
    Harness h;
    declare(h);
    refused(h, 1, "lena", kMain, "/incident status resolved", "only the Crisis Lead");
    invalid(h, "alice", kMain, "/incident status", "investigating, mitigating, mitigated");
    invalid(h, "alice", kMain, "/incident status done", "\"done\" is not a status");
    invalid(h, "alice", kMain, "/incident status investigating", "already investigating");
}

// ---------------------------------------------------------------------------
// draft

TEST_CASE("draft creates D-N and sends the Crisis Lead a card with the exact text", "[commands][draft]") {
    Harness h;
    declare(h);
    const std::string text = "Do not open \"Payroll update\" mails;  report them to security@example.com.";
    const Reply reply = ok(h, "lena", kMain, "/incident draft employees " + text);
    CHECK_THAT(reply.text, Contains("D-1"));
    CHECK_THAT(reply.text, Contains("@alice"));
    const auto fx = h.drain();

    const auto draft = h.draft(1);
    REQUIRE(draft);
    CHECK(draft->state == DraftState::pending);
    CHECK(draft->text == text);
    CHECK(draft->audience == "employees");
    CHECK(draft->author == UserId{"lena"});
    CHECK(draft->incident == IncidentId{1});
    CHECK(draft->routed_to == UserId{"alice"});
    CHECK_FALSE(draft->is_summary);

    const auto cards = posted_cards(fx);
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].to == UserId{"alice"});
    CHECK(cards[0].card.draft == DraftId{1});
    CHECK(cards[0].card.incident == IncidentId{1});
    CHECK(cards[0].card.incident_title == "Payroll phishing");
    CHECK(cards[0].card.audience == "employees");
    CHECK(cards[0].card.audience_channel == "announcements");
    CHECK(cards[0].card.author == UserId{"lena"});
    CHECK(cards[0].card.text == text);
    CHECK(cards[0].card.state == DraftState::pending);
    const auto posted = messages_in(fx, kMain);
    REQUIRE(posted.size() == 1);
    CHECK_THAT(posted[0].text, Contains("D-1"));
    // Nothing is published before approval.
    CHECK(publishes(fx).empty());
    CHECK(h.timeline_of_kind(1, EntryKind::draft).size() == 1);

    // Drafts are numbered across incidents.
    ok(h, "carol", "general", "/incident declare sev4 Second thing");
    ok(h, "carol", "inc-2-second-thing", "/incident draft exec \"All clear\"");
    CHECK(h.draft(2)->incident == IncidentId{2});
    CHECK(h.draft(2)->text == "All clear");
    CHECK(h.draft(2)->routed_to == UserId{"carol"});
}

TEST_CASE("draft: members only, audience and text checked", "[commands][draft]") {
    Harness h;
    declare(h);
    refused(h, 1, "bob", "general", "/incident INC-1 draft exec hello", "you are not in any channel of INC-1");
    invalid(h, "lena", kMain, "/incident draft", "say the audience and the text");
    invalid(h, "lena", kMain, "/incident draft exec", "say the audience and the text");
    const Reply audience = invalid(h, "lena", kMain, "/incident draft investors We are fine",
                                   "\"investors\" is not an audience");
    CHECK_THAT(audience.text, Contains("customers"));
    CHECK_THAT(audience.text, Contains("press"));
    invalid(h, "lena", kMain, "/incident draft exec " + std::string(4001, 'x'), "the limit is 4,000");
    invalid(h, "lena", kMain, "/incident draft exec bad \xC0\xAF bytes", "UTF-8");
    for (const char* mass : {"@channel", "@here", "@everyone", "@Room", "<!channel>"}) {
        INFO(mass);
        invalid(h, "lena", kMain, std::string("/incident draft employees Heads up ") + mass + " reset passwords",
                "mentions a whole channel");
    }
    invalid(h, "lena", kMain, "/incident draft exec \"unclosed", "never closed");
    CHECK(h.drafts(1).empty());
    // An e-mail address or a person is not a mass mention.
    ok(h, "lena", kMain, "/incident draft employees Write to channel@example.com or @pat");
}

// ---------------------------------------------------------------------------
// approve

TEST_CASE("approve publishes the draft once to its audience's channel", "[commands][approve]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    h.drain();
    h.clock.advance(std::chrono::minutes(5));

    const Reply reply = ok(h, "alice", kMain, "/incident approve D-1");
    CHECK_THAT(reply.text, Contains("#exec-briefing"));
    CHECK(h.draft(1)->state == DraftState::approved);
    const auto fx = h.drain();

    const auto published = publishes(fx);
    REQUIRE(published.size() == 1);
    CHECK(published[0].channel == ChannelName{"exec-briefing"});
    CHECK(published[0].draft == DraftId{1});
    CHECK_THAT(published[0].text, Contains("We are investigating a payroll phishing campaign."));
    CHECK_THAT(published[0].text, Contains("INC-1"));
    CHECK_THAT(published[0].text, Contains("approved by @alice"));

    const auto draft = h.draft(1);
    CHECK(draft->state == DraftState::published);
    CHECK(draft->decided_by == std::optional<UserId>(UserId{"alice"}));
    CHECK(draft->decided_at == std::optional<Time>(kTestStart + std::chrono::minutes(5)));
    CHECK(draft->published_at);

    // The card is updated in place with the outcome, who and when.
    const auto updated = card_updates_for(fx, 1);
    REQUIRE(updated.size() == 1);
    CHECK(updated[0].to == UserId{"alice"});
    CHECK(updated[0].card.state == DraftState::approved);
    CHECK(updated[0].card.decided_by == std::optional<UserId>(UserId{"alice"}));
    CHECK(updated[0].card.decided_at == std::optional<Time>(kTestStart + std::chrono::minutes(5)));
    // The author hears about it; the incident channel too.
    const auto told = messages_to(fx, "lena");
    REQUIRE(told.size() == 1);
    CHECK_THAT(told[0].text, Contains("approved"));
    CHECK_FALSE(messages_in(fx, kMain).empty());
    CHECK(h.timeline_of_kind(1, EntryKind::approval).size() == 1);
    CHECK(h.timeline_of_kind(1, EntryKind::publication).size() == 1);

    // Approving again is refused and publishes nothing more.
    invalid(h, "alice", kMain, "/incident approve D-1", "already published");
    CHECK(publishes(h.drain()).empty());
    CHECK(publishes(h.effects()).size() == 1);
}

TEST_CASE("approving twice before the publisher runs still publishes once", "[commands][approve]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    ok(h, "alice", kMain, "/incident approve D-1");
    invalid(h, "alice", kMain, "/incident approve D-1", "already approved");
    ok(h, "alice", "general", "/incident declare sev4 Unrelated");
    invalid(h, "alice", "general", "/incident approve d-1", "already approved");
    const auto fx = h.drain();
    CHECK(publishes(fx).size() == 1);
    CHECK(h.draft(1)->state == DraftState::published);
}

TEST_CASE("approve works from anywhere, the lead's own drafts need explicit approval", "[commands][approve]") {
    Harness h;
    declare(h);
    ok(h, "alice", kMain, "/incident draft customers We are investigating suspicious payroll emails.");
    const auto fx = h.drain();
    CHECK(publishes(fx).empty());
    CHECK(h.draft(1)->state == DraftState::pending);
    REQUIRE(posted_cards(fx).size() == 1);
    CHECK(posted_cards(fx)[0].to == UserId{"alice"});

    ok(h, "cora", "random", "/incident approve D-1");   // customers needs customer-comms' approval too
    CHECK(publishes(h.drain()).empty());
    ok(h, "alice", "random", "/incident approve D-1");
    const auto published = publishes(h.drain());
    REQUIRE(published.size() == 1);
    CHECK(published[0].channel == ChannelName{"customer-comms"});
    // The lead approving her own draft is not told about it in a DM.
    CHECK(messages_to(h.effects(), "alice").empty());
}

TEST_CASE("approve, reject, changes: only the current Crisis Lead, recorded when refused",
          "[commands][approve][reject][changes]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    h.drain();
    const Reply reply = refused(h, 1, "lena", kMain, "/incident approve D-1", "only the Crisis Lead of INC-1 (@alice)");
    CHECK_THAT(reply.text, Contains("approve D-1"));
    refused(h, 1, "erin", "exec-briefing", "/incident approve D-1", "only the Crisis Lead");
    refused(h, 1, "pat", kMain, "/incident reject D-1 too vague", "only the Crisis Lead");
    refused(h, 1, "sam", kMain, "/incident changes D-1 add the date", "only the Crisis Lead");
    CHECK(h.draft(1)->state == DraftState::pending);
    CHECK(publishes(h.drain()).empty());
}

TEST_CASE("approve, reject, changes: bad arguments", "[commands][approve][reject][changes]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    invalid(h, "alice", kMain, "/incident approve", "name the draft");
    invalid(h, "alice", kMain, "/incident approve 1", "\"1\" is not a draft id");
    invalid(h, "alice", kMain, "/incident approve D-1 D-2", "name the draft");
    invalid(h, "alice", kMain, "/incident approve D-99", "D-99 does not exist");
    invalid(h, "alice", kMain, "/incident reject", "give a reason");
    invalid(h, "alice", kMain, "/incident reject D-1", "give the author a reason");
    invalid(h, "alice", kMain, "/incident reject X-1 nope", "is not a draft id");
    invalid(h, "alice", kMain, "/incident reject D-99 nope", "D-99 does not exist");
    invalid(h, "alice", kMain, "/incident changes", "give a reason");
    invalid(h, "alice", kMain, "/incident changes D-1", "give the author a reason");
    invalid(h, "alice", kMain, "/incident changes D-99 more detail", "D-99 does not exist");
    invalid(h, "alice", kMain, "/incident changes D-1 " + std::string(4001, 'r'), "the limit is 4,000");
    CHECK(h.draft(1)->state == DraftState::pending);
}

// ---------------------------------------------------------------------------
// reject, changes, revise, withdraw

TEST_CASE("reject: nothing is published and the author hears why", "[commands][reject]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    h.drain();
    const Reply reply = ok(h, "alice", kMain, "/incident reject D-1 scope is not confirmed yet");
    CHECK_THAT(reply.text, Contains("nothing is published"));
    const auto fx = h.drain();
    CHECK(publishes(fx).empty());
    const auto draft = h.draft(1);
    CHECK(draft->state == DraftState::rejected);
    CHECK(draft->reason == "scope is not confirmed yet");
    const auto updated = card_updates_for(fx, 1);
    REQUIRE(updated.size() == 1);
    CHECK(updated[0].card.state == DraftState::rejected);
    CHECK(updated[0].card.reason == "scope is not confirmed yet");
    const auto told = messages_to(fx, "lena");
    REQUIRE(told.size() == 1);
    CHECK_THAT(told[0].text, Contains("scope is not confirmed yet"));

    invalid(h, "alice", kMain, "/incident approve D-1", "rejected");
    invalid(h, "lena", kMain, "/incident revise D-1 better text", "rejected");
    CHECK(publishes(h.drain()).empty());
}

TEST_CASE("changes, then revise by the author, then approve publishes the revised text",
          "[commands][changes][revise]") {
    Harness h;
    declare(h);
    lena_drafts(h, "We are investigating.");
    h.drain();

    ok(h, "alice", kMain, "/incident changes D-1 name the affected system");
    auto fx = h.drain();
    CHECK(h.draft(1)->state == DraftState::changes_requested);
    CHECK(h.draft(1)->reason == "name the affected system");
    const auto told = messages_to(fx, "lena");
    REQUIRE(told.size() == 1);
    CHECK_THAT(told[0].text, Contains("name the affected system"));
    CHECK_THAT(told[0].text, Contains("/incident revise D-1"));
    CHECK(card_updates_for(fx, 1).at(0).card.state == DraftState::changes_requested);
    // Not decidable until revised.
    invalid(h, "alice", kMain, "/incident approve D-1", "revise");

    // Only the author revises.
    refused(h, 1, "alice", kMain, "/incident revise D-1 Payroll portal phishing under investigation.",
            "only the author of D-1 (@lena)");
    refused(h, 1, "pat", kMain, "/incident revise D-1 whatever", "only the author");

    const Reply reply = ok(h, "lena", kMain, "/incident revise D-1 The payroll portal  phishing is under investigation.");
    CHECK_THAT(reply.text, Contains("revision 2"));
    fx = h.drain();
    const auto draft = h.draft(1);
    CHECK(draft->state == DraftState::pending);
    CHECK(draft->revision == 2);
    CHECK(draft->text == "The payroll portal  phishing is under investigation.");
    CHECK_FALSE(draft->decided_by);
    CHECK(draft->reason.empty());
    const auto card = cards_for(fx, 1);
    REQUIRE(card.size() == 1);
    CHECK(card[0].to == UserId{"alice"});
    CHECK(card[0].card.revision == 2);
    CHECK(card[0].card.text == "The payroll portal  phishing is under investigation.");

    ok(h, "alice", kMain, "/incident approve D-1");
    const auto published = publishes(h.drain());
    REQUIRE(published.size() == 1);
    CHECK_THAT(published[0].text, Contains("The payroll portal  phishing is under investigation."));
    CHECK(published[0].text.find("We are investigating.") == std::string::npos);
}

TEST_CASE("revise: bad arguments and wrong states", "[commands][revise]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    invalid(h, "lena", kMain, "/incident revise", "/incident revise D-3 TEXT");
    invalid(h, "lena", kMain, "/incident revise D-1", "/incident revise D-3 TEXT");
    invalid(h, "lena", kMain, "/incident revise D-99 new text", "D-99 does not exist");
    invalid(h, "lena", kMain, "/incident revise D-1 new text", "withdraw it");   // still pending
    ok(h, "alice", kMain, "/incident changes D-1 shorter please");
    invalid(h, "lena", kMain, "/incident revise D-1 @channel new text", "mentions a whole channel");
    invalid(h, "lena", kMain, "/incident revise D-1 " + std::string(4001, 'z'), "the limit is 4,000");
    CHECK(h.draft(1)->state == DraftState::changes_requested);
    CHECK(h.draft(1)->revision == 1);
}

TEST_CASE("withdraw: the author takes a draft back, nothing is published", "[commands][withdraw]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    h.drain();
    refused(h, 1, "alice", kMain, "/incident withdraw D-1", "only the author of D-1 (@lena)");
    refused(h, 1, "pat", kMain, "/incident withdraw D-1", "only the author");

    CHECK_THAT(ok(h, "lena", kMain, "/incident withdraw D-1").text, Contains("Withdrew D-1"));
    const auto fx = h.drain();
    CHECK(h.draft(1)->state == DraftState::withdrawn);
    const auto updated = card_updates_for(fx, 1);
    REQUIRE(updated.size() == 1);
    CHECK(updated[0].to == UserId{"alice"});
    CHECK(updated[0].card.state == DraftState::withdrawn);

    invalid(h, "alice", kMain, "/incident approve D-1", "withdrew");
    invalid(h, "lena", kMain, "/incident withdraw D-1", "withdrew");
    invalid(h, "lena", kMain, "/incident withdraw", "name the draft");
    invalid(h, "lena", kMain, "/incident withdraw D-99", "D-99 does not exist");
    CHECK(publishes(h.drain()).empty());
}

TEST_CASE("withdraw: an approved draft can no longer be withdrawn", "[commands][withdraw]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    ok(h, "alice", kMain, "/incident approve D-1");
    invalid(h, "lena", kMain, "/incident withdraw D-1", "already approved");
    CHECK(publishes(h.drain()).size() == 1);
}

// ---------------------------------------------------------------------------
// card actions

TEST_CASE("card buttons decide drafts like the commands, a non-lead's click is refused and recorded",
          "[commands][card]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    ok(h, "pat", kMain, "/incident draft press Holding statement.");
    h.drain();

    const std::string before = h.state_fingerprint();
    const Reply not_lead = h.click("lena", 1, CardDecision::approve);
    CHECK(not_lead.kind == Reply::Kind::error);
    CHECK_THAT(not_lead.text, Contains("only the Crisis Lead"));
    CHECK(h.state_fingerprint() == before);
    const auto refusals = h.timeline_of_kind(1, EntryKind::refusal);
    REQUIRE(refusals.size() == 1);
    CHECK(refusals[0].actor == UserId{"lena"});
    CHECK(h.draft(1)->state == DraftState::pending);

    CHECK(h.click("alice", 1, CardDecision::approve).kind == Reply::Kind::ok);
    CHECK(h.click("alice", 2, CardDecision::reject).kind == Reply::Kind::ok);   // a button needs no reason
    const auto fx = h.drain();
    const auto published = publishes(fx);
    REQUIRE(published.size() == 1);
    CHECK(published[0].draft == DraftId{1});
    CHECK(h.draft(1)->state == DraftState::published);
    CHECK(h.draft(2)->state == DraftState::rejected);

    // A second click on a decided card publishes nothing.
    const Reply again = h.click("alice", 1, CardDecision::approve);
    CHECK(again.kind == Reply::Kind::error);
    CHECK_THAT(again.text, Contains("already published"));
    const Reply unknown = h.click("alice", 99, CardDecision::approve);
    CHECK(unknown.kind == Reply::Kind::error);
    CHECK_THAT(unknown.text, Contains("D-99 does not exist"));
    CHECK(publishes(h.drain()).empty());

    // request changes by reaction
    ok(h, "lena", kMain, "/incident draft employees Please reset passwords.");
    CHECK(h.click("alice", 3, CardDecision::request_changes, "say how").kind == Reply::Kind::ok);
    CHECK(h.draft(3)->state == DraftState::changes_requested);
    CHECK(h.draft(3)->reason == "say how");
}

// ---------------------------------------------------------------------------
// summary

TEST_CASE("summary drafts an executive summary from the incident's state", "[commands][summary]") {
    Harness h;
    declare(h, "sev2");
    ok(h, "alice", kMain, "/incident update Phishing mails quarantined");
    ok(h, "alice", "inc-1-engineering", "/incident update Looking at gateway logs");
    h.clock.advance(std::chrono::minutes(20));
    ok(h, "alice", "inc-1-engineering", "/incident update Sender domain blocked at the gateway");
    ok(h, "alice", kMain, "/incident decision Force password reset for payroll staff");
    ok(h, "alice", kMain, "/incident status mitigating");
    h.clock.advance(std::chrono::minutes(10));
    h.drain();

    const Reply reply = ok(h, "alice", kMain, "/incident summary");
    CHECK_THAT(reply.text, Contains("D-1"));
    const auto fx = h.drain();

    const auto draft = h.draft(1);
    REQUIRE(draft);
    CHECK(draft->is_summary);
    CHECK(draft->audience == "exec");
    CHECK(draft->state == DraftState::pending);
    CHECK(draft->author == UserId{"alice"});
    const std::string& text = draft->text;
    CHECK_THAT(text, Contains("INC-1"));
    CHECK_THAT(text, Contains("Payroll phishing"));
    CHECK_THAT(text, Contains("sev2"));
    CHECK_THAT(text, Contains("mitigating"));
    CHECK_THAT(text, Contains("@alice"));
    CHECK_THAT(text, Contains("Phishing mails quarantined"));
    CHECK_THAT(text, Contains("engineering"));
    CHECK_THAT(text, Contains("Sender domain blocked at the gateway"));
    CHECK(text.find("Looking at gateway logs") == std::string::npos);   // only the latest per workstream
    CHECK_THAT(text, Contains("communications"));
    CHECK_THAT(text, Contains("no update yet"));
    CHECK_THAT(text, Contains("Force password reset for payroll staff"));

    const auto cards = posted_cards(fx);
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].to == UserId{"alice"});
    CHECK(cards[0].card.audience_channel == "exec-briefing");
    CHECK(cards[0].card.text == text);
    CHECK(publishes(fx).empty());
    CHECK(h.timeline_of_kind(1, EntryKind::summary).size() == 1);

    // Approved like any draft, it goes to the executives.
    ok(h, "alice", kMain, "/incident approve D-1");
    const auto published = publishes(h.drain());
    REQUIRE(published.size() == 1);
    CHECK(published[0].channel == ChannelName{"exec-briefing"});
    CHECK_THAT(published[0].text, Contains("Sender domain blocked at the gateway"));
}

TEST_CASE("summary: a teammate's @here in an update neither blocks the summary nor pings a channel",
          "[commands][summary]") {
    Harness h;
    declare(h, "sev3");
    ok(h, "alice", "inc-1-engineering", "/incident update Asked @here in #it to reset passwords");
    ok(h, "alice", kMain, "/incident decision Tell @channel in #announcements after approval");
    const Reply reply = ok(h, "alice", kMain, "/incident summary");
    CHECK_THAT(reply.text, Contains("D-1"));
    const auto draft = h.draft(1);
    REQUIRE(draft);
    CHECK_THAT(draft->text, Contains("in #it to reset passwords"));
    CHECK_THAT(draft->text, Contains("in #announcements after approval"));
    // What is published would not notify a whole channel.
    const std::string lower = draft->text;
    CHECK(lower.find("@here") == std::string::npos);
    CHECK(lower.find("@channel") == std::string::npos);
    // Ordinary addresses are quoted exactly.
    ok(h, "alice", "inc-1-engineering", "/incident update Reports go to security@example.com");
    ok(h, "alice", kMain, "/incident summary");
    CHECK_THAT(h.draft(2)->text, Contains("Reports go to security@example.com"));
}

TEST_CASE("summary: next steps typed by the lead, only the lead may ask", "[commands][summary]") {
    Harness h;
    declare(h, "sev4");
    ok(h, "alice", kMain, "/incident summary Brief the board at 17:00");
    CHECK_THAT(h.draft(1)->text, Contains("Next steps: Brief the board at 17:00"));
    ok(h, "alice", kMain, "/incident invite @dave");
    refused(h, 1, "dave", kMain, "/incident summary", "only the Crisis Lead");
    invalid(h, "alice", kMain, "/incident summary " + std::string(801, 'n'), "next steps");
    CHECK(h.drafts(1).size() == 1);
}

// ---------------------------------------------------------------------------
// timeline, list, show, help

TEST_CASE("timeline shows what happened, to members only", "[commands][timeline]") {
    Harness h;
    declare(h);
    ok(h, "lena", kMain, "/incident note Legal hold issued");
    const Reply reply = ok(h, "pat", kMain, "/incident timeline");
    CHECK_THAT(reply.text, Contains("Timeline of INC-1"));
    CHECK_THAT(reply.text, Contains("[declared]"));
    CHECK_THAT(reply.text, Contains("[note] @lena: Legal hold issued"));
    refused(h, 1, "bob", "general", "/incident INC-1 timeline", "not in any channel");
    invalid(h, "pat", kMain, "/incident timeline please", "takes no arguments");
}

TEST_CASE("list shows the open incidents the caller is in, and only counts the others", "[commands][list]") {
    Harness h;
    CHECK_THAT(ok(h, "zed", "general", "/incident list").text, Contains("No open incidents"));
    declare(h);
    ok(h, "bob", "general", "/incident declare sev3 Lost laptop");
    // An incident's title and people are for its members; anyone else learns only how many there are.
    const Reply outsider = ok(h, "zed", "general", "/incident list");
    CHECK_THAT(outsider.text, Contains("You are in none of the open incidents (2 open incidents you are not in)"));
    CHECK_THAT(outsider.text, !Contains("Payroll phishing") && !Contains("Lost laptop") && !Contains("INC-1 ·"));
    const Reply lead = ok(h, "alice", "general", "/incident list");
    CHECK_THAT(lead.text, Contains("You are in 1 open incident:"));
    CHECK_THAT(lead.text, Contains("INC-1 · sev1 · investigating · Payroll phishing · lead @alice"));
    CHECK_THAT(lead.text, !Contains("Lost laptop") && !Contains("INC-2"));
    CHECK_THAT(lead.text, Contains("and 1 other open incident you are not in"));
    // Invited to INC-2's channel: a member sees it too.
    ok(h, "bob", "inc-2-lost-laptop", "/incident invite @alice");
    const Reply both = ok(h, "alice", "general", "/incident list");
    CHECK_THAT(both.text, Contains("You are in 2 open incidents:"));
    CHECK_THAT(both.text, Contains("INC-2") && Contains("#inc-2-lost-laptop") && !Contains("not in"));
    invalid(h, "zed", "general", "/incident list all", "takes no arguments");
}

TEST_CASE("show gives a member the incident's state", "[commands][show]") {
    Harness h;
    declare(h);
    lena_drafts(h);
    ok(h, "alice", kMain, "/incident lead @carol");
    const Reply reply = ok(h, "sam", kMain, "/incident show");
    CHECK_THAT(reply.text, Contains("INC-1 · Payroll phishing"));
    CHECK_THAT(reply.text, Contains("sev1"));
    CHECK_THAT(reply.text, Contains("Crisis Lead: @alice"));
    CHECK_THAT(reply.text, Contains("offered to @carol"));
    CHECK_THAT(reply.text, Contains("#" + kMain));
    CHECK_THAT(reply.text, Contains("- engineering: no lead"));
    CHECK_THAT(reply.text, Contains("D-1 exec by @lena: pending"));
    refused(h, 1, "bob", "general", "/incident INC-1 show", "not in any channel of INC-1");
    invalid(h, "sam", kMain, "/incident show me", "takes no arguments");
}

TEST_CASE("help lists every command, or explains one", "[commands][help]") {
    Harness h;
    const Reply all = ok(h, "zed", "general", "/incident help");
    for (const char* name : {"declare", "lead", "workstream", "invite", "update", "note", "decision", "severity",
                             "status", "draft", "approve", "reject", "changes", "revise", "withdraw", "summary",
                             "timeline", "list", "show", "help"}) {
        INFO(name);
        CHECK_THAT(all.text, Contains(std::string("\n  ") + name));
    }
    CHECK_THAT(ok(h, "zed", "general", "/incident help draft").text,
               Contains("Usage: /incident draft AUDIENCE TEXT"));
    CHECK_THAT(ok(h, "zed", "general", "/incident help APPROVE").text, Contains("Usage: /incident approve D-N"));
    invalid(h, "zed", "general", "/incident help bogus", "there is no command \"bogus\"");
    invalid(h, "zed", "general", "/incident help draft approve", "at most one");
    // The bare command is help.
    CHECK_THAT(ok(h, "zed", "general", "/incident").text, Contains("declare SEV TITLE"));
}

// ---------------------------------------------------------------------------
// the engine: prefixes, implied incidents, chat, repeats

TEST_CASE("the incident is implied by its channels, or named from elsewhere", "[commands][engine]") {
    Harness h;
    declare(h);
    ok(h, "bob", "general", "/incident declare sev4 Second incident");
    h.drain();

    ok(h, "lena", kMain, "/incident note implied");
    ok(h, "lena", "general", "/incident INC-1 note named from general");
    ok(h, "alice", "inc-1-legal", "/incident note from a workstream channel");
    // Named from another incident's channel: the named one wins.
    ok(h, "alice", "inc-2-second-incident", "/incident inc-1 note named from INC-2's channel");
    const auto notes = h.timeline_of_kind(1, EntryKind::note);
    REQUIRE(notes.size() == 4);
    CHECK(notes[0].text == "implied");
    CHECK(notes[1].text == "named from general");
    CHECK(notes[2].text == "from a workstream channel");
    CHECK(notes[3].text == "named from INC-2's channel");
    CHECK(h.timeline_of_kind(2, EntryKind::note).empty());
    // The echo goes where it was typed if that is the incident's channel, else to its main channel.
    const auto fx = h.drain();
    CHECK(messages_in(fx, "general").empty());
    CHECK(messages_in(fx, "inc-2-second-incident").empty());
    CHECK(messages_in(fx, kMain).size() == 3);
    CHECK(messages_in(fx, "inc-1-legal").size() == 1);

    invalid(h, "lena", "general", "/incident note where am I", "belongs to no incident");
    invalid(h, "lena", "general", "/incident INC-9 note hello", "INC-9 does not exist");
}

TEST_CASE("/inc, !incident and !inc work like /incident, chat is ignored", "[commands][engine]") {
    Harness h;
    ok(h, "alice", "general", "/inc declare sev4 Payroll phishing");
    ok(h, "alice", kMain, "!incident note from matrix");
    ok(h, "alice", kMain, "!inc note short form");
    ok(h, "alice", kMain, "   /incident note leading spaces");
    CHECK(h.timeline_of_kind(1, EntryKind::note).size() == 3);

    const std::string before = h.state_fingerprint();
    for (const char* chat : {"hello team", "/incidents are bad", "/incdeclare sev1 x", "incident declare sev1 x",
                             "please /incident declare sev1 x", "", "!incidental"}) {
        INFO(chat);
        const Reply reply = h.say("alice", kMain, chat);
        CHECK(reply.kind == Reply::Kind::ignored);
        CHECK(reply.text.empty());
    }
    CHECK(h.state_fingerprint() == before);
}

TEST_CASE("unknown subcommands and broken quoting get a clear error", "[commands][engine]") {
    Harness h;
    declare(h);
    const Reply unknown = invalid(h, "alice", kMain, "/incident frobnicate now", "there is no command \"frobnicate\"");
    CHECK_THAT(unknown.text, Contains("/incident help"));
    invalid(h, "alice", kMain, "/incident note \"unfinished", "close it");
    invalid(h, "alice", kMain, "/incident note \xE2\x82", "not valid UTF-8");
}

TEST_CASE("a repeated event id is ignored and changes nothing", "[commands][engine]") {
    Harness h;
    const Event declare_event{EventId{"slack-Ev123"}, UserId{"alice"}, ChannelName{"general"},
                              CommandText{"/incident declare sev1 Payroll phishing"}};
    CHECK(h.send(declare_event).kind == Reply::Kind::ok);
    const std::size_t jobs = h.pending_jobs().size();
    const std::string before = h.state_fingerprint();
    const Reply again = h.send(declare_event);
    CHECK(again.kind == Reply::Kind::ignored);
    CHECK(h.state_fingerprint() == before);
    CHECK(h.pending_jobs().size() == jobs);
    CHECK(h.incidents().size() == 1);

    // A repeated card click does not decide twice.
    ok(h, "lena", kMain, "/incident draft exec Status: investigating.");
    const Event click{EventId{"slack-click-1"}, UserId{"alice"}, ChannelName{""},
                      CardAction{DraftId{1}, CardDecision::approve, ""}};
    CHECK(h.send(click).kind == Reply::Kind::ok);
    CHECK(h.send(click).kind == Reply::Kind::ignored);
    CHECK(publishes(h.drain()).size() == 1);
    CHECK(h.send(click).kind == Reply::Kind::ignored);
    CHECK(h.timeline_of_kind(1, EntryKind::approval).size() == 1);

    // A refused event redelivered is not recorded twice.
    const Event refused_event{EventId{"slack-Ev999"}, UserId{"lena"}, ChannelName{kMain},
                              CommandText{"/incident status resolved"}};
    CHECK(h.send(refused_event).kind == Reply::Kind::error);
    CHECK(h.send(refused_event).kind == Reply::Kind::ignored);
    CHECK(h.timeline_of_kind(1, EntryKind::refusal).size() == 1);
}
