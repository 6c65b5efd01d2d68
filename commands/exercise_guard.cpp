#include "commands/exercise_guard.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace warroom {
namespace {

constexpr std::string_view kMark = "[EXERCISE] ";
// Markdown (the review) gets the mark as a paragraph of its own: written in
// front of "# Review" it would turn the heading into a plain line.
constexpr std::string_view kMarkParagraph = "[EXERCISE]\n\n";

// Idempotent, so an effect that passes the guard twice is not marked twice.
std::string marked(std::string text, TextFormat format = TextFormat::plain) {
    if (text.starts_with(kMark) || text.starts_with(kMarkParagraph)) return text;
    return std::string(format == TextFormat::markdown ? kMarkParagraph : kMark) + text;
}

// One effect, confined. Anything aimed outside the exercise's channels lands
// in its main channel, saying where it would have gone, so the team still
// sees what a real incident would have sent.
class Confine {
public:
    explicit Confine(const Incident& incident) : incident_(incident), main_(incident.main_channel().name) {}

    Effect operator()(CreateChannel create) const {
        if (!inside(create.name))
            return post_to(main_, marked("would have created " + to_string(create.name) + " (kept in the exercise)"));
        create.topic = marked(std::move(create.topic));
        return create;
    }

    Effect operator()(InviteUsers invite) const {
        if (inside(invite.channel)) return invite;
        return post_to(main_, marked("would have invited " + mentions(invite.users) + " to " + to_string(invite.channel) +
                                     " (kept in the exercise)"));
    }

    Effect operator()(PostMessage message) const {
        if (message.channel && !inside(*message.channel)) {
            message.text = "for " + to_string(*message.channel) + " (kept in the exercise):" +
                           (message.format == TextFormat::markdown ? "\n\n" : " ") + message.text;
            message.channel = main_;
        }
        message.text = marked(std::move(message.text), message.format);
        return message;   // a direct message stays direct: it is only marked
    }

    Effect operator()(PostCard card) const {
        confine(card.card);
        return card;
    }

    Effect operator()(UpdateCard card) const {
        confine(card.card);
        return card;
    }

    Effect operator()(Publish publish) const {
        if (!inside(publish.channel)) {
            publish.text = "would be published to " + to_string(publish.channel) + ": " + publish.text;
            publish.channel = main_;
        }
        publish.text = marked(std::move(publish.text));
        return publish;
    }

    // Nothing of an exercise reaches a webhook, status page, mailbox or
    // pager: the main channel shows what would have been sent, and the draft
    // is published there, as a chat audience's is.
    Effect operator()(Deliver deliver) const {
        return Publish{deliver.draft, main_,
                       marked("would be sent to " + deliver.destination + " (kept in the exercise): " + deliver.text)};
    }

    Effect operator()(ResolveStatusPage resolve) const {
        return post_to(main_, marked("would have resolved the incident on " + resolve.destination +
                                     " (kept in the exercise)"));
    }

    Effect operator()(Page page) const {
        if (page.action == PageAction::resolve)
            return post_to(main_, marked("would have resolved the page to " + page.pager + " (kept in the exercise)"));
        return post_to(main_, marked("would have paged " + page.pager + " (kept in the exercise): " + page.summary));
    }

    Effect operator()(PostEscalation escalation) const {
        confine(escalation.channel, escalation.card);
        return escalation;
    }

    Effect operator()(UpdateEscalation escalation) const {
        confine(escalation.channel, escalation.card);
        return escalation;
    }

    // Rights inside the exercise's own channels only.
    Effect operator()(HandOverChannels handover) const {
        std::erase_if(handover.channels, [this](const ChannelName& channel) { return !inside(channel); });
        return handover;
    }

private:
    bool inside(const ChannelName& channel) const { return incident_.find_channel(channel) != nullptr; }

    // The card's text stays exactly what would be published; the card is
    // flagged as an exercise (adapters show it) and says where the
    // publication goes instead.
    void confine(Card& card) const {
        card.exercise = true;
        if (!card.audience_channel.empty() && !inside(ChannelName{card.audience_channel}))
            card.audience_channel = main_.value() + " (standing in for #" + card.audience_channel + ")";
    }

    void confine(ChannelName& channel, EscalationCard& card) const {
        card.exercise = true;
        if (!inside(channel)) {
            card.incident_title += " — for " + to_string(channel) + " (kept in the exercise)";
            channel = main_;
        }
    }

    const Incident& incident_;
    ChannelName main_;
};

}  // namespace

void confine_to_exercise(const Incident& incident, std::vector<Effect>& effects) {
    if (!incident.exercise || incident.channels.empty()) return;
    std::vector<Effect> confined;
    confined.reserve(effects.size());
    const Confine confine(incident);
    for (Effect& effect : effects) confined.push_back(std::visit(confine, std::move(effect)));
    effects = std::move(confined);
}

std::string destination_of(const Incident& incident, const ChannelName& channel) {
    if (!incident.exercise || incident.channels.empty() || incident.find_channel(channel))
        return to_string(channel);
    return to_string(incident.main_channel().name) + " (standing in for " + to_string(channel) + ")";
}

}  // namespace warroom
