#pragma once
// The words of the two interactive cards — the approval card a Crisis Lead
// decides (effect Card) and the escalation card executives decide
// (EscalationCard) — once, for every platform. Each adapter only lays these
// pieces out in its markup (Slack Block Kit and mrkdwn, Matrix HTML and a plain
// body) and escapes them its way; no sentence or label of a card is written in
// an adapter.
//
// A line is a list of parts rather than one string, so that what a platform
// writes its own way stays the adapter's: a user as a mention or a pill, a
// time, a channel as a link, a command with the platform's command prefix, and
// escaping of every word around them.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/clock.hpp"
#include "bot/effect.hpp"
#include "bot/ids.hpp"

namespace warroom {

// A sign in front of a status, which a platform may show as an emoji (Slack
// does) or leave out (Matrix does).
enum class CardMark { waiting, approved, changes, rejected, withdrawn, moved, outdated, denied, exercise };

// One piece of a line of card text.
struct CardPart {
    enum class Kind {
        words,       // the core's fixed words: escaped, never cut
        strong,      // fixed words the platform may emphasise ("Approved", "Reason:")
        user_text,   // what people typed or named (a title, an audience, a reason): escaped, cut at max_bytes
        user,        // a person, written as the platform names people
        time,        // a moment, written as the platform shows times
        channel,     // a chat channel (ChannelName's value): "#name", or a link where the platform can
        command,     // a command's words after the platform's prefix: "approve D-3 --revision 2"
        mark,        // a CardMark
    };
    Kind kind = Kind::words;
    std::string text;              // words, strong, user_text, channel, command
    std::size_t max_bytes = 0;     // user_text: at most about this many bytes shown (0: all)
    UserId user;                   // user
    Time time{};                   // time
    CardMark mark = CardMark::waiting;   // mark
};
using CardLine = std::vector<CardPart>;

// A labelled value: "Audience" — "exec → #exec-briefing".
struct CardFact {
    std::string label;
    CardLine value;
};

// The decisions a card offers, as buttons (Slack) or reactions (Matrix).
enum class CardChoice { approve, request_changes, reject, allow, deny };

struct CardButton {
    CardChoice choice = CardChoice::approve;
    std::string label;             // "Approve", "Request changes"
};

struct CardText {
    std::string title;             // ids and fixed words only: "[EXERCISE] Approval needed · D-3 revision 2"
    CardLine banner;               // the exercise banner; empty for a real card
    std::vector<CardFact> facts;   // Incident, Audience, Author, Revision / Incident, Asked by, Answer by, Who may decide
    std::string text_intro;        // "Exactly as it will be published:"; empty when the text needs none
    std::string text;              // the user's text, as written (each platform splits or cuts it)
    std::string status_label;      // "State": for a platform that shows the status inline with the text
    std::vector<CardLine> status_lines;   // where the card stands: waiting (and for which approvals), or the decision and its reason
    bool live = false;             // decisions are taken from this card: it shows buttons / reaction keys
    std::vector<CardButton> buttons;      // the decisions offered, empty unless live
    std::string deciders;          // who may decide, for the reaction instructions: "the Crisis Lead only"
    CardLine command_line;         // "By command: /incident approve D-3 --revision 2"; empty when none is offered
    CardLine summary;              // one line for notifications: "Approval needed: D-3 for exec (INC-1)"
};

// At most this many executives are named on an escalation card; the rest are counted.
inline constexpr std::size_t kMaxNamedDeciders = 20;

CardText approval_card_text(const Card& card);
CardText escalation_card_text(const EscalationCard& card);

// How to react to decide, for a platform whose cards are decided by reactions:
// "React ✅ approve · ✏️ request changes · ❌ reject (the Crisis Lead only)".
// `key_of` gives the platform's reaction for each choice. "" when the card is not live.
std::string reaction_instructions(const CardText& text, const std::function<std::string(CardChoice)>& key_of);

// Where a platform shows only the start of a card's text: what the note after
// it says, given about how many bytes of the text are left out.
std::string text_cut_note(std::size_t hidden_bytes);

// The plain text of a line: users as mention() writes them, times as
// format_utc, channels as to_string(ChannelName), commands with `command_prefix`,
// no marks, user text cut at its max_bytes.
std::string plain_text(const CardLine& line, std::string_view command_prefix = "/incident");

}  // namespace warroom
