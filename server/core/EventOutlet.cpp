#include "EventOutlet.h"

#include "RoomManager.h"
#include "Timestamp.h"

namespace switchboard {

EventOutlet::EventOutlet(RoomManager *rooms, QObject *parent) : QObject(parent), m_rooms(rooms) {}

void EventOutlet::publish(ChatEvent::Type type, const Channel &channel, const std::function<void(ChatEvent &)> &fill,
                          QStringList topics)
{
    auto e = std::make_shared<ChatEvent>();
    e->type = type;
    e->at = Timestamp::nowMs();
    e->channel = channel;
    if (fill) fill(*e);
    if (topics.isEmpty()) topics.append(RoomManager::channelTopic(channel.id));
    publishEvent(e, topics);
}

void EventOutlet::publishEvent(const ChatEventPtr &event, const QStringList &topics)
{
    if (m_sequencer && event->seq > 0) {
        m_sequencer(event, topics);
        return;
    }
    deliver(event, topics);
}

void EventOutlet::deliver(const ChatEventPtr &event, const QStringList &topics)
{
    if (event->seq > 0) {
        qint64 &seq = m_seq[event->channel.id];
        seq = qMax(seq, event->seq);
        m_gid = qMax(m_gid, event->gid);
    }
    const bool bulk = m_bulkScope && isBulk(event->type);
    if (bulk) m_bulkScope(true);
    m_rooms->publish(topics, event);
    if (bulk) m_bulkScope(false);
    Q_EMIT published(event, topics);
}

bool EventOutlet::isCommitted(ChatEvent::Type type)
{
    switch (type) {
    case ChatEvent::Type::TypingStarted:
    case ChatEvent::Type::TypingStopped:
    case ChatEvent::Type::PresenceChanged:
    case ChatEvent::Type::ParticipantJoined: // decided per node from the cluster's room state
    case ChatEvent::Type::ParticipantLeft:
    case ChatEvent::Type::ThreadStarted: return false;
    default: return true;
    }
}

bool EventOutlet::isBulk(ChatEvent::Type type)
{
    switch (type) {
    case ChatEvent::Type::TypingStarted:
    case ChatEvent::Type::TypingStopped:
    case ChatEvent::Type::PresenceChanged:
    case ChatEvent::Type::ParticipantJoined:
    case ChatEvent::Type::ParticipantLeft:
    case ChatEvent::Type::MessageRead:
    case ChatEvent::Type::ReactionAdded:
    case ChatEvent::Type::ReactionRemoved: return true;
    default: return false;
    }
}

bool EventOutlet::isLogged(ChatEvent::Type type)
{
    switch (type) {
    case ChatEvent::Type::MessageCreated:
    case ChatEvent::Type::MessageUpdated:
    case ChatEvent::Type::MessageDeleted:
    case ChatEvent::Type::ReactionAdded:
    case ChatEvent::Type::ReactionRemoved:
    case ChatEvent::Type::MemberJoined:
    case ChatEvent::Type::MemberLeft: return true;
    default: return false;
    }
}

} // namespace switchboard
